"""Statements by e-mail: the accounts whose billing profile says "email" get their statement as
a PDF attached to an e-mail, written as an ``.eml`` file into the office's outbox folder (its
mail program sends them) and, when Settings name an SMTP server, sent through it.

An account that asked for e-mail but has no usable address is listed with the reason, in the
run's result and in the log, never skipped silently (its statement is still in the printed run).
Every run appends to ``mail-log.csv`` in the outbox and writes one audit entry per account.

    run = email_statements(out.copies, sent_on, user)
    print(run.summary())
"""

from __future__ import annotations

import csv
import datetime as dt
import smtplib
from dataclasses import dataclass, field
from pathlib import Path

from ...exchange.mail import Letter, SmtpServer, send_smtp, write_eml
from ...models import Account, User
from ...money import ZERO, format_money
from ...paths import documents_dir
from ..office import audit
from ..office.settings import get_setting
from ..office.transactions import in_transaction
from ..office.validation import normalize_email

LOG_NAME = "mail-log.csv"


@dataclass
class Unreached:
    account: str
    name: str
    reason: str
    account_id: int | None = None


@dataclass
class MailRun:
    folder: Path
    written: list[tuple[str, str, Path]] = field(default_factory=list)  # account, address, file
    sent: list[str] = field(default_factory=list)  # accounts sent through the SMTP server
    unreached: list[Unreached] = field(default_factory=list)
    server_problem: str = ""  # the SMTP server could not be used: the files wait in the outbox

    @property
    def log(self) -> Path:
        return self.folder / LOG_NAME

    def summary(self) -> str:
        if not self.written and not self.unreached:
            return ""
        parts = []
        if self.written:
            how = (f"sent through {get_setting('statement_smtp_server')}" if self.sent else
                   "written for the mail program")
            parts.append(f"{len(self.written)} statement e-mail(s) {how} in {self.folder}")
        if self.server_problem:
            parts.append(f"not sent through the mail server ({self.server_problem}): the mail "
                         "program sends them from the folder")
        if self.unreached:
            parts.append(f"{len(self.unreached)} account(s) asked for e-mail but cannot be reached "
                         "(their statement is in the printed run): "
                         + "; ".join(f"{u.account} {u.name}: {u.reason}" for u in self.unreached))
        return ". ".join(parts) + "."


def outbox_folder() -> Path:
    """The folder the office's mail program sends from (setting ``statement_email_folder``)."""
    chosen = str(get_setting("statement_email_folder") or "")
    return Path(chosen).expanduser() if chosen else documents_dir() / "Statements outbox"


def smtp_server(password: str = "") -> SmtpServer | None:
    """The office's SMTP server from Settings (``host`` or ``host:port``), or None."""
    text = str(get_setting("statement_smtp_server") or "").strip()
    if not text:
        return None
    host, _, port = text.partition(":")
    return SmtpServer(host, int(port) if port.isdigit() else 587,
                      str(get_setting("statement_smtp_user") or ""), password)


def email_statements(copies: list[tuple[int, bytes]], sent_on: dt.date, by: User, *,
                     folder: Path | None = None, smtp_password: str = "") -> MailRun:
    """E-mail each statement in ``copies`` (account id, PDF) whose account asked for e-mail."""
    run = MailRun(folder or outbox_folder())
    letters: list[tuple[Account, Letter]] = []
    for account_id, pdf in copies:
        account = Account.get_by_id(account_id)
        if account.statement_delivery != "email":
            continue
        address, problem = normalize_email(account.email)
        if not address or problem:
            reason = (f"the e-mail address {account.email!r} is not usable ({problem.message})"
                      if problem else "no e-mail address on file")
            run.unreached.append(Unreached(account.number, account.display_name, reason, account.id))
            continue
        letters.append((account, _letter(account, address, pdf, sent_on)))
    for account, letter in letters:
        path = write_eml(run.folder, f"statement-{account.number}-{sent_on:%Y-%m-%d}", letter)
        run.written.append((account.number, letter.to, path))
    server = smtp_server(smtp_password)
    if server is not None and letters:
        _send(server, letters, run)
    _log(run, letters, sent_on)
    _audit(run, letters, by, sent_on)
    return run


def _letter(account: Account, address: str, pdf: bytes, sent_on: dt.date) -> Letter:
    office = str(get_setting("office_name") or "")
    due = max(account.patient_balance - account.unapplied_credit, ZERO)
    terms = dt.timedelta(days=account.payment_terms_days or 30)
    body = (f"Dear {account.display_name},\n\n"
            f"Your statement of {sent_on:%m/%d/%Y} from {office} is attached (a PDF file).\n"
            f"Amount due: {format_money(due)} by {sent_on + terms:%m/%d/%Y}.\n\n"
            "Please call us with any questions.\n\n"
            + "\n".join(p for p in (office, str(get_setting("office_phone") or "")) if p) + "\n")
    return Letter(address, f"Statement from {office}, account {account.number}", body, pdf,
                  f"statement-{account.number}-{sent_on:%Y-%m-%d}.pdf",
                  str(get_setting("statement_email_from") or ""))


def _send(server: SmtpServer, letters: list[tuple[Account, Letter]], run: MailRun) -> None:
    try:
        results = send_smtp(server, [letter for _account, letter in letters])
    except (OSError, smtplib.SMTPException) as exc:
        run.server_problem = f"{server.host}: {exc}"
        return
    sent_folder = run.folder / "sent"
    for (account, _letter), problem, (_n, _to, path) in zip(letters, results, run.written):
        if problem:
            run.unreached.append(Unreached(account.number, account.display_name, problem, account.id))
            continue
        run.sent.append(account.number)
        sent_folder.mkdir(exist_ok=True)
        path.replace(sent_folder / path.name)  # the outbox keeps only what is still to send


def _log(run: MailRun, letters: list[tuple[Account, Letter]], sent_on: dt.date) -> None:
    run.folder.mkdir(parents=True, exist_ok=True)
    new = not run.log.exists()
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    with open(run.log, "a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(["when", "statement of", "account", "name", "to", "file", "outcome"])
        files = {number: path for number, _to, path in run.written}
        for account, letter in letters:
            outcome = ("sent through the mail server" if account.number in run.sent else
                       "written for the mail program" + (f" (server: {run.server_problem})"
                                                         if run.server_problem else ""))
            writer.writerow([now, f"{sent_on:%Y-%m-%d}", account.number, account.display_name,
                             letter.to, files[account.number].name, outcome])
        for missed in run.unreached:
            if missed.account not in run.sent:
                writer.writerow([now, f"{sent_on:%Y-%m-%d}", missed.account, missed.name, "", "",
                                 f"NOT SENT: {missed.reason}"])


def _audit(run: MailRun, letters: list[tuple[Account, Letter]], by: User, sent_on: dt.date) -> None:
    if not letters and not run.unreached:
        return
    with in_transaction():
        for account, letter in letters:
            how = "sent" if account.number in run.sent else "written to the outbox"
            audit.record(by, "email", table="account", record_id=account.id, account_id=account.id,
                         summary=f"statement of {sent_on:%m/%d/%Y} e-mailed to {letter.to} ({how})")
        for missed in run.unreached:
            audit.record(by, "email", table="account", record_id=missed.account_id,
                         account_id=missed.account_id,
                         summary=f"statement of {sent_on:%m/%d/%Y} for {missed.account} not "
                                 f"e-mailed: {missed.reason}")
