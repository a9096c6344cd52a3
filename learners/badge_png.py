"""Reading the Open Badge baked into a PNG someone presents, with bounded work.

Anyone may upload a picture to the verify page, so every step has a limit: the file
size (checked by the page), the number of chunks, and the inflated size of a compressed
badge chunk (100 KB of zlib data can inflate to gigabytes). Inflation streams with a
``max_length``, so no more than the limit is ever allocated.
"""

import json
import struct
import zlib

from django.utils.translation import gettext as _

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BAKED_KEYWORD = b"openbadges"
MAX_PNG_CHUNKS = 10_000
# An assertion is 1-2 KB of JSON; a generous limit still bounds what one upload costs.
MAX_BADGE_TEXT_BYTES = 256 * 1024


class NotABakedBadge(ValueError):
    """What someone presented is not a PNG carrying an Open Badge; str() says why."""


def png_chunks(data, kinds=None):
    """[(type, payload)] of a PNG, checking the signature, lengths and CRCs.

    With ``kinds``, only chunks of those types are returned (all are still checked),
    so the picture's pixel data is never copied.
    """
    if not data.startswith(PNG_SIGNATURE):
        raise NotABakedBadge(_("This file is not a PNG image."))
    view = memoryview(data)
    chunks, count, position = [], 0, len(PNG_SIGNATURE)
    while position < len(data):
        if position + 8 > len(data) or count >= MAX_PNG_CHUNKS:
            raise NotABakedBadge(_("This PNG file is damaged."))
        (length,) = struct.unpack(">I", view[position : position + 4])
        kind = bytes(view[position + 4 : position + 8])
        end = position + 8 + length
        if end + 4 > len(data):
            raise NotABakedBadge(_("This PNG file is damaged."))
        payload = view[position + 8 : end]
        (crc,) = struct.unpack(">I", view[end : end + 4])
        if zlib.crc32(payload, zlib.crc32(kind)) & 0xFFFFFFFF != crc:
            raise NotABakedBadge(_("This PNG file is damaged."))
        count += 1
        if kinds is None or kind in kinds:
            chunks.append((kind, bytes(payload)))
        position = end + 4
        if kind == b"IEND":
            break
    return chunks


def _too_large():
    return NotABakedBadge(_("The badge data in this image is too large."))


def _inflate(data):
    """The zlib stream ``data`` inflated, refused past MAX_BADGE_TEXT_BYTES."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, MAX_BADGE_TEXT_BYTES + 1)
    except zlib.error as error:
        raise NotABakedBadge(_("This PNG file is damaged.")) from error
    if len(text) > MAX_BADGE_TEXT_BYTES:
        raise _too_large()
    if not inflater.eof:  # a truncated stream
        raise NotABakedBadge(_("This PNG file is damaged."))
    return text


def read_itxt(payload):
    """(keyword, text) of an iTXt chunk's payload."""
    keyword, _separator, rest = payload.partition(b"\x00")
    if len(rest) < 2:
        raise NotABakedBadge(_("This PNG file is damaged."))
    compressed, _method, rest = rest[0], rest[1], rest[2:]
    _language, _separator, rest = rest.partition(b"\x00")
    _translated, _separator, text = rest.partition(b"\x00")
    if compressed:
        text = _inflate(text)
    elif len(text) > MAX_BADGE_TEXT_BYTES:
        raise _too_large()
    try:
        return keyword, text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotABakedBadge(_("The badge data in this image is not readable.")) from error


def baked_assertion(png_data):
    """What a baked PNG carries: the assertion as a dict, or its URL as a string."""
    found = [
        payload
        for kind, payload in png_chunks(png_data, kinds={b"iTXt"})
        if payload.startswith(BAKED_KEYWORD + b"\x00")
    ]
    if not found:
        raise NotABakedBadge(_("This image carries no Open Badge."))
    if len(found) > 1:  # refused before inflating any of them
        raise NotABakedBadge(_("This image carries more than one badge, which is not allowed."))
    text = read_itxt(found[0])[1].strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:  # RecursionError: deep nesting
            raise NotABakedBadge(_("The badge data in this image is not readable.")) from error
        if not isinstance(data, dict):
            raise NotABakedBadge(_("The badge data in this image is not readable."))
        return data
    return text
