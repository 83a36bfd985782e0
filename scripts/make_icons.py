"""Draw the app's home-screen icons into static/icons/ (run by hand when they change).

A white check mark over "ISO" on the theme blue. The maskable icon keeps everything within
the central safe zone (80 %), as launchers may cut it to a circle.

    python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "icons"
FONT = ROOT / "static" / "fonts" / "DejaVuSans-Bold.ttf"
BLUE = (13, 110, 253)
WHITE = (255, 255, 255)


def draw(size, *, safe=1.0, rounded=True):
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0) if rounded else BLUE)
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=BLUE)
    inner = size * safe
    left = (size - inner) / 2
    width = max(2, round(inner * 0.09))
    check = [
        (left + inner * 0.22, left + inner * 0.36),
        (left + inner * 0.40, left + inner * 0.52),
        (left + inner * 0.76, left + inner * 0.16),
    ]
    pen.line(check, fill=WHITE, width=width, joint="curve")
    font = ImageFont.truetype(str(FONT), round(inner * 0.30))
    pen.text((size / 2, left + inner * 0.75), "ISO", font=font, fill=WHITE, anchor="mm")
    return image


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, safe=0.8, rounded=False).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
