"""/me/xapi-apps/: a learner connects an external xAPI app (HTTP Basic), sees the secret
once, and disconnects the app."""

import html
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from learners.models import LearningStatement, XAPICredential
from learners.permissions import NotPermitted
from learners.services.credentials import create_xapi_credential, revoke_xapi_credential
from tests.factories import make_learner
from tests.learners.test_xapi_statements import basic, send, statement

pytestmark = pytest.mark.django_db
BASE = "https://manabi.example.jp"
PAGE = "/me/xapi-apps/"


@pytest.fixture
def person(reference_data):
    return make_learner("hana")


@pytest.fixture
def browser(person):
    """A signed-in browser that sends the CSRF token like the page's forms do."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    client.get(PAGE)
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return client


def connect(browser, label="Tablet app"):
    response = browser.post(PAGE, {"label": label})
    assert response.status_code == 200
    page = response.content.decode()
    key = re.search(r'<code id="xapi-key">([^<]+)</code>', page)[1]
    secret = html.unescape(re.search(r'<code id="xapi-secret">([^<]+)</code>', page)[1])
    return page, key, secret


def test_a_new_app_gets_a_key_whose_secret_sends_statements(browser, person):
    page, key, secret = connect(browser)
    credential = XAPICredential.objects.get(key=key)
    assert (credential.user, credential.label) == (person, "Tablet app")
    assert f"{BASE}/xapi/" in page and f"{BASE}/xapi/statements" in page
    assert "HTTP Basic" in page or "Basic" in page

    tool = Client(enforce_csrf_checks=True)
    assert send(tool, statement(), headers=basic(key, secret)).status_code == 200
    assert LearningStatement.objects.get().user == person
    assert "Never" not in browser.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_example_on_the_page_is_a_statement_the_endpoint_accepts(browser):
    page, key, secret = connect(browser)
    example = re.search(r"-d '(\{.*?\})'", html.unescape(page), flags=re.DOTALL)[1]
    assert f"curl -u {key}:{secret}" in html.unescape(page)
    tool = Client(enforce_csrf_checks=True)
    assert send(tool, json.loads(example), headers=basic(key, secret)).status_code == 200


def test_the_secret_is_shown_once_and_never_again(browser):
    _page, key, secret = connect(browser)
    for _visit in range(2):
        listing = browser.get(PAGE)
        text = listing.content.decode()
        assert key in text  # listed
        assert secret not in text
    assert "no-store" in listing["Cache-Control"] or "no-cache" in listing["Cache-Control"]
    stored = XAPICredential.objects.get(key=key)
    assert secret not in (stored.secret_hash, stored.key, stored.label)


def test_a_disconnected_app_is_refused(browser):
    _page, key, secret = connect(browser)
    response = browser.post(f"/me/xapi-apps/{key}/revoke/")
    assert response["Location"] == PAGE
    assert XAPICredential.objects.get(key=key).revoked_at is not None
    tool = Client(enforce_csrf_checks=True)
    refused = send(tool, statement(), headers=basic(key, secret))
    assert refused.status_code == 401
    assert not LearningStatement.objects.exists()
    listing = browser.get(PAGE).content.decode()
    assert f"/me/xapi-apps/{key}/revoke/" not in listing  # no second button


def test_another_learner_cannot_disconnect_it(browser):
    _page, key, secret = connect(browser)
    other = Client()
    other.force_login(make_learner("taro"))
    assert other.post(f"/me/xapi-apps/{key}/revoke/").status_code == 404
    assert key not in other.get(PAGE).content.decode()
    assert XAPICredential.objects.get(key=key).revoked_at is None
    tool = Client(enforce_csrf_checks=True)
    assert send(tool, statement(), headers=basic(key, secret)).status_code == 200


def test_bad_requests_change_nothing(browser, person):
    empty = browser.post(PAGE, {"label": "   "})
    assert empty.status_code == 400
    assert "xapi-secret" not in empty.content.decode()
    too_long = browser.post(PAGE, {"label": "x" * 101})
    assert too_long.status_code == 400
    assert not XAPICredential.objects.exists()

    credential, _secret = create_xapi_credential(person, label="Quiz app", acting_user=person)
    assert browser.get(f"/me/xapi-apps/{credential.key}/revoke/").status_code == 405
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(person)
    assert no_token.post(f"/me/xapi-apps/{credential.key}/revoke/").status_code == 403
    assert no_token.post(PAGE, {"label": "Another"}).status_code == 403
    credential.refresh_from_db()
    assert credential.revoked_at is None
    assert XAPICredential.objects.count() == 1

    anonymous = Client()
    assert anonymous.get(PAGE)["Location"].startswith("/accounts/login/")


def test_only_the_learner_or_the_platform_manages_their_keys(person):
    other = make_learner("taro")
    with pytest.raises(NotPermitted):
        create_xapi_credential(person, label="Someone else's", acting_user=other)
    credential, _secret = create_xapi_credential(person, label="Quiz app", acting_user=person)
    with pytest.raises(NotPermitted):
        revoke_xapi_credential(credential, acting_user=other)
    assert revoke_xapi_credential(credential, acting_user=person).revoked_at is not None
    first = credential.revoked_at
    assert revoke_xapi_credential(credential, acting_user=None).revoked_at == first


def test_the_dashboard_links_to_the_page_and_the_list_costs_the_same_however_many(browser, person):
    assert PAGE in browser.get("/me/").content.decode()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(PAGE).status_code == 200
        return len(captured)

    create_xapi_credential(person, label="One", acting_user=person)
    few = queries()
    for number in range(5):
        create_xapi_credential(person, label=f"App {number}", acting_user=person)
    assert queries() == few
