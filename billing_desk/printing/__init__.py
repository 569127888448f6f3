"""Reports as data, rendered to PDF, Excel and the printer.

``report`` and ``office`` are plain data (no Qt, no reportlab). ``pdf`` and ``excel`` render a
report; ``printer`` (the only module here that imports Qt) prints a PDF file. The renderers are
imported from their modules so that importing this package stays light::

    from billing_desk.printing.pdf import render_pdf
    from billing_desk.printing.excel import render_xlsx
    from billing_desk.printing.printer import print_pdf
"""

from .office import OfficeInfo
from .report import Column, Group, Report

__all__ = ["Column", "Group", "OfficeInfo", "Report"]
