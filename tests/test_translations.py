"""The Japanese and English catalogues are complete; the others exist for translators."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def untranslated(code):
    with open(LOCALE_DIR / code / "LC_MESSAGES" / "django.po", "rb") as catalogue_file:
        catalogue = read_po(catalogue_file, locale=code)
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            missing.append(message.id)
    return missing


@pytest.mark.parametrize("code", ["ja", "en"])
def test_catalogue_is_complete(code):
    assert untranslated(code) == []


@pytest.mark.parametrize("code", ["pt_BR", "vi", "zh_Hans", "fil"])
def test_catalogue_exists_for_every_interface_language(code):
    assert (LOCALE_DIR / code / "LC_MESSAGES" / "django.po").is_file()
