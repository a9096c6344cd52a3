"""The verify page does bounded work for anonymous uploads: a compressed badge chunk is
inflated only up to a cap, and each client address may check only so many badges a minute.
"""

import io
import json
import struct
import tracemalloc
import zlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, PngImagePlugin

from learners import badge_png, badge_views
from learners.badge_png import MAX_BADGE_TEXT_BYTES, NotABakedBadge, baked_assertion

pytestmark = pytest.mark.django_db
PAGE = "/en/badges/verify/"
BOMB_BYTES = 100 * 1024 * 1024
TOO_LARGE = "The badge data in this image is too large."
TOO_MANY = "Too many badges were checked from your address"


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The throttle counts in the cache, which outlives a test (locmem here); and the
    messages are asserted in English, which later tests must not inherit."""
    language = translation.get_language()
    translation.activate("en")
    cache.clear()
    yield
    cache.clear()
    translation.activate(language)


def zlib_bomb(size=BOMB_BYTES, block=1024 * 1024):
    """``size`` zeros deflated, built a block at a time (never the whole in memory)."""
    deflater = zlib.compressobj(9)
    zeros = b"0" * block
    parts = [deflater.compress(zeros) for _ in range(size // block)]
    parts.append(deflater.flush())
    return b"".join(parts)


def chunk(kind, payload):
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def itxt(text_bytes, *, compressed):
    """An ``openbadges`` iTXt payload: keyword, flag, method, language, translation, text."""
    return b"openbadges\x00" + bytes([1 if compressed else 0, 0]) + b"\x00\x00" + text_bytes


def png_with(*payloads):
    """A small real PNG with the given iTXt payloads inserted before IEND."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#26bde2").save(buffer, format="PNG")
    data = buffer.getvalue()
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + b"".join(chunk(b"iTXt", payload) for payload in payloads) + data[iend:]


def upload(client, data, **extra):
    return client.post(
        PAGE,
        {"badge_file": SimpleUploadedFile("badge.png", data, content_type="image/png")},
        **extra,
    )


@pytest.fixture(scope="module")
def bomb_png():
    bomb = zlib_bomb()
    assert len(bomb) < 200 * 1024  # ~100 KB that inflates to 100 MiB
    return png_with(itxt(bomb, compressed=True))


def test_a_zlib_bomb_is_refused_clearly_without_being_inflated(client, bomb_png):
    tracemalloc.start()
    try:
        response = upload(client, bomb_png)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
    assert peak < 20 * 1024 * 1024, f"the verify request allocated {peak / 2**20:.1f} MiB"


def test_reading_the_bomb_allocates_no_more_than_the_cap(bomb_png):
    tracemalloc.start()
    try:
        with pytest.raises(NotABakedBadge, match="too large"):
            baked_assertion(bomb_png)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The input, its iTXt copy and at most the cap of output (plus zlib's own state).
    assert peak < len(bomb_png) * 3 + MAX_BADGE_TEXT_BYTES * 2 + 1024 * 1024


def test_inflation_always_asks_zlib_for_a_bounded_output(monkeypatch, bomb_png):
    lengths = []
    real = zlib.decompressobj

    class Watched:
        def __init__(self):
            self.inflater = real()

        def decompress(self, data, max_length=0):
            lengths.append(max_length)
            return self.inflater.decompress(data, max_length)

        def __getattr__(self, name):
            return getattr(self.inflater, name)

    monkeypatch.setattr(badge_png.zlib, "decompressobj", Watched)
    monkeypatch.setattr(badge_png.zlib, "decompress", None)  # the unbounded call is gone
    with pytest.raises(NotABakedBadge):
        baked_assertion(bomb_png)
    assert lengths and all(0 < length <= MAX_BADGE_TEXT_BYTES + 1 for length in lengths)


def test_badge_data_just_past_the_cap_is_too_large_and_at_the_cap_is_read():
    url = b"https://manabi.example.jp/badges/assertions/x"
    at_cap = url + b" " * (MAX_BADGE_TEXT_BYTES - len(url))
    assert baked_assertion(png_with(itxt(zlib.compress(at_cap), compressed=True))) == url.decode()
    assert baked_assertion(png_with(itxt(at_cap, compressed=False))) == url.decode()
    for compressed in (True, False):
        text = at_cap + b" "
        payload = itxt(zlib.compress(text) if compressed else text, compressed=compressed)
        with pytest.raises(NotABakedBadge, match="too large"):
            baked_assertion(png_with(payload))


def test_a_compressed_badge_within_the_cap_still_verifies(client):
    """PIL bakes with zip=True on request: a small compressed assertion reads back."""
    source = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    assertion = {"id": "https://badges.example.org/assertions/1"}
    info.add_itxt("openbadges", json.dumps(assertion), zip=True)
    Image.new("RGB", (8, 8)).save(source, format="PNG", pnginfo=info)
    assert baked_assertion(source.getvalue()) == assertion
    response = upload(client, source.getvalue())
    assert response.status_code == 200
    assert "not issued by this platform" in response.content.decode()


def test_truncated_and_deeply_nested_badge_data_is_refused_clearly(client):
    truncated = png_with(itxt(zlib.compress(b'{"id": "x"}' * 100)[:-8], compressed=True))
    response = upload(client, truncated)
    assert response.status_code == 400
    assert "This PNG file is damaged." in response.content.decode()
    nested = png_with(itxt(b'{"a": ' + b"[" * 100_000, compressed=False))
    response = upload(client, nested)
    assert response.status_code == 400
    assert "The badge data in this image is not readable." in response.content.decode()


def test_a_second_badge_chunk_is_refused_before_anything_is_inflated(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("inflated a chunk of a picture carrying two badges")

    monkeypatch.setattr(badge_png.zlib, "decompressobj", refuse)
    bomb = zlib_bomb(size=8 * 1024 * 1024)
    two = png_with(itxt(bomb, compressed=True), itxt(bomb, compressed=True))
    with pytest.raises(NotABakedBadge, match="more than one badge"):
        baked_assertion(two)


def test_too_many_chunks_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    data = buffer.getvalue()
    iend = data.rindex(b"IEND") - 4
    padded = data[:iend] + chunk(b"teXt", b"") * badge_png.MAX_PNG_CHUNKS + data[iend:]
    with pytest.raises(NotABakedBadge, match="damaged"):
        baked_assertion(padded)


# The throttle ----------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """A stopped clock at the start of a window, so no window ends during a test."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(badge_views, "_clock", lambda: now[0])
    return now


def check(client, address):
    return client.post(
        PAGE, {"assertion_url": "https://badges.example.org/assertions/1"}, REMOTE_ADDR=address
    )


def test_one_address_is_throttled_and_another_is_not(client, clock):
    for _ in range(badge_views.VERIFY_LIMIT):
        assert check(client, "203.0.113.5").status_code == 200
    # Viewing the page is not a check and is never throttled.
    assert client.get(PAGE, REMOTE_ADDR="203.0.113.5").status_code == 200

    refused = check(client, "203.0.113.5")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= badge_views.VERIFY_WINDOW_SECONDS
    # A refused upload is not even read.
    assert upload(client, b"not a png", REMOTE_ADDR="203.0.113.5").status_code == 429

    assert check(client, "203.0.113.6").status_code == 200

    clock[0] += badge_views.VERIFY_WINDOW_SECONDS
    assert check(client, "203.0.113.5").status_code == 200
