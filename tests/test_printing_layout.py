"""Nothing printed runs into its neighbour or off the paper (issue 18, item 9).

Every registered report, in every view, is rendered from a demo office whose people and firms
have long names; each string drawn is read back out of the PDF with its position (pypdf's
text visitor) and measured: it must lie inside the printable area (0.25 in from every edge),
overlap no other string, and, in a report's table, stay inside its own cell.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth

from billing_desk.printing import fonts
from billing_desk.printing.pdf_layout import (
    MARGIN,
    PAD_X,
    SIZE,
    Layout,
    choose_landscape,
    column_edges,
    page_width,
)

EDGE = 0.25 * inch  # printers clip closer to the paper's edge than this
LONG_LAST = ["Featherstonehaugh-Wolfeschlegelsteinhausen", "Łukasiewicz-Nguyễn-Montgomery"]
LONG_FIRMS = ["Green Acres Farm Co-operative of Greater Sangamon County and District",
              "Springfield Orthopaedic & Sports Rehabilitation Associates, Limited"]


@dataclass
class Run:
    text: str
    font: str
    size: float
    x0: float
    x1: float
    y: float

    def box(self) -> tuple[float, float, float, float]:
        return self.x0, self.y - 0.22 * self.size, self.x1, self.y + 0.76 * self.size


def runs_of(pdf: bytes) -> list[tuple[float, float, list[Run]]]:
    """(width, height, the strings drawn) for every page."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        runs: list[Run] = []

        def visit(text, cm, tm, font_dict, font_size, runs=runs):
            if not text.strip() or font_dict is None:
                return
            name = str(font_dict.get("/BaseFont", "")).split("+")[-1]
            scale = tm[0] * cm[0]
            size = font_size * scale
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            for line in text.split("\n"):
                if line.strip():
                    width = stringWidth(line.rstrip(), name, size)
                    runs.append(Run(line, name, size, x, x + width, y))

        page.extract_text(visitor_text=visit)
        box = page.mediabox
        pages.append((float(box.width), float(box.height), runs))
    return pages


def problems_in(pdf: bytes, edges: list[float] | None = None, layout: Layout | None = None,
                frame: tuple[float, float] | None = None) -> list[str]:
    """What is drawn outside the printable area, over another string, or outside its cell."""
    found = []
    for number, (width, height, runs) in enumerate(runs_of(pdf), start=1):
        for run in runs:
            x0, y0, x1, y1 = run.box()
            if x0 < EDGE - 0.01 or x1 > width - EDGE + 0.01 or y0 < EDGE or y1 > height - EDGE:
                found.append(f"page {number}: {run.text!r} is outside the printable area "
                             f"({x0:.1f}..{x1:.1f}, {y0:.1f}..{y1:.1f})")
        ordered = sorted(runs, key=lambda r: (round(r.y), r.x0))
        for i, a in enumerate(ordered):
            ax0, ay0, ax1, ay1 = a.box()
            for b in ordered[i + 1:]:
                bx0, by0, bx1, by1 = b.box()
                if by0 > ay1:
                    break
                if min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5:
                    found.append(f"page {number}: {a.text!r} overprints {b.text!r}")
        if edges is not None and layout is not None and frame is not None:
            found += _outside_cells(number, runs, edges, layout, frame, height)
    return found


def _outside_cells(number, runs, edges, layout, frame, height) -> list[str]:
    """A table's strings (type no bigger than the table's, inside the page's frame) each stay
    in their column; a bold label may run on over the columns before the first summed one."""
    found = []
    bottom, top = frame
    for run in runs:
        if run.size > SIZE + 0.01 or not bottom <= run.y <= height - top:
            continue
        column = max(i for i, x in enumerate(edges[:-1]) if x <= run.x0 + 0.5)
        last = column
        if "Bold" in run.font:
            while last + 1 < len(layout.columns) and not layout.columns[last + 1].summed \
                    and not layout.columns[column].summed:
                last += 1
        if run.x0 < edges[column] + PAD_X - 0.6 or run.x1 > edges[last + 1] - PAD_X + 0.6:
            found.append(f"page {number}: {run.text!r} ({run.x0:.1f}..{run.x1:.1f}) is outside "
                         f"its cell {layout.columns[column].title!r} "
                         f"({edges[column]:.1f}..{edges[last + 1]:.1f})")
    return found


@pytest.fixture(scope="module")
def long_names_office(tmp_path_factory):
    """A small demo office whose people, firms and office have long names."""
    from billing_desk.models.db import open_database
    from billing_desk.services import demo

    folder = tmp_path_factory.mktemp("layout")
    recipe = demo.load_recipe()
    recipe["last_names"] = LONG_LAST + recipe["last_names"][:4]
    recipe["organizations"] = LONG_FIRMS
    recipe["office"]["name"] = "Maple Street Family Practice and Occupational Health Center of Springfield"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILLING_DESK_HOME", str(folder / "home"))
        patch.setattr(demo, "load_recipe", lambda: recipe)
        opened = open_database(folder / "office.sqlite")
        demo.build_demo(accounts=24, seed=5)
        _every_report_has_rows()
        yield opened
        opened.close()


def _every_report_has_rows() -> None:
    """What a 24-account demo lacks: an account waiting for approval, a payment plan and an
    insurer's check held unapplied, each with a long name, so no report is measured empty."""
    from billing_desk.models import Account, Payer, User
    from billing_desk.services.accounts import registry
    from billing_desk.services.books import insurance_money
    from billing_desk.services.collections import collection_actions

    clerk = User.get(User.username == "maria")
    registry.create_account(registry.AccountForm(
        first_name="Bartholomew-Maximilian", last_name=LONG_LAST[1], date_of_birth="01/02/1980",
        phone="217-555-0199", state="IL", zip_code="62701"), clerk)
    owing = max((a for a in Account.select() if a.patient_balance - a.unapplied_credit > 20),
                key=lambda a: len(a.display_name))
    collection_actions.create_plan(owing.id, "20.00", 2, dt.date.today() + dt.timedelta(days=3),
                                   clerk)
    payer = max(Payer.select(), key=lambda p: len(p.name))
    insurance_money.receive_check(payer.id, "check", "CHK-2026-000123456789", "1234.56", clerk)


def report_cases():
    from billing_desk.reports import REPORTS

    return [(name, view) for name, spec in REPORTS.items()
            for view in ([v for v, _ in spec.views] or [""])]


@pytest.mark.parametrize(("name", "view"), report_cases())
def test_every_report_keeps_each_string_in_its_cell_and_on_the_paper(long_names_office, name,
                                                                     view):
    from billing_desk.models import Account, User
    from billing_desk.printing.pdf import FOOTER_SPACE, render_pdf
    from billing_desk.reports import REPORTS, Params, office_info, run

    spec = REPORTS[name]
    today = dt.date.today()
    params = Params(view=view, user=User.get(User.username == "admin"))
    if "period" in spec.takes:
        params.start, params.end = today - dt.timedelta(days=400), today
    if spec.account_required:
        longest = max(Account.select(), key=lambda a: len(a.display_name))
        params.account = longest.number
    report = run(name, params)
    assert report.row_count() > 0, "a report measured empty proves nothing"
    target = io.BytesIO()
    if spec.document is not None:
        spec.document(report, target, office_info(), None, lambda data, pdf: None)
        problems = problems_in(target.getvalue())
    else:
        render_pdf(report, target, office_info())
        layout = Layout(report, page_width(choose_landscape(report)))
        problems = problems_in(target.getvalue(), column_edges(layout), layout,
                               (MARGIN + FOOTER_SPACE, MARGIN + 20))
    assert problems == [], "\n".join(problems[:20])


def test_the_measure_sees_an_overprint_and_a_string_off_the_paper():
    """The checker itself: two strings on top of each other, one past the right edge."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    canvas.setFont(fonts.FONT, 9)
    canvas.drawString(72, 500, "Green Acres Farm Co-op (Clark, Michael)")
    canvas.drawString(150, 500, "$663.00")
    canvas.drawString(LETTER[0] - 40, 300, "cut off")
    canvas.save()
    problems = problems_in(buffer.getvalue())
    assert any("overprints" in p for p in problems)
    assert any("'cut off' is outside the printable area" in p for p in problems)


def test_a_final_notice_statement_is_whole_and_clear_of_the_amount_due_and_the_edges():
    """Item 10: the message wraps (never cut mid-word, never under "Amount due"), the aging
    line and every other string keep 0.25 in from the paper's edge."""
    from decimal import Decimal as D

    from billing_desk.printing.office import OfficeInfo
    from billing_desk.printing.statements import statement_pdf
    from billing_desk.services.books.reports_statements import message_for

    message = message_for("120+")
    assert message.startswith("FINAL NOTICE")
    item = {"service_date": dt.date(2025, 6, 1), "code": "SRV-FIRSTAID-EXTENDED",
            "description": "First aid kit restock visit with a very long description indeed",
            "charge": D("12345.67"), "insurance_paid": D("0.00"), "adjusted": D("0.00"),
            "patient_paid": D("0.00"), "balance": D("12345.67")}
    data = {"account_id": 1, "account": "100001", "name": f"{LONG_FIRMS[1]} ({LONG_LAST[0]})",
            "to_lines": [LONG_FIRMS[0], f"Attn: {LONG_LAST[0]}, Accounts Payable Department",
                         "Springfield, IL 62701"],
            "as_of": dt.date(2026, 3, 15), "due_date": dt.date(2026, 4, 14), "items": [item],
            "amount_due": D("123456.78"), "credit": D("10.00"), "patient_balance": D("123456.78"),
            "insurance_pending": D("80.00"), "oldest": "120+", "message": message,
            "aging": [("current", D("1000.00")), ("1-30", D("20000.00")), ("31-60", D("3000.00")),
                      ("61-90", D("40000.00")), ("91-120", D("5000.00")), ("120+", D("123456.78"))]}
    office = OfficeInfo("Maple Street Family Practice and Occupational Health Center",
                        ("120 Maple Street, Suite 400, Building C", "Springfield, IL 62701"),
                        "(217) 555-0140", "37-1234567")
    pdf = statement_pdf(data, office)
    assert problems_in(pdf) == []
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert message in text and "\u2026" not in message
    assert "Amount due $123,456.78 by 04/14/2026" in text
    for amount in ("$1,000.00", "$20,000.00", "$40,000.00", "$123,456.78"):
        assert amount in text


def test_a_word_is_not_broken_where_the_page_has_room_for_it():
    """The calls log's "coverage verificatio-n" and the follow-up list's "submitte-d": a text
    column is as wide as its longest word when the page has room for every column's."""
    from billing_desk.printing.report import Column, Group, Report

    texts = {"about": "coverage verification", "status": "submitted (appealed)",
             **{f"note{i}": "what the payer said on the phone " * 4 for i in range(8)}}
    columns = [Column("about", "About", width=1.0), Column("status", "Status", width=0.5)] + \
        [Column(f"note{i}", f"Note {i}", width=1.5) for i in range(8)]
    report = Report("x", "X", [], columns, [Group("", [texts])], landscape=True)
    layout = Layout(report, page_width(True))
    row = layout.data_row(texts)
    for i, column in enumerate(columns[:2]):
        assert " ".join(row.cells[i].split("\n")) == texts[column.key], row.cells[i]


def test_a_statement_prints_each_description_whole_over_its_pages():
    """Item 9 on statements: a long description wraps inside its column ("Drug screen
    collection…" lost its words), and the rows it makes taller still page cleanly."""
    from decimal import Decimal as D

    from billing_desk.printing.office import OfficeInfo
    from billing_desk.printing.statements import statement_pdf
    from billing_desk.services.books.reports_statements import message_for

    long = ["Crutches, underarm, other than wood, adjustable or fixed, pair",
            "Drug screen collection (employer paid)", "Blood draw"]
    items = [{"service_date": dt.date(2026, 1, 1 + n % 28), "code": "E0114",
              "description": long[n % 3], "charge": D("45.00"), "insurance_paid": D("0.00"),
              "adjusted": D("0.00"), "patient_paid": D("0.00"), "balance": D("45.00")}
             for n in range(40)]
    data = {"account_id": 1, "account": "100001", "name": "Lee, Ann", "to_lines": ["Ann Lee"],
            "as_of": dt.date(2026, 3, 15), "due_date": dt.date(2026, 4, 14), "items": items,
            "amount_due": D("1800.00"), "credit": D("0.00"), "patient_balance": D("1800.00"),
            "insurance_pending": D("0.00"), "oldest": "current", "message": message_for("current"),
            "aging": [("current", D("1800.00"))] + [(b, D("0.00")) for b in
                                                      ("1-30", "31-60", "61-90", "91-120", "120+")]}
    pdf = statement_pdf(data, OfficeInfo("Maple Street Clinic", ("1 Main St",), "", ""))
    assert problems_in(pdf) == []
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert len(pages) >= 2 and "\u2026" not in text
    assert text.count("adjustable or fixed, pair") == text.count("Crutches, underarm") == 14
    assert text.count("Drug screen collection (employer paid)") == 13
    for page in pages:  # the page with the summary lists an item too, not an empty table
        assert "Blood draw" in page.extract_text() or "Crutches" in page.extract_text()


def test_wrapping_into_no_room_at_all_ends():
    """A column left with no room (its padding wider than it) once wrapped forever, filling
    memory; each character now takes its own line, and the lines stop at the limit."""
    from billing_desk.printing.pdf_layout import MAX_LINES, wrap

    lines = wrap("Featherstonehaugh", -2.0, fonts.FONT, SIZE)
    assert len(lines) == MAX_LINES and lines[0] == "F"


def test_a_name_that_fits_in_the_data_rows_font_is_not_wrapped_by_the_bold_totals():
    """Issue 21, the PDF figure: the aging detail of 100,000 invoices wrapped every patient's
    name onto two lines (twice the pages), because each column's widest value was measured in
    the bold of the totals. Data cells print in the regular font and are measured in it; the
    totals' amounts are measured in bold, as printed, and still fit their columns."""
    from decimal import Decimal as D

    from billing_desk.printing.report import Column, Group, Report

    buckets = ["current", "d31", "d61", "d91", "d121"]
    columns = [Column("account", "Account"), Column("name", "Patient", width=2.4),
               Column("invoice", "Invoice"), Column("seen", "Service Date", "date"),
               *[Column(b, b.title(), "money") for b in buckets], Column("balance", "Balance", "money")]
    rows = [{"account": f"A-{n:06d}", "name": f"Patient {n:06d}, Pat", "invoice": f"INV-{n:07d}",
             "seen": dt.date(2026, 11, 30), "current": D("2499.99"), "balance": D("2499.99")}
            for n in range(24990, 25000)]
    report = Report("x", "X", [], columns, [Group(f"Account {r['account']}", [r]) for r in rows])
    report.compute_totals()
    report.totals = {**{b: D("18898225.00") for b in buckets}, "balance": D("125985500.00")}
    layout = Layout(report, page_width(choose_landscape(report)))
    for row in rows:
        assert "\n" not in layout.data_row(row).cells[1]
    total = layout.label_row("Total", report.totals, "total")
    for i, column in enumerate(columns):
        if column.summed:
            width = stringWidth(total.cells[i], fonts.BOLD, layout.sizes[i])
            assert "\n" not in total.cells[i] and width <= layout.widths[i] - 2 * PAD_X
