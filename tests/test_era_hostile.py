"""What an outside tester found in 835 imports: encodings, the same claim twice in one file, two
payers sharing an electronic payer id. Each refusal names the segment or the payers; nothing is
posted half-way."""

from __future__ import annotations

import pytest
from claims_fixtures import DAY, insured, office  # noqa: F401
from remit_fixtures import ERA, D, acme, billed, patient  # noqa: F401

from billing_desk.errors import BillingError
from billing_desk.exchange.x12_835 import read_835

FULL = (ERA / "full_payment.835").read_text(encoding="ascii")


def _bytes(text: str, name: bytes, address: bytes = b"1 PAYER WAY") -> bytes:
    data = text.encode("ascii")
    return data.replace(b"NM1*QC*1*DOE", b"NM1*QC*1*" + name).replace(b"1 PAYER WAY", address)


def test_utf8_is_read_as_utf8():
    (remittance,) = read_835(_bytes(FULL, "DOÉ".encode()))
    assert remittance.claims[0].patient_name == "DOÉ, JANE"


def test_a_file_without_utf8_is_read_as_windows_1252():
    (remittance,) = read_835(_bytes(FULL, "O\u2019BRIÉN".encode("cp1252")))
    assert remittance.claims[0].patient_name == "O\u2019BRIÉN, JANE"


def test_mixed_encodings_are_refused_naming_the_segment_and_the_byte():
    mixed = _bytes(FULL, "DOÉ".encode(), address="RUE DU CAFÉ".encode("latin-1"))
    with pytest.raises(BillingError, match=r"segment 8 \(N3\): the byte 0xC9 is not UTF-8.*mixes"):
        read_835(mixed)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_a_control_character_is_refused_naming_the_segment(char):
    with pytest.raises(BillingError, match=rf"segment 15 \(NM1\): .*control character 0x{ord(char):02X}"):
        read_835(FULL.replace("NM1*QC*1*DOE", f"NM1*QC*1*D{char}OE"))
    with pytest.raises(BillingError, match=r"segment 15 \(NM1\)"):
        read_835(_bytes(FULL, b"D" + char.encode("utf-8") + b"OE"))


def test_line_breaks_between_segments_are_the_files_own():
    text = FULL.replace("~", "~\r\n")
    assert read_835(text.encode("ascii"))[0].claims[0].patient_name == "DOE, JANE"


def _clerk_argv(db, monkeypatch, tmp_path) -> list[str]:
    """The command line's sign-in for a clerk; the test database closed for the command."""
    from billing_desk.models import User
    from billing_desk.services.office import users

    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")
    admin = User.get(User.username == "admin")
    carla = users.add_user(admin, "carla", "Carla Clerk", "clerk", "long password", "long password")
    User.update(must_change_password=False).where(User.id == carla.id).execute()
    secret = tmp_path / "pw"
    secret.write_text("long password\n")
    path = str(db.path)
    db.close()
    return ["--db", path, "--user", "carla", "--password-file", str(secret)]


@pytest.mark.both_engines
def test_a_refused_encoding_posts_nothing(patient, admin, tmp_path):
    from billing_desk.models import InsurancePayment
    from billing_desk.services.books import era_import

    billed(patient(), admin, "INV1001-1", [("99213", 1, "100.00")])
    bad = tmp_path / "mixed.835"
    bad.write_bytes(_bytes(FULL, "DOÉ".encode(), address="CAFÉ".encode("latin-1")))
    for step in (era_import.preview_era, lambda path: era_import.import_era(path, admin)):
        with pytest.raises(BillingError, match=r"segment 8 \(N3\): the byte 0xC9"):
            step(bad)
    assert InsurancePayment.select().count() == 0


def test_the_command_line_exits_non_zero_on_a_refused_encoding(db, admin, patient, tmp_path, capsys,
                                                               monkeypatch):
    from billing_desk.cli import main

    billed(patient(), admin, "INV1001-1", [("99213", 1, "100.00")])
    bad = tmp_path / "nul.835"
    bad.write_bytes(_bytes(FULL, b"D\x00OE"))
    assert main(["import", "era", str(bad), *_clerk_argv(db, monkeypatch, tmp_path)]) == 1
    assert "segment 15 (NM1)" in capsys.readouterr().err


def _twice(text: str = FULL) -> str:
    """full_payment.835 with its claim sent twice, the check twice as large."""
    start, end = text.index("CLP*"), text.index("SE*")
    return (text[:end] + text[start:end] + text[end:]).replace("BPR*I*100.00", "BPR*I*200.00").replace(
        "SE*18*", "SE*24*")


@pytest.mark.both_engines
def test_the_same_claim_twice_is_posted_once_and_the_second_held_and_said(patient, admin, tmp_path):
    from billing_desk.models import InsurancePayment, RemitLine
    from billing_desk.services.books import era_import, insurance_money, remittances
    from billing_desk.services.books.ledger import check_ledger

    account = patient()
    _invoice, claim = billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    path = tmp_path / "twice.835"
    path.write_text(_twice(), encoding="ascii")
    preview = era_import.preview_era(path)
    assert preview.problems == []
    (warning,) = preview.warnings
    assert "claim INV1001-1 is in this remittance twice (payer claim number PAYER0001" in warning
    assert "the second was not posted; its $100.00 is held unapplied" in warning
    assert any("warning: " in line and "twice" in line for line in preview.lines())
    assert preview.remittances[0].claims[1].matched.startswith("SECOND COPY")
    (posted,) = era_import.import_era(path, admin)
    assert posted.claims == ["INV1001-1"] and posted.held == D("100.00")
    assert any("INV1001-1 is in this remittance twice" in note for note in posted.notes)
    assert RemitLine.select().count() == 1
    check = InsurancePayment.get()
    assert insurance_money.unapplied(check.id) == D("100.00")
    (item,) = remittances.unmatched_list()
    assert item.claim_number == "INV1001-1"
    assert check_ledger() == []


@pytest.mark.both_engines
def test_a_split_claim_is_posted_and_said(patient, admin, tmp_path):
    from billing_desk.services.books import era_import

    account = patient()
    billed(account, admin, "INV1001-1", [("99213", 1, "60.00"), ("36415", 1, "40.00")])
    text = FULL.replace("\n", "").replace(
        "CLP*INV1001-1*1*100.00*100.00**MC*PAYER0001~NM1*QC*1*DOE*JANE****MI*MEM123~"
        "DTM*232*20240110~SVC*HC:99213*100.00*100.00**1~DTM*472*20240110~AMT*B6*100.00~",
        "CLP*INV1001-1*1*60.00*60.00**MC*PAYER0001~NM1*QC*1*DOE*JANE****MI*MEM123~"
        "SVC*HC:99213*60.00*60.00**1~DTM*472*20240110~"
        "CLP*INV1001-1*1*40.00*40.00**MC*PAYER0002~NM1*QC*1*DOE*JANE****MI*MEM123~"
        "SVC*HC:36415*40.00*40.00**1~DTM*472*20240110~").replace("SE*18*", "SE*20*")
    path = tmp_path / "split.835"
    path.write_text(text, encoding="ascii")
    (warning,) = era_import.preview_era(path).warnings
    assert "claim INV1001-1 comes back 2 times with different amounts (payer claim numbers " \
           "PAYER0001, PAYER0002)" in warning
    (posted,) = era_import.import_era(path, admin)
    assert posted.claims == ["INV1001-1", "INV1001-1"]
    assert any("split claim" in note for note in posted.notes)


@pytest.fixture
def shared(acme):
    """A second payer with Acme Health's electronic payer id ACME01 (one clearinghouse id)."""
    from billing_desk.models import Payer

    return Payer.create(name="Acme Medicare", payer_id="ACME01")


@pytest.mark.both_engines
def test_a_shared_payer_id_is_settled_by_the_claims_the_file_pays(patient, admin, shared):
    from billing_desk.models import InsurancePayment
    from billing_desk.services.books import era_import

    billed(patient(), admin, "INV1001-1", [("99213", 1, "100.00")])
    preview = era_import.preview_era(ERA / "full_payment.835")
    assert preview.problems == [] and preview.remittances[0].choices == []
    era_import.import_era(ERA / "full_payment.835", admin)
    assert InsurancePayment.get().payer.name == "Acme Health"


@pytest.mark.both_engines
def test_a_shared_payer_id_the_claims_do_not_settle_is_refused_until_the_clerk_chooses(admin, shared):
    from billing_desk.errors import RuleError
    from billing_desk.models import InsurancePayment
    from billing_desk.services.books import era_import

    file = ERA / "unmatched_claim.835"
    preview = era_import.preview_era(file)
    assert preview.remittances[0].choices == ["Acme Health", "Acme Medicare"]
    (problem,) = preview.problems
    assert "payer id ACME01 is shared by Acme Health, Acme Medicare" in problem
    assert "choose the payer" in problem
    with pytest.raises(RuleError, match="shared by Acme Health, Acme Medicare"):
        era_import.import_era(file, admin)
    with pytest.raises(RuleError, match="Nobody is not one of the payers with payer id ACME01"):
        era_import.import_era(file, admin, payer="Nobody")
    assert InsurancePayment.select().count() == 0
    chosen = era_import.preview_era(file, payer="acme medicare")
    assert chosen.problems == [] and "posted to Acme Medicare, as chosen" in chosen.warnings[0]
    era_import.import_era(file, admin, payer="Acme Medicare")
    assert InsurancePayment.get().payer.name == "Acme Medicare"


@pytest.mark.both_engines
def test_saving_or_importing_a_shared_payer_id_warns_naming_the_other_payer(acme, admin, tmp_path):
    from billing_desk.exchange import importing
    from billing_desk.models import Payer
    from billing_desk.services.books import era_payer, payer_import, payers

    saved = payers.save_payer(None, payers.PayerForm(name="Acme Medicare", payer_id="acme01",
                                                     program="medicare"), admin)
    assert saved.payer_id == "ACME01"
    assert "payer id ACME01 is also Acme Health's" in era_payer.shared_warning(saved.name, "ACME01")
    assert era_payer.shared_warning("Acme Health", "OTHER1") == ""
    path = tmp_path / "payers.csv"
    path.write_text("Payer,Program,Payer id,Plan\nNewco,commercial,ACME01,Basic\n"
                    "Oldco,commercial,NEW77,Basic\nTwinco,commercial,NEW77,Basic\n", encoding="utf-8")
    table = importing.read_rows(path)
    result = payer_import.preview_payers(table, importing.guess_mapping(table.headers,
                                                                        payer_import.TARGETS))
    warnings = payer_import.shared_ids(result)
    assert warnings[0].startswith("Newco: payer id ACME01 is also Acme Health, Acme Medicare's")
    assert warnings[1].startswith("Oldco: payer id NEW77 is also Twinco's")
    assert payer_import.import_payers(result, admin) == (3, 3)
    assert Payer.select().where(Payer.payer_id == "ACME01").count() == 3


def test_the_command_line_chooses_the_payer_with_payer(db, admin, shared, tmp_path, capsys,
                                                       monkeypatch):
    from billing_desk.cli import main

    argv = ["import", "era", str(ERA / "unmatched_claim.835"), *_clerk_argv(db, monkeypatch, tmp_path)]
    assert main(argv) == 1
    assert "shared by Acme Health, Acme Medicare" in capsys.readouterr().err
    assert main([*argv, "--payer", "Acme Medicare"]) == 0
    assert "posted 1 payment(s)" in capsys.readouterr().out


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_the_window_lets_the_clerk_choose_the_payer_and_says_a_refused_encoding(qtbot, db, admin,
                                                                               shared, tmp_path):
    from billing_desk.models import InsurancePayment
    from billing_desk.services.office.session import Session
    from billing_desk.ui.books.tab import InvoicesTab
    from billing_desk.ui.prompts import ScriptedPrompter

    bad = tmp_path / "nul.835"
    bad.write_bytes(_bytes(FULL, b"D\x00OE"))
    tab = InvoicesTab(Session(db, admin), prompter=ScriptedPrompter(str(bad),
                                                                    str(ERA / "unmatched_claim.835")))
    qtbot.addWidget(tab)
    assert tab.import_era() is None
    assert "segment 15 (NM1)" in tab.message.text() and InsurancePayment.select().count() == 0
    dialog = tab.import_era()
    assert not dialog.payer_box.isHidden() and not dialog.post_button.isEnabled()
    assert "shared by Acme Health, Acme Medicare" in dialog.message.text()
    dialog.payer_box.setCurrentIndex(dialog.payer_box.findText("Acme Medicare"))
    assert dialog.post_button.isEnabled() and "as chosen" in dialog.message.text()
    dialog.grab().save(str(tmp_path / "era_payer.png"))
    dialog.post()
    qtbot.waitUntil(lambda: "Posted 1 payment" in dialog.message.text(), timeout=10_000)
    assert InsurancePayment.get().payer.name == "Acme Medicare"
