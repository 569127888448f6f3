"""Bringing rows over from a spreadsheet: read (.xlsx or .csv), map columns to fields, check each row.

Generic: an importer (accounts, the catalogue...) declares its ``Target`` fields and a
``check_row(values, row_number) -> (thing, problems)``; this module reads the file, remembers the
column mapping, and splits the rows into good and bad, each bad cell named by row, column and why.
Nothing here writes to the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

from ..errors import BillingError, Problem
from ..paths import data_dir

MAX_ROWS = 200_000


class ImportFileError(BillingError):
    """The file cannot be read as a spreadsheet: not a workbook, damaged, or empty."""


@dataclass
class Table:
    """A sheet as text: the header row and the data rows, with their row numbers in the file."""

    path: Path
    headers: list[str]
    rows: list[tuple[int, list[str]]]

    def records(self) -> Iterable[tuple[int, dict[str, str]]]:
        for number, cells in self.rows:
            yield number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(self.headers)}


def read_rows(path: str | Path) -> Table:
    """Read the first sheet of an .xlsx workbook, or a .csv file, as text cells.

    Raises ImportFileError with a sentence a clerk understands for a missing, unreadable,
    damaged, empty or not-a-spreadsheet file.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path}: there is no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        raw = _read_csv(path)
    elif suffix == ".xls":
        raise ImportFileError(f"{path.name} is an old Excel 97 (.xls) workbook: open it in Excel "
                              "and save it as .xlsx, or as CSV")
    else:
        raise ImportFileError(f"{path.name} is not an Excel workbook (.xlsx) or a CSV file")
    return _to_table(path, raw)


def _read_xlsx(path: Path) -> Iterable[list[Any]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not zipfile.is_zipfile(path):
        raise ImportFileError(f"{path.name} is not an Excel workbook (it is not an .xlsx file inside)")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"{path.name} is damaged and cannot be read ({_why(exc)})") from None
    except Exception as exc:
        raise ImportFileError(f"{path.name} is damaged and cannot be read ({_why(exc)})") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(f"{path.name} has no sheets")
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError(f"{path.name} has more than {MAX_ROWS:,} rows; split it")
        return rows
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(f"{path.name} is damaged and cannot be read ({_why(exc)})") from None
    finally:
        workbook.close()


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise ImportFileError(f"{path.name} is not a text (CSV) file")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(text.splitlines(), dialect))
    except csv.Error as exc:
        raise ImportFileError(f"{path.name} is damaged: {exc}") from None


def _why(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def cell_text(value: Any) -> str:
    """A cell as the clerk sees it: dates as MM/DD/YYYY, 12.0 as 12, text trimmed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _to_table(path: Path, raw: Iterable[list[Any]]) -> Table:
    rows = [(n, [cell_text(v) for v in values]) for n, values in enumerate(raw, start=1)]
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise ImportFileError(f"{path.name} is empty: there is no header row and no data")
    (_, headers), data = rows[0], rows[1:]
    headers = [h or f"column {i + 1}" for i, h in enumerate(headers)]
    if len(set(h.lower() for h in headers)) != len(headers):
        dupes = sorted({h for h in headers if [x.lower() for x in headers].count(h.lower()) > 1})
        raise ImportFileError(f"{path.name}: the header row names a column twice ({', '.join(dupes)})")
    if not data:
        raise ImportFileError(f"{path.name} has a header row but no data rows")
    return Table(path, headers, data)


# --- mapping ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A field the importer fills: its name, the label a clerk reads, other headers that mean it."""

    name: str
    label: str
    required: bool = False
    synonyms: tuple[str, ...] = ()


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def guess_mapping(headers: list[str], targets: list[Target]) -> dict[str, str]:
    """field -> column header, matched by name, label or a synonym, ignoring case and punctuation."""
    by_norm = {_norm(h): h for h in headers}
    mapping: dict[str, str] = {}
    for target in targets:
        for candidate in (target.name, target.label, *target.synonyms):
            header = by_norm.get(_norm(candidate))
            if header and header not in mapping.values():
                mapping[target.name] = header
                break
    return mapping


def check_mapping(mapping: dict[str, str], headers: list[str], targets: list[Target]) -> list[Problem]:
    problems = []
    names = {t.name for t in targets}
    for name, header in mapping.items():
        if name not in names:
            problems.append(Problem(name, "is not a field this import fills"))
        elif header not in headers:
            problems.append(Problem(name, f"the file has no column '{header}'"))
    for target in targets:
        if target.required and not mapping.get(target.name):
            problems.append(Problem(target.name, f"choose the column that holds the {target.label}"))
    return problems


def mapping_file(kind: str) -> Path:
    folder = data_dir() / "import-maps"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{kind}.json"


def remembered_mapping(kind: str) -> dict[str, str]:
    return load_mapping(mapping_file(kind), missing_ok=True)


def remember_mapping(kind: str, mapping: dict[str, str]) -> None:
    save_mapping(mapping_file(kind), mapping)


def load_mapping(path: str | Path, missing_ok: bool = False) -> dict[str, str]:
    """A mapping file: JSON ``{"field": "Column header", ...}``."""
    path = Path(path)
    if missing_ok and not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportFileError(f"{path}: there is no such mapping file") from None
    except (ValueError, UnicodeDecodeError) as exc:
        if missing_ok:
            return {}
        raise ImportFileError(f"{path.name} is not a mapping file (JSON): {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in data.items()):
        raise ImportFileError(f"{path.name}: a mapping is {{\"field\": \"Column header\"}} pairs")
    return data


def save_mapping(path: str | Path, mapping: dict[str, str]) -> None:
    Path(path).write_text(json.dumps(mapping, indent=2, sort_keys=True), encoding="utf-8")


# --- preview ---------------------------------------------------------------------------------
CheckRow = Callable[[dict[str, str], int], tuple[Any, list[Problem]]]


@dataclass
class Preview:
    """Every row checked: the good ones ready to save, the bad ones with row, column and why."""

    table: Table
    mapping: dict[str, str]
    good: list[tuple[int, Any]] = field(default_factory=list)
    bad: list[Problem] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.bad if p.row is not None})

    def lines(self) -> list[str]:
        return [f"row {p.row}, column {p.field}: {p.message}" for p in self.bad]


def preview(table: Table, mapping: dict[str, str], check_row: CheckRow,
            progress: Callable[[int, int], None] | None = None) -> Preview:
    """Check every row; a problem's ``field`` becomes the file's column header."""
    result = Preview(table, mapping)
    total = len(table.rows)
    for done, (number, record) in enumerate(table.records(), start=1):
        values = {name: record.get(header, "") for name, header in mapping.items()}
        thing, problems = check_row(values, number)
        if problems:
            result.bad += [Problem(mapping.get(p.field, p.field), p.message, number) for p in problems]
        else:
            result.good.append((number, thing))
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)
    return result
