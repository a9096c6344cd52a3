"""Awards and completions are dated in Japan time wherever a learner sees a date:
the portfolio, its life-stage grouping, the transcript PDF and the JSON bundle."""

import datetime
import json

import pytest

from curriculum.models import BadgeDefinition
from learners import transcript
from learners.open_badges import assertion_json, check_badge
from learners.selectors import learner_portfolio
from learners.services.badges import award_badge
from learners.services.progress import complete_course
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db
BASE = "https://manabi.example.jp"
# 00:30 on 1 January 2027 in Japan, still 2026 in UTC.
NEW_YEAR_IN_JAPAN = datetime.datetime(2026, 12, 31, 15, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def japan(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    settings.MANABI_BASE_URL = BASE


@pytest.fixture
def person(reference_data):
    # 29 in 2026 (青年, young adult), 30 in 2027 (成人, adult).
    return make_learner("haruka", birth_year=1997)


@pytest.fixture
def award(person):
    badge = BadgeDefinition.objects.create(
        name_ja="新年の木場潟", description="…", criteria_narrative="元日の朝に観察しました。"
    )
    return award_badge(person, badge, issued_on=NEW_YEAR_IN_JAPAN)[0]


@pytest.mark.usefixtures("award")
def test_the_portfolio_puts_a_new_years_badge_in_the_japanese_year(client, person):
    (group,) = learner_portfolio(person)
    assert group.stage.slug == "adult"  # age 2027 - 1997, not 2026 - 1997
    (entry,) = group.entries
    assert entry.local_date == datetime.date(2027, 1, 1)

    client.force_login(person)
    page = client.get("/me/portfolio/").content.decode()
    assert '<h2 id="stage-1">成人</h2>' in page
    assert 'datetime="2027-01-01T00:30:00+09:00"' in page
    assert "2027年1月1日" in page and "2026年12月31日" not in page


def test_a_course_completed_at_new_year_is_dated_in_japan_too(person):
    course = make_course(lessons=[("一", [("text", "<p>読む</p>")])])
    complete_course(person, course.translation_key, completed_at=NEW_YEAR_IN_JAPAN)
    (group,) = learner_portfolio(person)
    assert group.stage.slug == "adult"
    assert [entry.local_date for entry in group.entries if entry.kind == "course"] == [
        datetime.date(2027, 1, 1)
    ]


@pytest.mark.usefixtures("award")
def test_the_transcript_dates_the_badge_in_japan(client, person, monkeypatch):
    written = []
    real_paragraph = transcript.Paragraph

    def recording_paragraph(text, *args, **kwargs):
        written.append(text)
        return real_paragraph(text, *args, **kwargs)

    monkeypatch.setattr(transcript, "Paragraph", recording_paragraph)
    client.force_login(person)
    response = client.get("/me/portfolio/transcript.pdf")
    assert response.content.startswith(b"%PDF")
    assert "2027-01-01" in written
    assert "2026-12-31" not in written
    assert "成人" in written  # the stage heading of that year


def test_the_json_bundle_and_the_hosted_assertion_say_1_january_in_japan(client, person, award):
    client.force_login(person)
    bundle = json.loads(client.get("/me/portfolio/badges.json").content)
    (assertion,) = bundle["assertions"]
    assert assertion["issuedOn"] == "2027-01-01T00:30:00+09:00"
    assert datetime.datetime.fromisoformat(assertion["issuedOn"]) == NEW_YEAR_IN_JAPAN
    hosted = client.get(f"/badges/assertions/{award.uuid}", HTTP_ACCEPT="application/ld+json")
    assert hosted.json()["issuedOn"] == assertion["issuedOn"]


def test_a_badge_baked_with_its_date_in_utc_still_verifies(award):
    earlier_bake = {**assertion_json(award), "issuedOn": NEW_YEAR_IN_JAPAN.isoformat()}
    assert earlier_bake["issuedOn"] == "2026-12-31T15:30:00+00:00"
    assert check_badge(earlier_bake).valid

    moved = {**assertion_json(award), "issuedOn": "2027-01-02T00:30:00+09:00"}
    result = check_badge(moved)
    assert not result.valid and result.tampered
    assert check_badge({**assertion_json(award), "issuedOn": "1 January"}).tampered
