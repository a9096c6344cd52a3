"""Cover pictures for the demo courses, drawn with Pillow (no downloaded images).

Each motif is a simple, recognisable scene in flat shapes; the palette comes
from the course's SDG colours and its life stage, so every picture differs.
"""

import io
import math
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 960, 540


def _hex(colour):
    return tuple(int(colour[index : index + 2], 16) for index in (1, 3, 5))


def _mix(first, second, amount):
    return tuple(round(a + (b - a) * amount) for a, b in zip(first, second, strict=True))


def _sky(draw, top, bottom, horizon):
    for y in range(horizon):
        draw.line([(0, y), (WIDTH, y)], fill=_mix(top, bottom, y / max(horizon, 1)))


def _hills(draw, colour, base, rng):
    points = [(0, HEIGHT)]
    for x in range(0, WIDTH + 60, 60):
        points.append((x, base - 40 * math.sin(x / 140 + rng.random()) - rng.randint(0, 30)))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=colour)


def _sun(draw, colour, x, y, radius=50):
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)


def _lake(draw, rng, accents):
    _sky(draw, (170, 214, 240), (235, 245, 250), 300)
    _hills(draw, (92, 140, 100), 300, rng)
    draw.rectangle([0, 330, WIDTH, HEIGHT], fill=(46, 134, 193))
    for _ in range(18):
        x, y = rng.randint(0, WIDTH), rng.randint(350, HEIGHT - 20)
        draw.line([(x, y), (x + rng.randint(30, 90), y)], fill=(200, 230, 250), width=3)
    for x in range(40, 220, 14):
        draw.line([(x, HEIGHT), (x + rng.randint(-10, 10), 380)], fill=(60, 110, 50), width=4)
    draw.ellipse([600, 380, 700, 420], fill=accents[0])


def _flowers(draw, rng, accents):
    _sky(draw, (200, 230, 250), (250, 250, 240), 260)
    draw.rectangle([0, 260, WIDTH, HEIGHT], fill=(120, 180, 90))
    for _ in range(70):
        x, y = rng.randint(0, WIDTH), rng.randint(280, HEIGHT)
        colour, radius = rng.choice(accents), rng.randint(10, 22)
        draw.line([(x, y), (x, y + 40)], fill=(60, 120, 50), width=3)
        for angle in range(0, 360, 72):
            dx, dy = radius * math.cos(math.radians(angle)), radius * math.sin(math.radians(angle))
            draw.ellipse([x + dx - 9, y + dy - 9, x + dx + 9, y + dy + 9], fill=colour)
        draw.ellipse([x - 6, y - 6, x + 6, y + 6], fill=(250, 210, 60))


def _pine_coast(draw, _rng, _accents):
    _sky(draw, (150, 200, 235), (240, 240, 230), 280)
    draw.rectangle([0, 280, WIDTH, 380], fill=(30, 110, 170))
    draw.rectangle([0, 380, WIDTH, HEIGHT], fill=(236, 222, 180))
    for x in range(60, WIDTH, 150):
        draw.rectangle([x - 8, 300, x + 8, 450], fill=(110, 80, 50))
        for level in range(3):
            top = 240 + level * 45
            draw.ellipse(
                [x - 70 + level * 10, top, x + 70 - level * 10, top + 50], fill=(40, 100, 60)
            )


def _recycling(draw, _rng, accents):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(245, 245, 238))
    for index, colour in enumerate(accents[:3] + [(90, 90, 90)]):
        x = 120 + index * 200
        draw.rounded_rectangle([x, 220, x + 150, 470], radius=18, fill=colour)
        draw.rectangle([x - 10, 200, x + 160, 230], fill=_mix(colour, (0, 0, 0), 0.3))
    centre, radius = (WIDTH // 2, 110), 70
    for angle in (0, 120, 240):
        start = math.radians(angle)
        end = math.radians(angle + 90)
        draw.arc(
            [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius],
            math.degrees(start),
            math.degrees(end),
            fill=(30, 130, 70),
            width=16,
        )


def _disaster(draw, _rng, _accents):
    _sky(draw, (230, 235, 240), (250, 250, 250), HEIGHT)
    draw.rectangle([0, 430, WIDTH, HEIGHT], fill=(150, 150, 150))
    for x in range(80, WIDTH - 80, 180):
        draw.rectangle([x, 250, x + 120, 430], fill=(230, 220, 200))
        draw.polygon([(x - 15, 250), (x + 60, 190), (x + 135, 250)], fill=(160, 60, 50))
    draw.rounded_rectangle([360, 60, 600, 160], radius=20, fill=(0, 120, 80))
    draw.rectangle([410, 95, 550, 125], fill=(255, 255, 255))


def _health(draw, _rng, accents):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(252, 243, 230))
    for index in range(4):
        x = 170 + index * 200
        colour = accents[index % len(accents)]
        draw.ellipse([x - 35, 160, x + 35, 230], fill=(240, 200, 170))
        draw.rounded_rectangle([x - 50, 240, x + 50, 400], radius=30, fill=colour)
        draw.line([(x - 50, 270), (x - 110, 200)], fill=colour, width=18)
        draw.line([(x + 50, 270), (x + 110, 200)], fill=colour, width=18)
    draw.rectangle([0, 430, WIDTH, HEIGHT], fill=(200, 170, 120))


def _science(draw, rng, accents):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(25, 35, 70))
    for _ in range(120):
        x, y = rng.randint(0, WIDTH), rng.randint(0, HEIGHT)
        draw.point((x, y), fill=(255, 255, 255))
    _sun(draw, accents[0], 480, 270, 70)
    for radius, colour in ((150, accents[-1]), (220, accents[0]), (290, (200, 200, 255))):
        draw.ellipse(
            [480 - radius, 270 - radius * 0.45, 480 + radius, 270 + radius * 0.45],
            outline=colour,
            width=4,
        )


def _kabuki(draw, _rng, _accents):
    stripes = [(20, 20, 20), (40, 110, 70), (180, 90, 40)]
    stripe_width = WIDTH // 12
    for index in range(12):
        draw.rectangle(
            [index * stripe_width, 0, (index + 1) * stripe_width, HEIGHT], fill=stripes[index % 3]
        )
    draw.ellipse([360, 120, 600, 400], fill=(250, 248, 240))
    draw.line([(400, 220), (460, 250)], fill=(180, 20, 30), width=10)
    draw.line([(560, 220), (500, 250)], fill=(180, 20, 30), width=10)
    draw.arc([420, 290, 540, 360], 200, 340, fill=(180, 20, 30), width=8)


def _factory(draw, _rng, _accents):
    _sky(draw, (200, 220, 235), (240, 240, 240), 400)
    draw.rectangle([0, 400, WIDTH, HEIGHT], fill=(110, 110, 115))
    draw.polygon(
        [
            (100, 400),
            (100, 250),
            (220, 300),
            (220, 250),
            (340, 300),
            (340, 250),
            (460, 300),
            (460, 400),
        ],
        fill=(240, 190, 40),
    )
    draw.rectangle([520, 180, 560, 400], fill=(150, 150, 160))
    draw.rounded_rectangle([620, 300, 860, 390], radius=16, fill=(240, 190, 40))
    draw.line([(700, 300), (760, 200), (840, 230)], fill=(60, 60, 60), width=14)
    draw.ellipse([640, 370, 700, 430], fill=(40, 40, 40))
    draw.ellipse([780, 370, 840, 430], fill=(40, 40, 40))


def _satoyama(draw, rng, _accents):
    _sky(draw, (180, 215, 235), (245, 240, 225), 250)
    _hills(draw, (70, 120, 70), 250, rng)
    _hills(draw, (110, 160, 80), 340, rng)
    draw.rectangle([0, 440, WIDTH, HEIGHT], fill=(170, 190, 100))
    draw.polygon([(600, 440), (650, 380), (700, 440)], fill=(120, 80, 40))


def _vegetables(draw, _rng, _accents):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(250, 245, 230))
    for index in range(5):
        x = 130 + index * 175
        draw.ellipse([x - 55, 200, x + 55, 310], fill=(220, 50, 40))
        draw.polygon([(x - 20, 205), (x, 175), (x + 20, 205)], fill=(60, 140, 50))
    for index in range(5):
        x = 120 + index * 180
        draw.polygon([(x - 25, 360), (x + 25, 360), (x, 500)], fill=(240, 130, 30))
        draw.line([(x, 360), (x - 15, 320)], fill=(60, 140, 50), width=6)
        draw.line([(x, 360), (x + 15, 320)], fill=(60, 140, 50), width=6)


def _community(draw, _rng, accents):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(240, 246, 244))
    for index in range(7):
        x = 90 + index * 130
        colour = accents[index % len(accents)]
        draw.ellipse([x - 30, 200, x + 30, 260], fill=(230, 190, 160))
        draw.rounded_rectangle([x - 45, 270, x + 45, 420], radius=25, fill=colour)
    draw.line([(50, 300), (WIDTH - 50, 300)], fill=(250, 210, 60), width=8)


# Every motif is called as motif(draw, rng, accents); a _ marks what one does not use.
MOTIFS = {
    "lake": _lake,
    "flowers": _flowers,
    "pine-coast": _pine_coast,
    "recycling": _recycling,
    "disaster": _disaster,
    "health": _health,
    "science": _science,
    "kabuki": _kabuki,
    "factory": _factory,
    "satoyama": _satoyama,
    "vegetables": _vegetables,
    "community": _community,
}


def draw_cover(motif, colours, seed):
    """PNG bytes of a 960×540 cover for ``motif``, accented with ``colours`` (#RRGGBB).

    The band along the bottom shows the course's SDG colours.
    """
    rng = random.Random(seed)  # noqa: S311 - pictures, not security
    accents = [_hex(colour) for colour in colours] or [(11, 93, 82)]
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    MOTIFS[motif](draw, rng, accents)
    band = WIDTH // len(accents)
    for index, colour in enumerate(accents):
        draw.rectangle([index * band, HEIGHT - 18, (index + 1) * band, HEIGHT], fill=colour)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
