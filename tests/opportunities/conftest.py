import pytest
from django.utils import translation


@pytest.fixture
def in_english():
    """Refusals and messages asserted in English (the site's default language is Japanese)."""
    with translation.override("en"):
        yield
