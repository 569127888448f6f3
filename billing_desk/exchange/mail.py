"""E-mail files for the office's mail program, and the office's SMTP server when it has one.

One message per statement: plain text and the statement as a PDF attachment. ``write_eml`` saves
it as an ``.eml`` file marked unsent (``X-Unsent: 1``), which Outlook, Thunderbird and Windows
Mail open as a message ready to send; ``send_smtp`` hands a batch to an SMTP server. No rules
here: who gets which message is the services' business.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path


@dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    body: str
    attachment: bytes
    attachment_name: str  # e.g. statement-100001-2026-01-05.pdf
    sender: str = ""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    starttls: bool = True


def message(letter: Letter) -> EmailMessage:
    mail = EmailMessage()
    if letter.sender:
        mail["From"] = letter.sender
    mail["To"] = letter.to
    mail["Subject"] = letter.subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=(letter.sender.rpartition("@")[2] or None))
    mail.set_content(letter.body)
    mail.add_attachment(letter.attachment, maintype="application", subtype="pdf",
                        filename=letter.attachment_name)
    return mail


def write_eml(folder: Path, name: str, letter: Letter) -> Path:
    """Save ``letter`` as ``folder/name.eml`` (never over another file); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "statement"
    path, n = folder / f"{stem}.eml", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.eml"
    mail = message(letter)
    mail["X-Unsent"] = "1"  # the mail program opens it as a message to send
    temporary = path.with_suffix(".eml.part")
    temporary.write_bytes(bytes(mail))
    temporary.replace(path)  # a half-written file never looks like a message
    return path


def send_smtp(server: SmtpServer, letters: Iterable[Letter], timeout: float = 30) -> list[str]:
    """Send each letter through ``server``; returns one problem text per letter ("" when sent).

    A server that cannot be reached or refuses the sign-in raises ``OSError`` or
    ``smtplib.SMTPException`` before anything is sent."""
    results: list[str] = []
    with smtplib.SMTP(server.host, server.port, timeout=timeout) as smtp:
        smtp.ehlo()
        if server.starttls and smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        if server.user:
            smtp.login(server.user, server.password)
        for letter in letters:
            try:
                refused = smtp.send_message(message(letter))
            except smtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients
            except smtplib.SMTPResponseException as exc:
                results.append(f"the server refused it: {exc.smtp_code} {exc.smtp_error!r}")
                continue
            results.append(f"the server refused {', '.join(refused)}" if refused else "")
    return results


__all__ = ["Letter", "SmtpServer", "message", "send_smtp", "write_eml"]
