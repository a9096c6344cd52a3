"""No page turns the ids inside a learner's statements into links.

Activity and verb ids are whatever a client sent (an IRI the xAPI endpoint accepted): a
page that showed one as ``<a href>`` would let any learner or xAPI app plant a link in
the learner's own pages, the coordinator's report or the admin. Ids may be shown as text;
this walks every page that reads statements and checks that none puts them in an href
(or any other URL attribute).
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from learners import roles
from learners.services.progress import enrol_learner
from learners.services.statements import record_statements
from tests.factories import make_course, make_learner
from tests.learning import answer, h5p, lessons_of, make_quiz_package, reach_end

pytestmark = pytest.mark.django_db

ODD_HOST = "odd-activities.example"
ODD_ACTIVITY = f"https://{ODD_HOST}/activities/kibagata?from=manabi&x=%22quoted%22#part"
ODD_VERB = f"https://{ODD_HOST}/verbs/poked"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}


class _UrlAttributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.append((tag, name, value))


def urls_in(html):
    parser = _UrlAttributes()
    parser.feed(html)
    return parser.urls


@pytest.fixture
def course(reference_data):
    return make_course(
        title="木場潟の生きもの", lessons=[("水を調べる", [h5p(make_quiz_package())])]
    )


@pytest.fixture
def learner(course):
    (lesson,) = lessons_of(course)
    user = make_learner("oddlinks")
    enrol_learner(user, course.translation_key)
    answer(user, lesson, 0.9)
    reach_end(user, lesson)
    record_statements(
        user,
        [
            {
                "actor": {"mbox": "mailto:someone@example.jp"},
                "verb": {"id": ODD_VERB, "display": {"en-US": ODD_VERB}},
                "object": {
                    "objectType": "Activity",
                    "id": ODD_ACTIVITY,
                    "definition": {
                        "name": {"und": ODD_ACTIVITY},
                        "moreInfo": f"https://{ODD_HOST}/more",
                    },
                },
                "result": {"response": ODD_ACTIVITY, "completion": True},
            }
        ],
    )
    return user


def assert_no_odd_link(response, where):
    assert response.status_code == 200, where
    content_type = response.get("Content-Type", "")
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8", "replace")
    if "html" in content_type:
        odd = [url for url in urls_in(body) if ODD_HOST in url[2]]
        assert odd == [], f"{where} renders a statement's id as a link: {odd}"
    else:  # JSON, CSV: a client renders it; never text/html that a browser would
        assert not re.search(rf"<a\b[^>]*{re.escape(ODD_HOST)}", body), where


def test_the_learners_pages_show_no_statement_id_as_a_link(client, course, learner):
    (lesson,) = lessons_of(course)
    client.force_login(learner)
    pages = {
        "dashboard": reverse("learners:dashboard"),
        "portfolio": reverse("learners:portfolio"),
        "portfolio badges": reverse("learners:portfolio_assertions"),
        "course": course.url,
        "lesson": lesson.url,
    }
    for where, url in pages.items():
        assert_no_odd_link(client.get(url), where)
    # The endpoint itself answers JSON with the ids as sent (that is its job), never HTML.
    listing = client.get("/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert listing["Content-Type"].startswith("application/json")
    assert ODD_ACTIVITY in listing.content.decode()
    assert_no_odd_link(listing, "statements endpoint")


def test_the_admin_pages_that_read_statements_show_no_id_as_a_link(client, course, learner):
    coordinator = make_learner("coordinator", role=roles.COORDINATOR)
    client.force_login(coordinator)
    pages = {
        "course report index": reverse("learners_course_report_index"),
        "course report": reverse("learners_course_report", args=[course.pk]),
        "course report CSV": reverse("learners_course_report_csv", args=[course.pk]),
        "admin home": reverse("wagtailadmin_home"),
    }
    for where, url in pages.items():
        assert_no_odd_link(client.get(url), where)
