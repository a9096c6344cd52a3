"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

No test may depend on the internet: every request to another address than the
live server is blocked, and a test that tried one fails, as does a test whose
pages break the content security policy.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def site(live_server, settings, reference_data):
    """The live server with the page tree, reference data and roles in place."""
    settings.MANABI_BASE_URL = live_server.url
    return live_server


@pytest.fixture
def context(context, live_server):
    attempted_elsewhere = []

    def only_the_live_server(route):
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            attempted_elsewhere.append(url)
            route.abort()

    policy_violations = []

    def note_policy_violation(message):
        # Chromium reports some violations (eval inside a jQuery callback) as warnings.
        if "Content Security Policy" in message.text:
            policy_violations.append(message.text)

    context.route("**/*", only_the_live_server)
    context.on("console", note_policy_violation)
    context.set_default_timeout(15_000)
    yield context
    assert attempted_elsewhere == [], f"requests left the test server: {attempted_elsewhere}"
    assert policy_violations == [], f"content security policy violations: {policy_violations}"


@pytest.fixture
def screenshots_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
