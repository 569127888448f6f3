"""The one typeface of every PDF and printout: DejaVu Sans, shipped in ``resources/fonts``.

reportlab's built-in Helvetica knows Latin-1 only, so "Łukasiewicz-Nguyễn" printed as black
boxes. DejaVu Sans (free licence, ``resources/fonts/LICENSE.txt``) covers Latin, Greek, Cyrillic
and Vietnamese; its four faces are registered with reportlab once, on first import of this module,
as one family (so ``<b>`` and ``<i>`` in paragraphs pick the bold and oblique faces), and
reportlab embeds the glyphs used in each PDF. Renderers take their names from here::

    from .fonts import BOLD, FONT, ITALIC
"""

from __future__ import annotations

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.tables import CellStyle

from billing_desk.errors import BillingError
from billing_desk.paths import resource

FAMILY = "DejaVuSans"
FONT, BOLD, ITALIC, BOLD_ITALIC = FAMILY, f"{FAMILY}-Bold", f"{FAMILY}-Oblique", f"{FAMILY}-BoldOblique"
FACES = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf",
         BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf"}


def register() -> None:
    """Register the four faces and the family with reportlab (a second call does nothing)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in FACES.items():
        path = resource("fonts", filename)
        if not path.is_file():
            raise BillingError(f"the program's font is missing ({path}); reinstall Billing Desk")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FAMILY, normal=FONT, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD_ITALIC)
    # reportlab's own defaults (a canvas's first font, a table cell without a FONT command)
    # are Helvetica, which would put a second, unembedded Latin-1 font into every file.
    rl_config.canvas_basefontname = FONT
    CellStyle.fontname = FONT


register()

__all__ = ["BOLD", "BOLD_ITALIC", "FAMILY", "FONT", "ITALIC", "register"]
