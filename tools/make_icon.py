#!/usr/bin/env python3
"""Draw the program's icon: resources/icons/billing-desk.png (256 px) and .ico (16-256 px).

A blue tile with a white invoice on it (a folded corner, a header bar, ruled lines) and a green
"paid" tick. Drawn with Pillow at 1024 px and scaled down, so every size is smooth. Shapes only,
no fonts, so it draws the same on any machine. The output is committed; run this again only to
change the design:

    .venv/bin/python tools/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
BIG = 1024
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]

BLUE, BLUE_DARK = (33, 102, 172, 255), (22, 74, 128, 255)
WHITE, FOLD = (255, 255, 255, 255), (205, 218, 232, 255)
INK, RULE = (33, 102, 172, 255), (150, 165, 182, 255)
GREEN, GREEN_DARK = (46, 160, 67, 255), (30, 120, 48, 255)


def s(*values: float) -> list[int]:
    """Coordinates on a 0-100 grid, scaled to the drawing."""
    return [round(v * BIG / 100) for v in values]


def draw() -> Image.Image:
    image = Image.new("RGBA", (BIG, BIG), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle(s(2, 2, 98, 98), radius=s(18)[0], fill=BLUE, outline=BLUE_DARK,
                          width=s(1.5)[0])
    # the invoice: a sheet with its top-right corner folded over
    pen.polygon([tuple(s(22, 12)), tuple(s(64, 12)), tuple(s(78, 26)), tuple(s(78, 88)),
                 tuple(s(22, 88))], fill=WHITE)
    pen.polygon([tuple(s(64, 12)), tuple(s(64, 26)), tuple(s(78, 26))], fill=FOLD)
    pen.rectangle(s(30, 22, 56, 30), fill=INK)
    for y in (40, 50, 60):
        pen.rectangle(s(30, y, 70, y + 3.5), fill=RULE)
    pen.rectangle(s(30, 70, 48, 73.5), fill=RULE)
    # the "paid" tick in a green disc, bottom right
    pen.ellipse(s(56, 60, 94, 98), fill=GREEN, outline=GREEN_DARK, width=s(1.5)[0])
    pen.line([tuple(s(64, 79)), tuple(s(72, 87)), tuple(s(86, 70))], fill=WHITE,
             width=s(6)[0], joint="curve")
    return image


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.LANCZOS).save(OUT / "billing-desk.png", optimize=True)
    big.resize((256, 256), Image.LANCZOS).save(OUT / "billing-desk.ico", sizes=ICO_SIZES)
    for name in ("billing-desk.png", "billing-desk.ico"):
        print(f"wrote {OUT / name} ({(OUT / name).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
