"""The catalogue and fee schedules: maintenance, export to Excel, import from Excel or CSV.

An import checks every row first and lists each bad one (row, column, why). Nothing is written
while any row is bad, unless the clerk chooses to skip the bad rows. Rows are matched on the
code (and the payer, for fees): a known code is updated, a new one added. Nothing is deleted.

CSV files are read by the generic reader (services.importing); a workbook is read sheet by sheet
here, since the catalogue and its fee schedules travel as two sheets of one file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ...choices import ITEM_KINDS
from ...errors import Problem, ValidationError
from ...exchange import importing
from ...models import CatalogueItem, FeeSchedule, Payer, User
from ...money import parse_money
from ..office import audit, stale, steady
from ..office.transactions import in_transaction
from ..office.validation import check_texts

ITEM_COLUMNS = ("code", "kind", "description", "category", "unit_price", "unit_cost", "taxable",
                "active", "common")
FEE_COLUMNS = ("payer", "code", "allowed")
ITEM_SHEET, FEE_SHEET = "Catalogue", "Fee schedules"
YES, NO = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0", ""}


@dataclass
class ImportResult:
    items_added: int = 0
    items_updated: int = 0
    fees_saved: int = 0
    skipped: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"{self.items_added} codes added, {self.items_updated} updated, "
                f"{self.fees_saved} fees saved")
        if self.skipped:
            rows = len({(p.field.split(":")[0], p.row) for p in self.skipped})
            text += f"; {rows} bad rows skipped"
        return text


# --- reading --------------------------------------------------------------------------------
def read_rows(path: str | Path) -> dict[str, list[tuple[int, dict[str, str]]]]:
    """{sheet name: [(row number, {column: text})]}.

    A CSV (read by services.importing) is one sheet, named by its columns. A workbook is read
    sheet by sheet (the generic reader reads only the first), cells as importing.cell_text.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        table = importing.read_rows(path)
        headers = {_column(h) for h in table.headers}
        name = FEE_SHEET if "allowed" in headers else ITEM_SHEET
        return {name: _as_dicts([table.headers] + [cells for _, cells in table.rows],
                                [n for n, _ in table.rows])}
    if not path.is_file():
        raise importing.ImportFileError(f"{path.name} is not an Excel workbook (.xlsx)")
    if not zipfile.is_zipfile(path):
        raise importing.not_what_its_name_says(path, f"{path.name} is not an Excel workbook (.xlsx)")
    from openpyxl import load_workbook

    importing.check_unpacked(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise importing.ImportFileError(f"{path.name} is damaged and cannot be read ({exc})") from None
    try:
        sheets = {}
        for sheet in book.worksheets:
            try:
                rows = [[importing.cell_text(v) for v in row] for row in importing.sheet_rows(sheet, path)]
            except importing.ImportFileError:
                raise
            except Exception as exc:  # a damaged sheet: XML, zip or value errors from openpyxl
                raise importing.ImportFileError(
                    f"sheet '{sheet.title}' of {path.name} is damaged and cannot be read "
                    f"({str(exc).splitlines()[0][:120] or type(exc).__name__}); nothing was imported"
                ) from None
            sheets[sheet.title] = _as_dicts(rows, list(range(2, len(rows) + 1)))
        return sheets
    finally:
        book.close()


def _column(header: str) -> str:
    return str(header).strip().lower().replace(" ", "_")


def _as_dicts(rows: list[list[str]], numbers: list[int]) -> list[tuple[int, dict[str, str]]]:
    if not rows:
        return []
    header = [_column(h) for h in rows[0]]
    out = []
    for number, row in zip(numbers, rows[1:]):
        if not any(str(v).strip() for v in row):
            continue
        out.append((number, {name: str(row[i]).strip() if i < len(row) else ""
                             for i, name in enumerate(header) if name}))
    return out


# --- checking -------------------------------------------------------------------------------
def _flag(value: str, column: str, row: int, sheet: str, problems: list[Problem]) -> bool:
    lowered = value.strip().lower()
    if lowered in YES:
        return True
    if lowered not in NO:
        problems.append(Problem(f"{sheet}: {column}", f"'{value}' is not yes or no", row))
    return False


def _money(value: str, column: str, row: int, sheet: str, problems: list[Problem]) -> Decimal | None:
    try:
        return parse_money(value, column)
    except ValidationError as exc:
        problems.append(Problem(f"{sheet}: {column}", exc.problems[0].message, row))
        return None


def check_items(rows, sheet: str = ITEM_SHEET) -> tuple[list[tuple[int, dict]], list[Problem]]:
    problems: list[Problem] = []
    good: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for row, data in rows:
        mine = [Problem(f"{sheet}: {p.field}", p.message, row) for p in check_texts(data, ITEM_COLUMNS)]
        code = data.get("code", "").strip().upper()
        if not code or len(code) > 20 or " " in code:
            mine.append(Problem(f"{sheet}: code", "a code of up to 20 characters, no spaces", row))
        elif code in seen:
            mine.append(Problem(f"{sheet}: code", f"{code} is already on row {seen[code]}", row))
        seen.setdefault(code, row)
        kind = (data.get("kind") or "service").strip().lower()
        if kind not in ITEM_KINDS:
            mine.append(Problem(f"{sheet}: kind", f"'{kind}' is not one of {', '.join(ITEM_KINDS)}", row))
        description = data.get("description", "").strip()
        if not description:
            mine.append(Problem(f"{sheet}: description", "a description is required", row))
        values = {"code": code, "kind": kind, "description": description,
                  "category": data.get("category", "").strip(),
                  "unit_price": _money(data.get("unit_price", ""), "unit_price", row, sheet, mine),
                  "unit_cost": _money(data.get("unit_cost") or "0", "unit_cost", row, sheet, mine),
                  "taxable": _flag(data.get("taxable", ""), "taxable", row, sheet, mine),
                  "active": _flag(data.get("active", "yes"), "active", row, sheet, mine),
                  "common": _flag(data.get("common", ""), "common", row, sheet, mine)}
        problems += mine
        if not mine:
            good.append((row, values))
    return good, problems


def check_fees(rows, new_codes: set[str], sheet: str = FEE_SHEET):
    problems: list[Problem] = []
    good = []
    payers = {p.name.lower(): p.id for p in Payer.select(Payer.id, Payer.name)}
    known = {c for (c,) in CatalogueItem.select(CatalogueItem.code).tuples()} | new_codes
    for row, data in rows:
        mine = [Problem(f"{sheet}: {p.field}", p.message, row) for p in check_texts(data, FEE_COLUMNS)]
        payer = payers.get(data.get("payer", "").strip().lower())
        if payer is None:
            mine.append(Problem(f"{sheet}: payer", f"'{data.get('payer', '')}' is not a payer", row))
        code = data.get("code", "").strip().upper()
        if code not in known:
            mine.append(Problem(f"{sheet}: code", f"'{code}' is not in the catalogue", row))
        allowed = _money(data.get("allowed", ""), "allowed", row, sheet, mine)
        problems += mine
        if not mine:
            good.append((row, {"payer": payer, "code": code, "allowed": allowed}))
    return good, problems


def check_file(path: str | Path):
    """Read and check a file: (good item rows, good fee rows, every problem)."""
    sheets = read_rows(path)
    unknown = [name for name in sheets if name not in (ITEM_SHEET, FEE_SHEET)]
    if unknown and len(sheets) == 1:  # a workbook with one sheet of any name: the catalogue
        sheets = {ITEM_SHEET: sheets[unknown[0]]}
    items, problems = check_items(sheets.get(ITEM_SHEET, []))
    problems += [Problem("file", f"the sheet '{name}' is not read: this import reads only the sheets "
                         f"{ITEM_SHEET} and {FEE_SHEET}; rename it to one of them, or remove it",
                         rows[0][0])
                 for name, rows in sheets.items()
                 if name in unknown and len(sheets) > 1 and rows and "code" in rows[0][1]]
    fees, fee_problems = check_fees(sheets.get(FEE_SHEET, []), {v["code"] for _, v in items})
    if not items and not fees and not problems + fee_problems:
        problems.append(Problem("file", f"no {ITEM_SHEET} or {FEE_SHEET} rows were found"))
    return items, fees, problems + fee_problems


# --- maintenance (one row at a time, from the screen) ---------------------------------------
def item_version(item: str | CatalogueItem) -> str:
    """What a screen showing the catalogue item hands back when it saves (services.office.stale):
    of the row the screen shows (a list's row may be older than the database's), or by code."""
    if isinstance(item, CatalogueItem):
        return stale.version_of(item)
    return stale.version_of(CatalogueItem.get_or_none(CatalogueItem.code == item.strip().upper()))


def save_item(data: dict[str, str], by: User, *, loaded_as: str = "") -> CatalogueItem:
    """Add or change one catalogue item from what the clerk typed (the same checks as import).
    ``loaded_as`` (``item_version`` when the screen showed it): a save over a change made since
    (or over an item added meanwhile under the same code) is refused, nothing saved."""
    good, problems = check_items([(None, data)], sheet="item")
    if problems:
        raise ValidationError([Problem(p.field.split(": ")[1], p.message) for p in problems])
    values = good[0][1]
    with in_transaction():
        item = CatalogueItem.get_or_none(CatalogueItem.code == values["code"])
        stale.refuse_if_changed(loaded_as, stale.version_of(item), f"Catalogue item {values['code']}",
                                table="catalogue_item", record_id=item.id if item else None)
        before = audit.snapshot(item, *ITEM_COLUMNS) if item else None
        if item:
            CatalogueItem.update(**values).where(CatalogueItem.id == item.id).execute()
            item = CatalogueItem.get_by_id(item.id)
        else:
            item = CatalogueItem.create(**values)
        steady.forget()  # an item kept by its code is read afresh
        audit.record(by, "update" if before else "create", item, summary=f"catalogue {item.code}",
                     before=before, after=audit.snapshot(item, *ITEM_COLUMNS))
    return item


def fee_version(payer_name: str, code: str) -> str:
    """What a screen showing one payer's allowed amount for one code hands back when it saves."""
    row = _fee_row(payer_name, code)
    return fee_version_of(row.allowed if row else None)


def fee_version_of(allowed: Decimal | None) -> str:
    """The same, from the amount a fee list showed (``fees_for``, ``payers.payer_fees``)."""
    return stale.fingerprint(None if allowed is None else str(allowed))


def _fee_row(payer_name: str, code: str) -> FeeSchedule | None:
    return (FeeSchedule.select().join(Payer).switch(FeeSchedule).join(CatalogueItem)
            .where(Payer.name == payer_name, CatalogueItem.code == code).first())


def _fee_unchanged(payer_name: str, code: str, loaded_as: str) -> None:
    if loaded_as:
        stale.refuse_if_changed(loaded_as, fee_version(payer_name, code),
                                f"The allowed amount of {payer_name} for {code}")


def save_fee(payer_name: str, code: str, allowed: str, by: User, *, loaded_as: str = "") -> None:
    """Set (or with a blank amount, remove) one payer's allowed amount for one code.
    ``loaded_as`` (``fee_version``): a save over a change made since is refused."""
    if not str(allowed).strip():
        with in_transaction():
            _fee_unchanged(payer_name, code, loaded_as)
            payer = Payer.get_or_none(Payer.name == payer_name)
            item = CatalogueItem.get_or_none(CatalogueItem.code == code)
            if payer and item:
                FeeSchedule.delete().where(FeeSchedule.payer == payer, FeeSchedule.item == item).execute()
                audit.record(by, "delete", table="fee_schedule", summary=f"fee {payer_name} {code} removed")
        return
    good, problems = check_fees([(None, {"payer": payer_name, "code": code, "allowed": str(allowed)})],
                                set(), sheet="fee")
    if problems:
        raise ValidationError([Problem(p.field.split(": ")[1], p.message) for p in problems])
    with in_transaction():
        _fee_unchanged(payer_name, code, loaded_as)
        _save_fee(good[0][1])
        audit.record(by, "update", table="fee_schedule", summary=f"fee {payer_name} {code} = {allowed}")


def fees_for(item_id: int) -> list[tuple[str, Decimal | None]]:
    """Every active payer with its allowed amount for one item (None: no fee on file)."""
    fees = {f.payer_id: f.allowed for f in FeeSchedule.select().where(FeeSchedule.item == item_id)}
    return [(p.name, fees.get(p.id)) for p in Payer.select().where(Payer.active == True)  # noqa: E712
            .order_by(Payer.name)]


def items_query(text: str = "", status: str | None = None):
    """The catalogue list (maintenance screen): searched in SQL, paged by the list."""
    query = CatalogueItem.select()
    if status == "active":
        query = query.where(CatalogueItem.active == True)  # noqa: E712
    elif status == "inactive":
        query = query.where(CatalogueItem.active == False)  # noqa: E712
    text = (text or "").strip()
    if text:
        query = query.where(CatalogueItem.code.startswith(text.upper())
                            | CatalogueItem.description.contains(text)
                            | (CatalogueItem.category == text))
    return query.order_by(CatalogueItem.code)


def _save_fee(values: dict) -> None:
    item = CatalogueItem.get(CatalogueItem.code == values["code"])
    (FeeSchedule.insert(payer=values["payer"], item=item, allowed=values["allowed"])
     .on_conflict(conflict_target=[FeeSchedule.payer, FeeSchedule.item],
                  update={FeeSchedule.allowed: values["allowed"]})
     .execute())


# --- importing and exporting ----------------------------------------------------------------
def import_file(path: str | Path, by: User, *, skip_bad: bool = False) -> ImportResult:
    """Import a catalogue / fee schedule file: all rows, or none while any row is bad."""
    items, fees, problems = check_file(path)
    if problems and not skip_bad:
        raise ValidationError(problems)
    result = ImportResult(skipped=problems)
    with in_transaction():
        for _row, values in items:
            existing = CatalogueItem.get_or_none(CatalogueItem.code == values["code"])
            if existing:
                CatalogueItem.update(**values).where(CatalogueItem.id == existing.id).execute()
                result.items_updated += 1
            else:
                CatalogueItem.create(**values)
                result.items_added += 1
            steady.forget()
        for _row, values in fees:
            _save_fee(values)
            result.fees_saved += 1
        audit.record(by, "import", table="catalogue_item",
                     summary=f"catalogue import from {Path(path).name}: {result.summary()}")
    return result


def export_xlsx(path: str | Path) -> int:
    """Write the catalogue and fee schedules to one workbook (two sheets); returns rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from ...exchange.exporting import guarded_value

    book = Workbook(write_only=True)

    def cells(sheet, values):  # text through the one formula guard
        return [guarded_value(WriteOnlyCell(sheet), v) if isinstance(v, str) else v for v in values]

    items = book.create_sheet(ITEM_SHEET)
    items.append(list(ITEM_COLUMNS))
    count = 0
    for item in CatalogueItem.select().order_by(CatalogueItem.code):
        items.append(cells(items, [item.code, item.kind, item.description, item.category,
                                   item.unit_price, item.unit_cost, _yes(item.taxable),
                                   _yes(item.active), _yes(item.common)]))
        count += 1
    fees = book.create_sheet(FEE_SHEET)
    fees.append(list(FEE_COLUMNS))
    query = (FeeSchedule.select(FeeSchedule, Payer, CatalogueItem).join(Payer)
             .switch(FeeSchedule).join(CatalogueItem).order_by(Payer.name, CatalogueItem.code))
    for fee in query:
        fees.append(cells(fees, [fee.payer.name, fee.item.code, fee.allowed]))
        count += 1
    book.save(str(path))
    return count


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
