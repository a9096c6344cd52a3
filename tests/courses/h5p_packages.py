"""Builders of H5P packages for the tests: real fixtures, rewritten or broken on purpose."""

import configparser
import io
import json
import os
import struct
import zipfile
from pathlib import Path

from django.conf import settings

REPO_DIR = Path(__file__).resolve().parents[2]


def shared_folder():
    """The workplace's ``shared/`` folder (tests may read it; the demo never does): named
    by MANABI_SHARED_DIR, else beside this checkout, else beside the checkout this one was
    cloned from (``git clone . "$(mktemp -d)"`` puts a clone where no ``../shared`` is)."""
    if named := os.environ.get("MANABI_SHARED_DIR"):
        return Path(named)
    beside = REPO_DIR.parent / "shared"
    if beside.is_dir():
        return beside
    git_config = configparser.ConfigParser(strict=False, interpolation=None)
    git_config.read(REPO_DIR / ".git" / "config")
    origin = git_config.get('remote "origin"', "url", fallback="")
    if origin and Path(origin).is_dir():
        return Path(origin).resolve().parent / "shared"
    return beside


FIXTURES = shared_folder() / "fixtures" / "h5p"
FIXTURE_FILES = sorted(FIXTURES.glob("*.h5p"))

TINY_LIBRARY = {
    "title": "Tiny",
    "machineName": "H5P.Tiny",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 3,
    "runnable": 1,
    "preloadedJs": [{"path": "tiny.js"}],
    "preloadedCss": [{"path": "tiny.css"}],
}
TINY_H5P_JSON = {
    "title": "Tiny quiz",
    "language": "ja",
    "mainLibrary": "H5P.Tiny",
    "embedTypes": ["div"],
    "license": "U",
    "preloadedDependencies": [
        {"machineName": "H5P.Tiny", "majorVersion": "1", "minorVersion": "0"}
    ],
}


def tiny_members():
    """A minimal valid package, as {member name: bytes}."""
    return {
        "h5p.json": json.dumps(TINY_H5P_JSON).encode(),
        "content/content.json": json.dumps(
            {"question": "木場潟はどこ？", "video": "https://h5p.org/video.mp4"}
        ).encode(),
        "content/images/lake.png": b"\x89PNG\r\n\x1a\n",
        "H5P.Tiny-1.0/library.json": json.dumps(TINY_LIBRARY).encode(),
        "H5P.Tiny-1.0/tiny.js": b"H5P.Tiny = function () {};",
        "H5P.Tiny-1.0/tiny.css": b".h5p-tiny {}",
    }


def build_zip(members):
    """A ZIP from {name or ZipInfo: bytes} (dicts are ordered; ZipInfo keeps odd names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tiny_package(**changes):
    """The minimal package with members changed (bytes) or removed (None)."""
    members = tiny_members()
    for name, data in changes.items():
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    return build_zip(members)


def rewrite_fixture(name, change):
    """A fixture package rebuilt with ``change(members)`` applied to its {name: bytes}."""
    with zipfile.ZipFile(FIXTURES / name) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    change(members)
    return build_zip(members)


def rename_member(data, old, new):
    """Rename a member in the raw bytes (same length), e.g. to put a NUL in a name."""
    assert len(old) == len(new)
    return data.replace(old.encode(), new.encode())


def understate_size(data, member, declared_size):
    """Make the central directory claim ``member`` inflates to ``declared_size`` bytes."""
    data = bytearray(data)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        name = bytes(data[position + 46 : position + 46 + name_length]).decode()
        if name == member:
            struct.pack_into("<I", data, position + 24, declared_size)
            return bytes(data)
        position += 46
    raise AssertionError(f"{member} not in the archive")


def stored_files():
    media = Path(settings.MEDIA_ROOT)
    return sorted(path for path in media.rglob("*") if path.is_file()) if media.exists() else []
