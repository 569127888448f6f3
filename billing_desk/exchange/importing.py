"""Bringing rows over from a spreadsheet: read (.xlsx or .csv), map columns to fields, check each row.

Generic: an importer (accounts, the catalogue...) declares its ``Target`` fields and a
``check_row(values, row_number) -> (thing, problems)``; this module reads the file, remembers the
column mapping, and splits the rows into good and bad, each bad cell named by row, column and why.
Nothing here writes to the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..errors import BillingError, Problem
from ..field_names import words
from ..paths import data_dir
from .text_files import UTF16_MARKS, MixedEncoding, csv_encoding, what_it_is

MAX_ROWS = 200_000
MAX_UNPACKED = 512 * 1024 * 1024  # a workbook's parts unpacked; a 200,000-row file is about 300 MB
MAX_TEXT = 64_000_000  # characters in a workbook's cells: over ten times a 200,000-row account file


class ImportFileError(BillingError):
    """The file cannot be read as a spreadsheet: not a workbook, damaged, or empty."""


@dataclass
class Table:
    """A sheet as text: the header row and the data rows, with their row numbers in the file.

    ``rows`` is a list for a workbook; for a CSV it is read from the file each time it is walked
    (``CsvRows``), so a large file is never held in memory. Both have ``len()``.
    """

    path: Path
    headers: list[str]
    rows: Sequence[tuple[int, list[str]]] | CsvRows

    def records(self) -> Iterable[tuple[int, dict[str, str]]]:
        for number, cells in self.rows:
            yield number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(self.headers)}


def read_rows(path: str | Path) -> Table:
    """Read the first sheet of an .xlsx workbook, or a .csv file, as text cells.

    Raises ImportFileError with a sentence a clerk understands for a missing, unreadable,
    damaged, empty, too long or not-a-spreadsheet file.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path}: there is no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        titles: list[str] = []
        rows = list(_nonblank(_read_xlsx(path, titles)))
        try:
            return _to_table(path, rows)
        except ImportFileError as exc:
            if len(titles) < 2:
                raise
            others = ", ".join(f"'{t}'" for t in titles[1:])
            raise ImportFileError(f"{exc} (the import reads the first sheet, '{titles[0]}'; this "
                                  f"workbook also has {others}: move the sheet to import first)"
                                  ) from None
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix == ".xls":
        raise ImportFileError(f"{path.name} is an old Excel 97 (.xls) workbook: open it in Excel "
                              "and save it as .xlsx, or as CSV")
    raise ImportFileError(f"{path.name} is not an Excel workbook (.xlsx) or a CSV file")


def _read_xlsx(path: Path, titles: list[str] | None = None) -> Iterable[list[Any]]:
    """The first sheet's rows; ``titles`` (when given) gets every sheet's title, in order."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not zipfile.is_zipfile(path):
        raise not_what_its_name_says(path, f"{path.name} is not an Excel workbook (it is not an "
                                           ".xlsx file inside)")
    check_unpacked(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"{path.name} is damaged and cannot be read ({_why(exc)})") from None
    except Exception as exc:
        raise ImportFileError(f"{path.name} is damaged and cannot be read ({_why(exc)})") from None
    try:
        if titles is not None:
            titles.extend(sheet.title for sheet in workbook.worksheets)
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(f"{path.name} has no sheets")
        return list(sheet_rows(sheet, path))
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(f"{path.name} is damaged and cannot be read ({_why(exc)})") from None
    finally:
        workbook.close()


def check_unpacked(path: Path) -> None:
    """Refuse a workbook that unpacks to more than ``MAX_UNPACKED`` (a zip bomb): openpyxl reads
    its shared strings whole into memory before a row is read. The sizes a zip states bound
    what Python's zipfile unpacks, so they can be trusted here."""
    try:
        with zipfile.ZipFile(path) as book:
            size = sum(item.file_size for item in book.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"{path.name} is damaged and cannot be read ({_why(exc)})") from None
    if size > MAX_UNPACKED:
        raise ImportFileError(f"{path.name} unpacks to {size / 1024 ** 2:,.0f} MB, more than an "
                              f"import takes ({MAX_UNPACKED / 1024 ** 2:,.0f} MB); split it")


def sheet_rows(sheet, path: Path) -> Iterator[list[Any]]:
    """Every row of a read-only sheet, at most ``MAX_ROWS`` and its header; a formula whose
    result was never saved is refused after the last row (``refuse_formulas_without_results``).

    The size a workbook states (its ``<dimension>``) is not trusted: some programs write a
    smaller one, and openpyxl's read-only mode would stop there and drop the rest unsaid."""
    sheet.reset_dimensions()
    text = 0
    for count, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if count > MAX_ROWS + 1:
            raise _too_long(path)
        text += sum(len(v) for v in values if isinstance(v, str))
        if text > MAX_TEXT:
            raise ImportFileError(f"{path.name} holds more text than an import takes (over "
                                  f"{MAX_TEXT:,} characters by row {count:,}); split it")
        yield list(values)
    refuse_formulas_without_results(sheet, path)


SHEET_XML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def refuse_formulas_without_results(sheet, path: Path) -> None:
    """Refuse a sheet with a formula whose result was never saved: a workbook written by a
    program rather than saved by Excel keeps the formula alone, and openpyxl reads that cell as
    blank, so its value would be lost unsaid. Sheets without formulas (nearly all) cost one scan
    of their bytes for the formula tag."""
    from xml.etree.ElementTree import iterparse

    with sheet._get_source() as source:
        has_formulas = False
        tail = b""
        while chunk := source.read(1 << 20):
            if b"<f" in tail + chunk or b":f>" in tail + chunk or b":f " in tail + chunk:
                has_formulas = True
                break
            tail = chunk[-8:]
    if not has_formulas:
        return
    with sheet._get_source() as source:
        for _, cell in iterparse(source):
            if cell.tag != f"{SHEET_XML}c":
                continue
            result = cell.find(f"{SHEET_XML}v")
            never_saved = result is None or (not result.text and cell.get("t") != "str")
            if cell.find(f"{SHEET_XML}f") is not None and never_saved:  # "" is a text result
                where = cell.get("r", "")
                row = "".join(ch for ch in where if ch.isdigit())
                raise ImportFileError(
                    f"{path.name}, sheet '{sheet.title}': row {row}, cell {where} holds a "
                    "formula whose result was never saved (the workbook was written by a program, "
                    "not saved by Excel), so its value cannot be read: open the workbook in Excel "
                    "and save it, or paste the cells as values")
            cell.clear()


def _too_long(path: Path) -> ImportFileError:
    return ImportFileError(f"{path.name} has more than {MAX_ROWS:,} rows; split it")


class CsvRows:
    """A CSV file's non-blank data rows ``(row number, cells)``, read from the file when walked.

    The csv module reads the raw stream (``newline=""``), so a line break inside quotes stays in
    its field, and U+2028, U+0085 and the like are characters of a field, not line ends.
    """

    def __init__(self, path: Path, encoding: str, dialect, count: int):
        self.path, self.encoding, self.dialect, self.count = path, encoding, dialect, count
        self.stamp = _stamp(path)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if _stamp(self.path) != self.stamp:
            raise ImportFileError(f"{self.path.name} has changed since it was checked; check it again")
        rows = _csv_rows(self.path, self.encoding, self.dialect)
        next(rows, None)  # the header
        yield from rows

    def __getitem__(self, index: int) -> tuple[int, list[str]]:
        for row in itertools.islice(self, index, None):
            return row
        raise IndexError(index)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def _csv_rows(path: Path, encoding: str, dialect) -> Iterator[tuple[int, list[str]]]:
    try:
        with open(path, newline="", encoding=encoding) as handle:
            yield from _nonblank(csv.reader(handle, dialect))
    except csv.Error as exc:
        raise ImportFileError(f"{path.name} is damaged: {exc}") from None
    except OSError as exc:
        raise ImportFileError(f"{path.name} cannot be read: {exc.strerror or exc}") from None


def not_what_its_name_says(path: Path, otherwise: str) -> ImportFileError:
    """The refusal of a file whose bytes are not what its name says: a workbook, an old .xls or
    text under the other's name says what it is and what to do; anything else ``otherwise``."""
    kind, suffix = what_it_is(path), path.suffix.lower() or "this"
    if kind == "workbook" and suffix not in (".xlsx", ".xlsm"):
        return ImportFileError(f"{path.name} is not a text (CSV) file: it is an Excel workbook "
                               f"(.xlsx) under a {suffix} name; rename it to .xlsx")
    if kind == "xls":
        return ImportFileError(f"{path.name} is an old Excel 97 (.xls) workbook under a {suffix} "
                               "name: open it in Excel and save it as .xlsx, or as CSV")
    if kind == "text" and suffix in (".xlsx", ".xlsm"):
        return ImportFileError(f"{path.name} is not an Excel workbook: it is a text (CSV) file "
                               f"under an {suffix} name; rename it to .csv")
    return ImportFileError(otherwise)


def _encoding(path: Path) -> str:
    """How the text file is encoded (exchange.text_files); a file that is not text, or mixes two
    encodings, is refused."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if b"\x00" in head and not head.startswith(UTF16_MARKS):
        raise not_what_its_name_says(path, f"{path.name} is not a text (CSV) file")
    try:
        return csv_encoding(path)
    except MixedEncoding as exc:
        raise ImportFileError(f"{path.name}, {exc}, so its names would be read wrong; nothing was "
                              "read. Save the file again as \"CSV UTF-8\" and import that") from None


def _read_csv(path: Path) -> Table:
    """Check the file in one pass (encoding, header, row count), keeping no rows."""
    first = _encoding(path)
    for encoding in (first, "latin-1") if first == "cp1252" else (first,):
        try:
            with open(path, newline="", encoding=encoding) as handle:
                sample = handle.read(4096)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            except csv.Error:
                dialect = csv.excel
            rows = _csv_rows(path, encoding, dialect)
            header = next(rows, None)
            count = 0
            for _ in rows:
                count += 1
                if count > MAX_ROWS:
                    raise _too_long(path)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(f"{path.name} is damaged: its text cannot be read as {first}")
    if header is None:
        raise ImportFileError(f"{path.name} is empty: there is no header row and no data")
    headers = _check_headers(path, header[1])
    if not count:
        raise _no_data(path)
    return Table(path, headers, CsvRows(path, encoding, dialect, count))


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


def _nonblank(raw: Iterable[list[Any]]) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(raw, start=1):
        cells = [cell_text(v) for v in values]
        if any(cells):
            yield number, cells


def _check_headers(path: Path, headers: list[str]) -> list[str]:
    headers = [h or f"column {i + 1}" for i, h in enumerate(headers)]
    if len(set(h.lower() for h in headers)) != len(headers):
        dupes = sorted({h for h in headers if [x.lower() for x in headers].count(h.lower()) > 1})
        raise ImportFileError(f"{path.name}: the header row names a column twice ({', '.join(dupes)})")
    return headers


def _to_table(path: Path, rows: list[tuple[int, list[str]]]) -> Table:
    if not rows:
        raise ImportFileError(f"{path.name} is empty: there is no header row and no data")
    (_, headers), data = rows[0], rows[1:]
    headers = _check_headers(path, headers)
    if not data:
        raise _no_data(path)
    return Table(path, headers, data)


def _no_data(path: Path) -> ImportFileError:
    return ImportFileError(f"{path.name} has a header row but no data rows")


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


def named_mapping(mapping: dict[str, str], targets: list[Target]) -> dict[str, str]:
    """A mapping file may name a field as the import dialog shows it ("Apt / suite", "Guarantor's
    ZIP") or by its own name (``street2``): the same field either way."""
    by_label = {_norm(t.label): t.name for t in targets}
    return {by_label.get(_norm(key), key) if key not in {t.name for t in targets} else key: header
            for key, header in mapping.items()}


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
Build = Callable[[dict[str, str]], Any]


class GoodRows:
    """The good rows ``(row number, thing)`` of a checked table, built again from the file when
    walked: a preview keeps only its bad rows, never a thing per good row."""

    def __init__(self, preview: Preview):
        self.preview = preview

    def __len__(self) -> int:
        return self.preview.checked - len(self.preview.bad_rows)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        bad, preview = set(self.preview.bad_rows), self.preview
        for number, record in preview.table.records():
            if number > preview.last_checked:
                break
            if number not in bad:
                yield number, preview.build(_mapped(record, preview.mapping))


@dataclass
class Preview:
    """Every row checked: the good ones ready to save, the bad ones with row, column and why."""

    table: Table
    mapping: dict[str, str]
    build: Build
    bad: list[Problem] = field(default_factory=list)
    checked: int = 0
    last_checked: int = 0

    @property
    def good(self) -> GoodRows:
        return GoodRows(self)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.bad if p.row is not None})

    def lines(self) -> list[str]:
        return [f"row {p.row}, column {p.field}: {p.message}" for p in self.bad]


def _mapped(record: dict[str, str], mapping: dict[str, str]) -> dict[str, str]:
    return {name: record.get(header, "") for name, header in mapping.items()}


def preview(table: Table, mapping: dict[str, str], check_row: CheckRow, build: Build,
            progress: Callable[[int, int], None] | None = None) -> Preview:
    """Check every row; a problem's ``field`` becomes the file's column header (the clerk's words
    for a field no column fills).

    ``build(values)`` makes the thing to save from a good row's values; it runs again when the
    good rows are walked (``Preview.good``), so nothing per good row is kept in memory.
    """
    result = Preview(table, mapping, build)
    total = len(table.rows)
    for done, (number, record) in enumerate(table.records(), start=1):
        _thing, problems = check_row(_mapped(record, mapping), number)
        if problems:
            result.bad += [Problem(mapping.get(p.field) or words(p.field), p.message, number)
                           for p in problems]
        result.checked, result.last_checked = done, number
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)
    return result
