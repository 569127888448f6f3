"""The reserve that keeps PySide6 6.12's lost references to None and True from aborting Python 3.11."""

import subprocess
import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None and True are immortal from 3.12")
def test_none_and_true_outlive_pysides_lost_references():
    """A child makes far more void Qt calls and emits than None and True had references: without
    the reserve it aborts (SIGABRT) when a count reaches zero; with it, it ends cleanly."""
    script = """
import sys
from PySide6.QtCore import QObject, Signal
from billing_desk.refcounts import reserve_references
nones, trues = sys.getrefcount(None) + 1000, sys.getrefcount(True) + 1000  # more than they have
if sys.argv[1] == "reserve":
    reserve_references()
class P(QObject):
    ping = Signal()
p = P()
for _ in range(nones):
    p.setObjectName("x")
for _ in range(trues):
    p.ping.emit()
print("ended")
"""
    spent = subprocess.run([sys.executable, "-c", script, "none"], capture_output=True, text=True,
                           timeout=300)
    if spent.returncode == 0:
        pytest.skip("this PySide keeps its references: billing_desk/refcounts.py may go")
    kept = subprocess.run([sys.executable, "-c", script, "reserve"], capture_output=True, text=True,
                          timeout=300)
    assert kept.returncode == 0 and "ended" in kept.stdout, kept.stderr
