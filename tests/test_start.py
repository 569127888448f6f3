"""The start shows the window first (issue 21, item 6): the ICD-10-CM code set is read from a
compact index on the first look-up, openpyxl and reportlab wait for the first export or paper,
today's totals for the first paint. Untimed: bench/bench_start.py measures the start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from billing_desk.services.books import icd_index

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str, home: Path, timeout: int = 300) -> str:
    env = dict(os.environ, BILLING_DESK_HOME=str(home), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


WINDOW = """
import json, sys
from pathlib import Path
from billing_desk.ui.app import application
from billing_desk.services.office.session import open_session
from billing_desk.ui.main_window import MainWindow

app = application()
window = MainWindow(open_session(Path({db!r})))
before = window.totals_label.text()
window.show()
while "Today:" not in window.totals_label.text():
    app.processEvents()
print(json.dumps({{"before": before, "after": window.totals_label.text(),
                  "loaded": [m for m in ("openpyxl", "simple_icd_10_cm", "reportlab", "psycopg",
                                         "billing_desk.reports", "billing_desk.ui.claims.tab",
                                         "billing_desk.ui.collections.tab") if m in sys.modules]}}))
"""


def test_the_window_paints_before_totals_and_reads_neither_code_set_nor_openpyxl(tmp_path):
    """Nor the server's driver (an office on a file), every report, or a tab not shown."""
    seen = json.loads(run_python(WINDOW.format(db=str(tmp_path / "office.sqlite")), tmp_path / "home"))
    assert seen["before"] == ""  # today's totals wait for the first paint
    assert seen["after"].startswith("Today: charges $0.00")
    assert seen["loaded"] == []


LOOK_UP = """
import json, sys
from billing_desk.services.books import codes, icd_index
if {forbid}:
    icd_index.build_rows = None  # building now fails: the kept index must be read
found = codes.check_diagnosis("e119")
print(json.dumps({{"found": [found[0], found[1] is None], "kept": icd_index.index_path().exists(),
                  "library": sys.modules.get("simple_icd_10_cm") is not None}}))
"""


def test_the_index_is_built_once_kept_in_the_data_folder_and_read_without_the_library(tmp_path):
    first = json.loads(run_python(LOOK_UP.format(forbid=False), tmp_path))
    assert first == {"found": ["E11.9", True], "kept": True, "library": False}  # let go after building
    again = json.loads(run_python(LOOK_UP.format(forbid=True), tmp_path))
    assert again == {"found": ["E11.9", True], "kept": True, "library": False}


@pytest.fixture
def fresh_code_set():
    icd_index.code_set.cache_clear()
    yield
    icd_index.code_set.cache_clear()


def test_a_damaged_or_other_edition_index_is_built_again(tmp_path, monkeypatch, fresh_code_set):
    rows = [(0, 2, "A00-B99", "Infectious diseases"), (1, 2, "A00-A09", "Intestinal"),
            (2, 0, "A00", "Cholera"), (3, 1, "A00.0", "Cholera due to Vibrio\tcholerae"),
            (3, 1, "A00.1", "Cholera, eltor"), (0, 2, "C00-D49", "Neoplasms")]
    monkeypatch.setattr(icd_index, "build_rows", lambda: rows)
    path = icd_index.index_path()
    for damage in (b"not gzip at all", None, "other edition"):
        if damage == "other edition":
            monkeypatch.setattr(icd_index, "edition", lambda: "icd10c-tabular-April-1-2099")
        elif damage is not None:
            path.write_bytes(damage)
        icd_index.code_set.cache_clear()
        codes = icd_index.code_set()
        assert icd_index.read_index(path) is not None
        assert codes.get_descendants("A00") == ["A00.0", "A00.1"]
        assert codes.get_descendants("A00-B99") == ["A00-A09", "A00", "A00.0", "A00.1"]
        assert codes.get_description("A000") == "Cholera due to Vibrio\tcholerae"
        assert codes.is_leaf("A00.1") and not codes.is_leaf("A00")
        assert codes.is_chapter_or_block("A00-A09") and not codes.is_chapter_or_block("A00")
        assert not codes.is_valid_item("A01") and not codes.is_chapter_or_block("A01")
        path.write_bytes(path.read_bytes()[:-20])  # cut short: damaged for the next round


def test_the_index_answers_as_the_library_does(fresh_code_set):
    import random

    import simple_icd_10_cm as icd

    codes = icd_index.code_set()
    names = sorted(set(icd.get_all_codes()))
    for name in names:
        for asked in (name, name.replace(".", ""), name.lower()):
            assert codes.is_valid_item(asked) == icd.is_valid_item(asked), asked
        assert codes.is_leaf(name) == icd.is_leaf(name), name
        assert codes.is_chapter_or_block(name) == icd.is_chapter_or_block(name), name
        assert codes.get_description(name) == icd.get_description(name), name
    sample = random.Random(21).sample(names, 2000) + [n for n in names if icd.is_chapter_or_block(n)]
    for name in sample:
        assert codes.get_descendants(name) == icd.get_descendants(name), name
    assert codes.get_all_codes() == icd.get_all_codes()


def test_the_index_the_program_brings_is_read_first(tmp_path, monkeypatch, fresh_code_set):
    rows = [(0, 2, "A00-B99", "Infectious diseases"), (1, 1, "A01", "Shipped")]
    shipped = tmp_path / "resources" / icd_index.INDEX_NAME
    monkeypatch.setattr(icd_index, "edition", lambda: "the edition it was built with")
    icd_index.write_index(icd_index.CodeSet.from_rows(rows), shipped)
    monkeypatch.setattr(icd_index, "edition", lambda: "the edition installed here")
    monkeypatch.setattr(icd_index, "shipped_index_path", lambda: shipped)
    monkeypatch.setattr(icd_index, "build_rows", None)  # never built: the shipped one is read
    assert icd_index.code_set().get_description("A01") == "Shipped"
    assert icd_index.SOURCE[0] == "shipped" and not icd_index.index_path().exists()


DRIVER = """
import json, sys
if {held_back}:
    import billing_desk.models
    from billing_desk.models.driver import server_driver
    loaded = "psycopg" in sys.modules
    server_driver()
else:
    import peewee
    loaded = "psycopg" in sys.modules
import peewee
a = peewee.Psycopg3Adapter
print(json.dumps({{"loaded at import": loaded, "names": [repr(getattr(peewee, n)) for n in (
    "psycopg", "TransactionStatus", "Json_pg3", "Jsonb_pg3")],
    "adapter": [repr(v) for v in (a.txn_idle, a.txn_inerror, a.txn_unknown)]}}))
"""


def test_peewee_gets_the_server_driver_only_for_an_office_on_a_server(tmp_path):
    """An office on a file starts without psycopg (and libpq); for a server, peewee is handed
    what its own import of psycopg would have set."""
    held = json.loads(run_python(DRIVER.format(held_back=True), tmp_path))
    usual = json.loads(run_python(DRIVER.format(held_back=False), tmp_path))
    assert held.pop("loaded at import") is False and usual.pop("loaded at import") is True
    assert held == usual and "None" not in str(held)
