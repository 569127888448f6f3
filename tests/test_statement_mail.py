"""Statements by e-mail (issue 19, item 14): each statement of an account that asked for e-mail
is a PDF attached to an .eml file in the outbox the office's mail program sends from, or is sent
through the office's SMTP server; an account without a usable address is listed, never skipped
silently; a log says what was written or sent."""

from __future__ import annotations

import csv
import socketserver
import threading
from decimal import Decimal as D
from email import policy
from email.parser import BytesParser

import pytest
from test_reports_numbers import MAR15, office  # noqa: F401 (the hand-built office fixture)

from billing_desk.cli import main as cli_main
from billing_desk.models import Account, AuditEntry, User
from billing_desk.reports import Params, get, office_info, run
from billing_desk.reports.output import record, save
from billing_desk.services.office.auth import hash_password
from billing_desk.services.office.settings import set_setting


def by_email(account, address):
    Account.update(statement_delivery="email", email=address).where(Account.id == account.id).execute()


def read_eml(path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


@pytest.fixture
def outbox(tmp_path, admin):
    folder = tmp_path / "outbox"
    set_setting("statement_email_folder", str(folder), admin)
    set_setting("office_name", "Maple Street Clinic", admin)
    set_setting("statement_email_from", "billing@maple.example", admin)
    return folder


def statements_run(tmp_path, admin, **params):
    spec, report = get("statements"), run("statements", Params(as_of=MAR15, **params))
    out = save(spec, report, "pdf", tmp_path / "st.pdf", office_info())
    return out, record(admin, "export", spec, report, out)


def test_an_email_account_gets_its_statement_as_an_eml_with_the_pdf(office, outbox, tmp_path, admin):
    cash = office["cash"]
    by_email(cash, "bob.cash@example.com")
    out, mail = statements_run(tmp_path, admin, minimum=D("5.00"))
    assert [number for number, _to, _path in mail.written] == [cash.number]
    eml = read_eml(mail.written[0][2])
    assert eml["To"] == "bob.cash@example.com" and eml["From"] == "billing@maple.example"
    assert eml["X-Unsent"] == "1"  # the mail program opens it ready to send
    assert eml["Subject"] == f"Statement from Maple Street Clinic, account {cash.number}"
    assert "Amount due: $40.00 by 04/14/2026" in eml.get_body(("plain",)).get_content()
    (attachment,) = list(eml.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == dict(out.copies)[cash.id]  # the very statement kept
    rows = list(csv.DictReader(open(mail.log, encoding="utf-8")))
    assert rows[0]["account"] == cash.number and rows[0]["outcome"] == "written for the mail program"
    assert "1 statement e-mail(s) written for the mail program" in mail.summary()
    assert AuditEntry.select().where(AuditEntry.action == "email",
                                     AuditEntry.account_id == cash.id).count() == 1


def test_an_account_without_a_usable_address_is_listed(office, outbox, tmp_path, admin):
    from billing_desk.services.books.statement_mail import email_statements

    cash, ins = office["cash"], office["ins"]
    by_email(cash, "")
    _out, mail = statements_run(tmp_path, admin)
    assert [(u.account, u.reason) for u in mail.unreached] == [(cash.number,
                                                                 "no e-mail address on file")]
    assert mail.written == [] and not list(outbox.glob("*.eml"))
    summary = mail.summary()
    assert "1 account(s) asked for e-mail but cannot be reached" in summary and cash.number in summary
    assert "NOT SENT: no e-mail address on file" in open(mail.log, encoding="utf-8").read()
    by_email(ins, "not-an-address")
    mail = email_statements([(ins.id, b"%PDF-1.4")], MAR15, admin)
    assert mail.unreached[0].reason.startswith("the e-mail address 'not-an-address' is not usable")
    assert AuditEntry.select().where(AuditEntry.action == "email",
                                     AuditEntry.account_id == ins.id).count() == 1


def test_print_accounts_get_no_email(office, outbox, tmp_path, admin):
    _out, mail = statements_run(tmp_path, admin)
    assert mail.written == [] and mail.unreached == [] and mail.summary() == ""


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive messages: what a test needs, no network beyond localhost."""

    def reply(self, text):
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self):
        self.reply("220 stub ready")
        while line := self.rfile.readline().decode():
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-stub\r\n250 SIZE 1000000" if verb == "EHLO" else "250 stub")
            elif verb == "DATA":
                self.reply("354 go on")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data)
                self.server.received.append(b"".join(body))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


@pytest.fixture
def smtp_stub():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_sent_through_the_office_smtp_server(office, outbox, tmp_path, admin, smtp_stub):
    cash = office["cash"]
    by_email(cash, "bob.cash@example.com")
    set_setting("statement_smtp_server", f"127.0.0.1:{smtp_stub.server_address[1]}", admin)
    _out, mail = statements_run(tmp_path, admin, minimum=D("5.00"))
    assert mail.sent == [cash.number] and mail.server_problem == ""
    assert len(smtp_stub.received) == 1 and b"bob.cash@example.com" in smtp_stub.received[0]
    assert not list(outbox.glob("*.eml")) and len(list((outbox / "sent").glob("*.eml"))) == 1
    assert "sent through the mail server" in open(mail.log, encoding="utf-8").read()


def test_a_server_that_cannot_be_reached_leaves_the_files_for_the_mail_program(
        office, outbox, tmp_path, admin):
    by_email(office["cash"], "bob.cash@example.com")
    set_setting("statement_smtp_server", "127.0.0.1:9", admin)  # the discard port: refused
    _out, mail = statements_run(tmp_path, admin, minimum=D("5.00"))
    assert mail.sent == [] and mail.server_problem.startswith("127.0.0.1")
    assert len(list(outbox.glob("*.eml"))) == 1
    assert "the mail program sends them from the folder" in mail.summary()


def test_cli_statement_run_writes_the_emails_and_says_so(office, db, outbox, tmp_path, capsys):
    by_email(office["cash"], "bob.cash@example.com")
    by_email(office["ins"], "")
    (tmp_path / "pw.txt").write_text("sup3r-secret-pw\n")
    User.create(username="sid", full_name="Sid Supervisor", role="supervisor",
                password_hash=hash_password("sup3r-secret-pw", (2 ** 10, 8, 1)))
    path = db.path
    db.close()
    assert cli_main(["report", "statements", "--db", str(path), "--as-of", "03/15/2026",
                     "--user", "sid", "--password-file", str(tmp_path / "pw.txt"),
                     "--account", office["cash"].number,
                     "--format", "pdf", "--out", str(tmp_path / "st.pdf")]) == 0
    said = capsys.readouterr().out
    assert "Statements by e-mail: 1 statement e-mail(s) written for the mail program" in said
    assert len(list(outbox.glob("*.eml"))) == 1 and "mail-log.csv" in said


def test_the_window_statement_run_says_what_was_emailed(qtbot, office, db, outbox, tmp_path, admin):
    from PySide6.QtCore import QDate, Qt

    from billing_desk.services.office.session import Session
    from billing_desk.ui.prompts import ScriptedPrompter
    from billing_desk.ui.reports.reports_window import ReportDialog

    by_email(office["cash"], "bob.cash@example.com")
    prompter = ScriptedPrompter(str(tmp_path / "statements.pdf"))
    dialog = ReportDialog(Session(db, admin), prompter=prompter, name="statements")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.as_of.setDate(QDate(2026, 3, 15))
    qtbot.keyClick(dialog.account, Qt.Key.Key_Return)  # Enter previews
    qtbot.waitUntil(lambda: dialog.job is None and dialog.report is not None, timeout=20000)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save PDF
    qtbot.waitUntil(lambda: any(k == "info" for k, _t in prompter.asked), timeout=20000)
    said = next(t for k, t in prompter.asked if k == "info")
    assert said.startswith("Statements by e-mail: 1 statement e-mail(s) written for the mail "
                           "program") and "mail-log.csv" in said
    assert len(list(outbox.glob("*.eml"))) == 1
