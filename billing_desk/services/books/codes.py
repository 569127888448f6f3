"""Diagnosis codes (ICD-10-CM, from the official code set through its compact index) and catalogue
look-ups."""

from __future__ import annotations

from functools import lru_cache

from ...errors import Problem
from ...models import CatalogueItem
from ..office import steady
from .icd_index import CodeSet, code_set


def _icd() -> CodeSet:
    """The code set, from its compact index (icd_index.py): read on the first look-up."""
    return code_set()


def normalize_icd(code: str) -> str:
    """'e119' or 'E11.9' -> 'E11.9' (the dotted form the code set uses)."""
    raw = (code or "").strip().upper().replace(".", "")
    return raw if len(raw) <= 3 else f"{raw[:3]}.{raw[3:]}"


def check_diagnosis(code: str, field: str = "diagnosis") -> tuple[str, Problem | None]:
    """A billable ICD-10-CM code, or a problem saying why not."""
    norm = normalize_icd(code)
    icd = _icd()
    if not norm or not icd.is_valid_item(norm):
        return norm, Problem(field, f"'{code}' is not an ICD-10-CM code")
    if not icd.is_leaf(norm) or icd.is_chapter_or_block(norm):
        below = billable_below(norm)
        if len(below) <= SHOWN_BELOW:  # a few: each with its words
            shown = "; ".join(f"{c} {d}" for c, d in below)
        else:
            shown = f"{len(below)} codes: {', '.join(c for c, _d in below[:SHOWN_BELOW])} …"
        return norm, Problem(field, f"{norm} is a category, not a billable code: use a more "
                                    f"specific code below it ({shown})")
    return norm, None


SHOWN_BELOW = 3  # billable codes named in the message; the look-up lists them all


def billable_below(code: str) -> list[tuple[str, str]]:
    """The billable codes under a category (``J06``: J06.0 and J06.9), with their descriptions."""
    norm = normalize_icd(code)
    icd = _icd()
    if not norm or not icd.is_valid_item(norm):
        return []
    return [(c, icd.get_description(c)) for c in icd.get_descendants(norm) if icd.is_leaf(c)]


def describe_diagnosis(code: str) -> str:
    norm = normalize_icd(code)
    icd = _icd()
    return icd.get_description(norm) if icd.is_valid_item(norm) else ""


def search_diagnoses(text: str, limit: int = 25) -> list[tuple[str, str]]:
    """Billable codes whose code starts with ``text`` or whose description has all its words."""
    icd = _icd()
    text = (text or "").strip()
    if not text:
        return []
    norm = normalize_icd(text)
    results: list[tuple[str, str]] = []
    if icd.is_valid_item(norm):
        candidates = [norm] + icd.get_descendants(norm)
        for code in candidates:
            if icd.is_leaf(code):
                results.append((code, icd.get_description(code)))
                if len(results) >= limit:
                    return results
        return results
    words = [w.lower() for w in text.split()]
    for code, description in _billable_index():
        lowered = description.lower()
        if all(w in lowered for w in words):
            results.append((code, description))
            if len(results) >= limit:
                break
    return results


@lru_cache(maxsize=1)
def _billable_index() -> tuple[tuple[str, str], ...]:
    icd = _icd()
    return tuple((c, icd.get_description(c)) for c in icd.get_all_codes(with_dots=True)
                 if icd.is_leaf(c) and not icd.is_chapter_or_block(c))


def find_item(code: str) -> CatalogueItem | None:
    code = (code or "").strip().upper()
    return steady.kept("item", code, lambda: CatalogueItem.get_or_none(CatalogueItem.code == code))


def search_items(text: str, limit: int = 20) -> list[CatalogueItem]:
    """Active catalogue items whose code starts with ``text`` or whose description has it."""
    text = (text or "").strip()
    query = CatalogueItem.select().where(CatalogueItem.active == True)  # noqa: E712
    if text:
        query = query.where(CatalogueItem.code.startswith(text.upper())
                            | CatalogueItem.description.contains(text))
    return list(query.order_by(CatalogueItem.code).limit(limit))


def common_items() -> list[CatalogueItem]:
    """The office's common codes, as printed on the superbill: by category, then code."""
    return list(CatalogueItem.select()
                .where(CatalogueItem.common == True, CatalogueItem.active == True)  # noqa: E712
                .order_by(CatalogueItem.category, CatalogueItem.code))
