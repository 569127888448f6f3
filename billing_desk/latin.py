"""Names in plain A-Z for the claim forms (the CMS-1500 and the 837P take nothing else).

``fold`` drops accents (José is Jose) and spells the Latin letters that have no accent to drop
(Łukasiewicz is Lukasiewicz, Ørsted Orsted, Đặng Dang, Straße Strasse); letters of other scripts
are kept, for ``foreign_letters`` to find: a claim cannot carry حسن or כהן, so the clerk types the
name as the insurance card spells it rather than the form printing a blank.
"""

from __future__ import annotations

import unicodedata

_SPELLED = str.maketrans({
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ø": "O", "ø": "o", "Æ": "AE",
    "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "ẞ": "SS", "Þ": "TH", "þ": "th", "ı": "i",
    "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t", "Ŋ": "N", "ŋ": "n", "ĸ": "k", "ſ": "s",
})


def fold(text: str) -> str:
    """Latin letters as A-Z (accents dropped, the others spelled); other characters kept."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_SPELLED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def foreign_letters(text: str) -> str:
    """The letters of ``text`` that are not A-Z once folded (each once, in order): '' when the
    text can go on a claim as it is."""
    return "".join(dict.fromkeys(c for c in fold(text) if c.isalpha() and not c.isascii()))


__all__ = ["fold", "foreign_letters"]
