"""The ICD-10-CM code set as a compact index, read in a fraction of a second.

``simple_icd_10_cm`` parses the official 10 MB XML when it is imported: seconds of work holding
the interpreter, and about 180 MB kept for the notes, inclusions and exclusions we never show.
What the program asks of the code set (is a code in it, is it billable, its words, the codes
under a category, the billable codes in order) fits in one small file: the codes in the
library's own order, each with its depth in the tree, two flags and its description. The
installed program brings it instead of the code set's XML (build_installer.spec builds it with
the program); run from source,
it is built once from the library (the first time a look-up needs it, or in the background after
the first window paints), kept in the data folder's ``cache``, and read from there ever after; a
file made from another edition of the code set, or damaged, is built again. The library
is let go after building, so its memory is given back.

The answers are the library's: each flag and description was asked of it by code, and the codes
under a code are the run after it that lies deeper (its subtree, in the tree's own order).
"""

from __future__ import annotations

import gzip
import importlib.util
import logging
import os
import re
import sys
import threading
from functools import lru_cache
from pathlib import Path

from ...paths import cache_dir, resource

FORMAT = 1
LEAF, CHAPTER_OR_BLOCK = 1, 2
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


class CodeSet:
    """The questions ``codes`` asks, answered from the index (the library's names and answers)."""

    def __init__(self, names: list[str], depths: bytes, flags: bytes, descriptions: list[str]):
        self.names, self.depths, self.flags, self.descriptions = names, depths, flags, descriptions
        # A name used twice (a block holding one category) is the later node, as in the library.
        self.where = {name: i for i, name in enumerate(names)}

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, str, str]]) -> CodeSet:
        return cls([r[2] for r in rows], bytes(r[0] for r in rows), bytes(r[1] for r in rows),
                   [r[3] for r in rows])

    def _index(self, code: str) -> int | None:
        found = self.where.get(code)
        if found is None and len(code) >= 4 and code[3] != ".":
            found = self.where.get(f"{code[:3]}.{code[3:]}")
        return found

    def is_valid_item(self, code: str) -> bool:
        return self._index(code) is not None

    def _checked(self, code: str) -> int:
        found = self._index(code)
        if found is None:
            raise ValueError(f'The code "{code}" does not exist.')
        return found

    def is_leaf(self, code: str) -> bool:
        return bool(self.flags[self._checked(code)] & LEAF)

    def is_chapter_or_block(self, code: str) -> bool:
        found = self._index(code)
        return found is not None and bool(self.flags[found] & CHAPTER_OR_BLOCK)

    def get_description(self, code: str) -> str:
        return self.descriptions[self._checked(code)]

    def get_descendants(self, code: str) -> list[str]:
        start = self._checked(code)
        depth, end = self.depths[start], start + 1
        while end < len(self.names) and self.depths[end] > depth:
            end += 1
        return self.names[start + 1:end]

    def get_all_codes(self, with_dots: bool = True) -> list[str]:
        if not with_dots:
            raise ValueError("the index keeps the dotted codes only")
        return list(self.names)


def edition() -> str:
    """The code set's edition: the names of the library's data files (found without importing
    the library, which would parse them)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        data = Path(folder) / "data"
        if data.is_dir():
            names = sorted(p.stem for p in data.iterdir() if p.suffix in (".xml", ".txt"))
            if names:
                return "+".join(names)
    raise RuntimeError("the ICD-10-CM code set (simple_icd_10_cm) is not installed")


INDEX_NAME = f"icd10cm-v{FORMAT}.tsv.gz"


def index_path() -> Path:
    """The index built on this computer (the data folder's cache)."""
    return cache_dir() / INDEX_NAME


def shipped_index_path() -> Path:
    """The index the installed program brings (built with it: build_installer.spec)."""
    return resource("codes", INDEX_NAME)


def _header() -> str:
    return f"billing-desk ICD-10-CM index {FORMAT} {edition()}"


def build_rows() -> list[tuple[int, int, str, str]]:
    """Every code of the library in its order (``get_all_codes``: the tree walked depth first):
    (depth, flags, code, description), each flag and description asked of the library by code."""
    import simple_icd_10_cm as icd
    from simple_icd_10_cm import simple_icd_10_cm as tree

    rows: list[tuple[int, int, str, str]] = []

    def walk(node, depth: int) -> None:
        name = node.name
        flags = ((LEAF if icd.is_leaf(name) else 0)
                 | (CHAPTER_OR_BLOCK if icd.is_chapter_or_block(name) else 0))
        rows.append((depth, flags, name, icd.get_description(name)))
        for child in node.children:
            walk(child, depth + 1)

    for chapter in tree._chapter_list:
        walk(chapter, 0)
    if [name for _d, _f, name, _t in rows] != icd.get_all_codes(with_dots=True):
        raise RuntimeError("the ICD-10-CM library walks its codes in another order")
    return rows


def write_index(codes: CodeSet, path: Path) -> None:
    """Five lines: the header, the depths and the flags (a digit per code), the codes and
    their descriptions (tab-separated, a tab or line break inside one written as \\t, \\n)."""
    if max(codes.depths, default=0) > 9 or max(codes.flags, default=0) > 9:
        raise ValueError("the ICD-10-CM tree is deeper than the index can hold")
    lines = [_header(), "".join(map(str, codes.depths)), "".join(map(str, codes.flags)),
             "\t".join(map(_escape, codes.names)), "\t".join(map(_escape, codes.descriptions))]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write("\n".join(lines))
    os.replace(partial, path)


_ESCAPES: dict[str, str | int | None] = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {str(v)[1]: k for k, v in _ESCAPES.items()}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _escape(text: str) -> str:
    return text.translate(_ESCAPE_TABLE) if any(c in text for c in _ESCAPES) else text


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(1)), text) if "\\" in text else text


def _column(line: str) -> list[str]:
    values = line.split("\t")
    return [_unescape(v) for v in values] if "\\" in line else values


def read_index(path: Path, any_edition: bool = False) -> CodeSet | None:
    """The code set in an index file, or None when it is missing, of another edition (unless
    ``any_edition``: the index the program brings is the edition it was built with), or damaged."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as src:
            lines = src.read().split("\n")
    except (OSError, EOFError, UnicodeDecodeError, ValueError):
        return None
    if len(lines) != 5 or not (lines[0].startswith(f"billing-desk ICD-10-CM index {FORMAT} ")
                               if any_edition else lines[0] == _header()):
        return None
    depths, flags = lines[1].encode("ascii", "replace"), lines[2].encode("ascii", "replace")
    names, descriptions = _column(lines[3]), _column(lines[4])
    if not names or not len(names) == len(descriptions) == len(depths) == len(flags):
        return None
    if not (depths.isdigit() and flags.isdigit()):
        return None
    zero = ord("0")
    return CodeSet(names, bytes(b - zero for b in depths), bytes(b - zero for b in flags),
                   descriptions)


SOURCE = [""]  # where the loaded code set came from: shipped, kept (the cache) or built


@lru_cache(maxsize=1)
def code_set() -> CodeSet:
    """The code set: from the cached index, built (and cached) the first time."""
    with _LOCK:
        codes = read_index(shipped_index_path(), any_edition=True)
        if codes is not None:
            SOURCE[0] = "shipped"
            return codes
        path = index_path()
        codes = read_index(path)
        SOURCE[0] = "kept" if codes is not None else "built"
        if codes is None:
            loaded = "simple_icd_10_cm" in sys.modules
            codes = CodeSet.from_rows(build_rows())
            try:
                write_index(codes, path)
            except OSError as exc:  # a read-only data folder: built again next time
                log.warning("the ICD-10-CM index could not be kept in %s: %s", path, exc)
            if not loaded:  # give back the library's parsed XML (about 180 MB)
                for name in [m for m in sys.modules if m.split(".")[0] == "simple_icd_10_cm"]:
                    del sys.modules[name]
        return codes


def is_ready() -> bool:
    """True when a look-up will not have to build the index first (it is loaded, or kept)."""
    if code_set.cache_info().currsize > 0:
        return True
    try:
        with gzip.open(index_path(), "rt", encoding="utf-8") as src:
            return src.readline().rstrip("\n") == _header()
    except (OSError, EOFError, UnicodeDecodeError):
        return False
