"""Every PDF the program makes prints any name: one Unicode font (DejaVu Sans, shipped in
resources/fonts with its licence) embedded in reports, statements, letters, invoices, order
documents and account forms; no unembedded Latin-1 font left anywhere."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from billing_desk.paths import resource

NAME = "Łukasiewicz-Nguyễn"
CITY = "Kraków Đà Nẵng"


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Each font used on any page: its base name -> whether its glyphs are embedded."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            described = font
            if font.get("/Subtype") == "/Type0":
                described = font["/DescendantFonts"][0].get_object()
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = embedded
    return found


def assert_unicode_pdf(pdf: bytes | Path, *expected: str) -> None:
    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in expected:
        assert words in text, f"{words!r} not in the PDF's text"
    fonts = fonts_of(reader)
    assert fonts and all(fonts.values()), f"fonts not embedded: {fonts}"
    assert all("DejaVuSans" in name for name in fonts), fonts


def test_the_font_and_its_licence_ship_in_resources():
    from billing_desk.printing import fonts

    for filename in fonts.FACES.values():
        assert resource("fonts", filename).stat().st_size > 100_000
    assert "Bitstream" in resource("fonts", "LICENSE.txt").read_text()
    spec = (Path(__file__).parent.parent / "build_installer.spec").read_text()
    assert '"resources" / "fonts"' in spec


@pytest.fixture
def polish(make_account, catalogue, clerk):
    """An account whose name and address are outside Latin-1, with an invoice on it."""
    from billing_desk.services.books import invoices

    account = make_account(last=NAME, first="Zoë", street="ul. Żółkiewskiego 7", city=CITY)
    invoice = invoices.quick_invoice(account.id, dt.date(2026, 1, 5), [("99213", 1)], clerk,
                                     entry_date=dt.date(2026, 1, 5))
    return account, invoice


def test_reports_statements_and_account_forms_print_every_letter(polish, tmp_path):
    from billing_desk.printing import account_forms
    from billing_desk.printing.pdf import render_pdf
    from billing_desk.printing.statements import statement_pdf
    from billing_desk.reports import Params, office_info, run
    from billing_desk.services.accounts import account_page

    account, _ = polish
    report = run("aging", Params(as_of=dt.date(2026, 3, 1)))
    render_pdf(report, tmp_path / "aging.pdf", office_info())
    assert_unicode_pdf(tmp_path / "aging.pdf", NAME)

    account_forms.ledger_pdf(account_page.ledger_data(account.id), tmp_path / "ledger.pdf")
    assert_unicode_pdf(tmp_path / "ledger.pdf", NAME)
    account_forms.registration_pdf(account_page.registration_data(account.id),
                                   tmp_path / "form.pdf")
    assert_unicode_pdf(tmp_path / "form.pdf", NAME)

    statement = {"account_id": account.id, "account": account.number, "name": f"{NAME}, Zoë",
                 "to_lines": [f"Zoë {NAME}", "ul. Żółkiewskiego 7", CITY],
                 "as_of": dt.date(2026, 3, 15), "due_date": dt.date(2026, 4, 14), "items": [],
                 "amount_due": D("10.00"), "credit": D("0.00"), "patient_balance": D("10.00"),
                 "insurance_pending": D("0.00"), "oldest": "current", "message": "Thank you.",
                 "aging": [("current", D("10.00"))]}
    assert_unicode_pdf(statement_pdf(statement), NAME, "Żółkiewskiego", CITY)


def test_invoices_letters_and_orders_print_every_letter(polish, clerk, tmp_path):
    from billing_desk.printing import invoice_docs, letters
    from billing_desk.printing.office import OfficeInfo
    from billing_desk.printing.order_docs import render_confirmation
    from billing_desk.services.books import invoice_papers
    from billing_desk.services.orders import order_forms
    from billing_desk.services.orders.order_forms import OrderForm, OrderLineInput

    account, invoice = polish
    paper = invoice_papers.invoice_paper(invoice.id)
    assert_unicode_pdf(invoice_docs.invoice_pdf(paper, tmp_path / "inv.pdf"), NAME)
    assert_unicode_pdf(invoice_docs.explain_pdf(paper, tmp_path / "explain.pdf"), NAME)
    assert_unicode_pdf(invoice_docs.superbill_pdf(invoice_papers.superbill_paper(),
                                                  tmp_path / "sb.pdf"), "Superbill")
    assert_unicode_pdf(invoice_docs.deposit_pdf(invoice_papers.deposit_paper(dt.date(2026, 1, 5)),
                                                tmp_path / "dep.pdf"), "Deposit list")

    letter = {"office": OfficeInfo("Gabinet Łódź"), "date": dt.date(2026, 3, 1),
              "to_lines": [f"Zoë {NAME}", CITY], "account": account.number,
              "title": "Past due", "paragraphs": [f"Dear {NAME}, please pay."],
              "table": [["#", "Due", "Amount"], ["1", "04/01/2026", "$10.00"]]}
    assert_unicode_pdf(letters.render([letter]), NAME, "Gabinet Łódź")

    order = order_forms.save_order(OrderForm(account_id=account.id, order_date=dt.date(2026, 3, 2),
                                             lines=[OrderLineInput("PRD-KIT", "1")]), clerk)
    assert_unicode_pdf(render_confirmation(order_forms.confirmation_data(order.id)), NAME)
