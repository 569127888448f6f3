"""Where the data lands on the office's pre-printed CMS-1500 forms, kept per printer.

Every printer feeds paper a little differently, so the clerk prints the alignment test once per
printer and keeps the offset that puts the marks in their boxes: inches to the right (negative:
left) and down (negative: up), at most an inch either way, to the hundredth. Kept in the
``cms1500_offsets`` setting as {printer name: {"x": "0.10", "y": "-0.05"}}; a clerk may set it
(it changes where ink lands, not the books), and each change is audited.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ...errors import Problem, ValidationError
from ...models import Setting, User
from ..office import audit, stale, steady
from ..office.settings import get_setting
from ..office.transactions import in_transaction

KEY = "cms1500_offsets"
LIMIT = Decimal("1.00")  # inches either way
HUNDREDTH = Decimal("0.01")
WHICH = {"offset_x": "the horizontal offset (inches to the right; negative: left)",
         "offset_y": "the vertical offset (inches down; negative: up)"}


def _stored() -> dict:
    value = get_setting(KEY)
    return dict(value) if isinstance(value, dict) else {}


def _printer(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError("name the printer the offset is for", "printer")
    return name


def printer_offset(printer: str) -> tuple[Decimal, Decimal]:
    """The offset kept for a printer, in inches (right, down); 0, 0 for one never aligned."""
    kept = _stored().get((printer or "").strip()) or {}
    try:
        return (Decimal(str(kept.get("x", "0"))).quantize(HUNDREDTH),
                Decimal(str(kept.get("y", "0"))).quantize(HUNDREDTH))
    except InvalidOperation:
        return Decimal("0.00"), Decimal("0.00")


def parse_offset(text, field: str) -> Decimal:
    """An offset as typed ("0.1", "-.05", "+0.25") in inches; ValidationError names ``field``."""
    raw = str(text if text is not None else "").strip()
    try:
        value = Decimal(raw or "0")
    except InvalidOperation:
        raise ValidationError(f"'{raw}' is not a number of inches ({WHICH[field]})", field) from None
    if not value.is_finite() or value != value.quantize(HUNDREDTH):
        raise ValidationError(f"'{raw}': give inches to the hundredth, like 0.10 ({WHICH[field]})", field)
    if abs(value) > LIMIT:
        raise ValidationError(f"{raw} inches is too far: the offset is at most {LIMIT} inch either way "
                              f"({WHICH[field]})", field)
    return value.quantize(HUNDREDTH)


def _summary(name: str, x: Decimal, y: Decimal) -> str:
    return f"CMS-1500 alignment for printer {name}: {x:+.2f} in right, {y:+.2f} in down"


def offset_version(printer: str) -> str:
    """What the alignment test hands back when it keeps the offset it showed for a printer (the
    offsets are one office-wide setting: another workstation may align the same printer)."""
    return stale.fingerprint(_stored().get((printer or "").strip()))


def set_printer_offset(printer: str, offset_x, offset_y, by: User, *,
                       loaded_as: str = "") -> tuple[Decimal, Decimal]:
    """Keep the printer's offset (inches; typed text or Decimal), checked whole, audited.
    ``loaded_as`` (``offset_version``): an offset kept over one changed since is refused."""
    problems: list[Problem] = []
    values = []
    for field, text in (("offset_x", offset_x), ("offset_y", offset_y)):
        try:
            values.append(parse_offset(text, field))
        except ValidationError as exc:
            problems += exc.problems
    name = _printer(printer)
    if problems:
        raise ValidationError(problems)
    x, y = values
    with in_transaction():
        stored = _stored()
        before = stored.get(name)
        stale.refuse_if_changed(loaded_as, stale.fingerprint(before),
                                f"The CMS-1500 alignment for printer {name}", table="setting",
                                summaries=[_summary(name, *printer_offset(name))] if before else [])
        stored[name] = {"x": str(x), "y": str(y)}
        Setting.insert(key=KEY, value=stored).on_conflict_replace().execute()
        steady.forget()  # a kept setting is read afresh
        audit.record(by, "setting", table="setting", summary=_summary(name, x, y),
                     before={name: before}, after={name: stored[name]})
    return x, y


def record_test_print(printer: str, by: User | None) -> None:
    """The audit entry for an alignment test printed on ``printer`` (at its offset)."""
    name = _printer(printer)
    x, y = printer_offset(name)
    with in_transaction():
        audit.record(by, "print", table="setting", summary=f"CMS-1500 alignment test printed on {name} "
                     f"at {x:+.2f} in right, {y:+.2f} in down",
                     after={"printer": name, "x": str(x), "y": str(y)})
