"""Fixtures shared by the whole suite."""

import os
import shutil
from pathlib import Path

import pytest

from tests import network_guard

E2E_DIR = Path(__file__).parent / "e2e"
CHROMIUM = os.environ.get("MANABI_CHROMIUM", "/usr/bin/chromium")


def chromium_available():
    return Path(CHROMIUM).exists()


def pytest_configure():
    """No test reaches the network: sockets may only connect to loopback or Unix
    sockets, and any other address fails the test (see tests/network_guard.py)."""
    network_guard.install()


def pytest_unconfigure():
    network_guard.uninstall()


def pytest_collection_modifyitems(items):
    """Mark tests/e2e as browser tests; skip them loudly without Chromium
    (they are required on CI, where a missing browser fails the run)."""
    missing_browser = not chromium_available()
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if missing_browser and os.environ.get("CI") != "true":
                item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}"))


def pytest_terminal_summary(terminalreporter, config):
    selected_e2e = config.getoption("-m") in ("", None) or "not e2e" not in config.getoption("-m")
    if selected_e2e and not chromium_available() and os.environ.get("CI") != "true":
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"Chromium was not found at {CHROMIUM}. Install it with "
            "`apt-get install chromium fonts-noto-cjk` (see README) to run tests/e2e.",
            red=True,
        )


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request to an /en/ page leaves English active in the thread; later tests start
    from the default language whatever ran before them."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploads of a test go to its own temporary folder, never to media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _mail_through_the_outbox(settings):
    """Django's test set-up replaces EMAIL_BACKEND with locmem; mail in tests takes the
    production path instead (outbox row, delivery task, then locmem: mail.outbox)."""
    settings.EMAIL_BACKEND = "outbox.backends.OutboxEmailBackend"


@pytest.fixture
def reference_data(db):
    """The page tree, locales, reference data and roles, as after `migrate`.

    Idempotent, so it also restores what a transactional test's flush removed.
    """
    from curriculum.services import ensure_curriculum_reference_data
    from home.services import ensure_site_structure
    from learners.services.reference_data import ensure_learner_reference_data

    home = ensure_site_structure()
    ensure_curriculum_reference_data()
    ensure_learner_reference_data()
    return home


def pytest_report_header():
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME')}"
