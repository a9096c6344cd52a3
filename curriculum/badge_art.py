"""Badge pictures drawn with Pillow from a badge's SDG colours and life stage.

Every badge without an uploaded image gets one of these, so every demo badge has a
real picture: a ring split into the colours of its SDGs, a disc in the life
stage's colour, the goal numbers and a short label. Deterministic: the same badge
draws the same bytes.
"""

import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from curriculum.models import text_colour_on

SIZE = 512
SUPERSAMPLE = 2
NEUTRAL = "#0b5d52"  # the platform's primary colour, for badges without SDGs
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


@lru_cache(maxsize=8)
def _font(size):
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            try:
                return ImageFont.truetype(candidate, size=size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def _fits(draw, text, size, width):
    while size > 12:
        font = _font(size)
        left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= width:
            return font
        size -= 2
    return _font(size)


def draw_badge_png(*, label, sdg_colours, sdg_numbers=(), stage_colour=None, stage_label=""):
    """The PNG bytes of a round badge picture (512 × 512, transparent corners)."""
    scale = SUPERSAMPLE
    size = SIZE * scale
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = 8 * scale
    ring = 56 * scale
    box = (margin, margin, size - margin, size - margin)

    colours = list(sdg_colours) or [NEUTRAL]
    sweep = 360 / len(colours)
    for index, colour in enumerate(colours):
        start = -90 + index * sweep
        draw.pieslice(box, start, start + sweep, fill=colour)
    inner = (margin + ring, margin + ring, size - margin - ring, size - margin - ring)
    centre_colour = stage_colour or "#ffffff"
    draw.ellipse(inner, fill="#ffffff")
    gap = 10 * scale
    draw.ellipse(
        (inner[0] + gap, inner[1] + gap, inner[2] - gap, inner[3] - gap), fill=centre_colour
    )
    text_colour = text_colour_on(centre_colour)

    centre = size / 2
    if sdg_numbers:
        numbers = " · ".join(str(number) for number in sdg_numbers)
        font = _fits(draw, numbers, 64 * scale, 300 * scale)
        draw.text((centre, centre - 70 * scale), numbers, font=font, fill=text_colour, anchor="mm")
    label_font = _fits(draw, label, 56 * scale, 300 * scale)
    draw.text((centre, centre + 10 * scale), label, font=label_font, fill=text_colour, anchor="mm")
    if stage_label:
        stage_font = _fits(draw, stage_label, 36 * scale, 260 * scale)
        draw.text(
            (centre, centre + 80 * scale),
            stage_label,
            font=stage_font,
            fill=text_colour,
            anchor="mm",
        )
    # Small marks on the ring: one tick per goal boundary, for a finished look.
    for index in range(len(colours)):
        angle = math.radians(-90 + index * sweep)
        outer_r, inner_r = size / 2 - margin, size / 2 - margin - ring
        draw.line(
            (
                centre + outer_r * math.cos(angle),
                centre + outer_r * math.sin(angle),
                centre + inner_r * math.cos(angle),
                centre + inner_r * math.sin(angle),
            ),
            fill="#ffffff",
            width=3 * scale,
        )

    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
