"""A payer's member id pattern (a regular expression on the Payers screen) said in the clerk's
words, with an example: ``^[A-Z]{3}\\d{9}$`` is "3 letters then 9 digits, like ABC123456789".

Only the plain patterns payers publish are put in words (letters, digits, fixed characters,
counts); anything more involved is shown as the payer set it.
"""

from __future__ import annotations

import re

_CLASSES = {
    r"\d": ("digit", "digits", "1234567890"), "[0-9]": ("digit", "digits", "1234567890"),
    "[A-Z]": ("letter", "letters", "ABCDEFGHIJ"), "[A-Za-z]": ("letter", "letters", "ABCDEFGHIJ"),
    "[a-zA-Z]": ("letter", "letters", "ABCDEFGHIJ"),
    "[A-Z0-9]": ("letter or digit", "letters or digits", "A1B2C3D4E5F6G7H8"),
    "[0-9A-Z]": ("letter or digit", "letters or digits", "A1B2C3D4E5F6G7H8"),
}
_TOKEN = re.compile(r"\\d|\[[^\]]*\]|\\.|.")
_COUNT = re.compile(r"\{(\d+)(?:,(\d+))?\}|[+?*]")


class _TooInvolved(ValueError):
    pass


def describe(pattern: str) -> str:
    """The pattern in words with an example; one too involved for words, as it is."""
    try:
        parts, example = _parts(pattern.strip().removeprefix("^").removesuffix("$"))
    except _TooInvolved:
        return f"the payer's pattern {pattern}"
    return f"{' then '.join(parts)}, like {example}"


def _parts(body: str) -> tuple[list[str], str]:
    parts: list[str] = []
    example = ""
    position = 0
    while position < len(body):
        token = _TOKEN.match(body, position)
        assert token is not None  # the pattern matches any one character
        text, position = token.group(), token.end()
        least, most, position = _count(body, position)
        if text in _CLASSES:
            one, many, letters = _CLASSES[text]
            parts.append(_said(least, most, one, many))
            example += _repeat(letters, max(least, 1))
        elif len(text) == 1 and text not in "()[]{}|.+*?^$\\" or text in (r"\-", r"\.", r"\/"):
            char = text[-1]
            parts.append(f"'{char * least}'" if most == least else f"{_said(least, most, '', '')} '{char}'")
            example += char * max(least, 1)
        else:
            raise _TooInvolved(text)
    if not parts:
        raise _TooInvolved(body)
    return parts, example


def _count(body: str, position: int) -> tuple[int, int | None, int]:
    """(least, most or None for no limit, where the pattern goes on) of what follows a token."""
    found = _COUNT.match(body, position)
    if found is None:
        return 1, 1, position
    text = found.group()
    if text == "+":
        return 1, None, found.end()
    if text in "?*":
        raise _TooInvolved(text)  # an optional part: said as it is
    least = int(found.group(1))
    most = least if found.group(2) is None else int(found.group(2))
    return least, most, found.end()


def _said(least: int, most: int | None, one: str, many: str) -> str:
    if most is None:
        return many
    if least == most:
        return f"{least} {one if least == 1 else many}".strip()
    return f"{least} to {most} {many}".strip()


def _repeat(letters: str, count: int) -> str:
    return (letters * (count // len(letters) + 1))[:count]


__all__ = ["describe"]
