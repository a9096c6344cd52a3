"""A backup restored through dumpdata/loaddata keeps every baked badge valid.

Django's JSON serialiser keeps milliseconds only (Manabi's, home.serialization, keeps
microseconds, but backups made with Django's exist): awards are dated to the whole second,
older awards lose their fraction in migration 0006, and a presented issuedOn is compared
to the second, so neither a restore nor the migration turns a badge into a "changed" one.
"""

import datetime
import importlib
import types

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from curriculum.badge_rules import COMPLETE_COURSE
from curriculum.models import BadgeDefinition
from learners.models import BadgeAward
from learners.open_badges import baked_assertion, check_badge
from learners.services.badges import award_badge
from learners.services.progress import complete_course
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db
# A moment with microseconds the JSON serialiser cannot keep (it keeps .123).
WITH_MICROSECONDS = datetime.datetime(2027, 5, 14, 1, 2, 3, 123456, tzinfo=datetime.UTC)
MIGRATION = "learners.migrations.0006_badge_awards_issued_to_the_second"


@pytest.fixture
def person(reference_data):
    return make_learner("sakura", birth_year=1990)


@pytest.fixture
def badge(reference_data):
    return BadgeDefinition.objects.create(
        name_ja="木場潟の生きもの", description="…", criteria_narrative="観察しました。"
    )


@pytest.fixture
def clock_with_microseconds(monkeypatch):
    """``timezone.now`` answers a moment with a fraction of a second."""
    monkeypatch.setattr(timezone, "now", lambda: WITH_MICROSECONDS)


def baked_png(client, person, award):
    client.force_login(person)
    response = client.get(f"/me/badges/{award.uuid}/badge.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.logout()
    return response.content


def legacy_award(person, badge):
    """An award as issued before awards were dated to the second."""
    award = award_badge(person, badge)[0]
    BadgeAward.objects.filter(pk=award.pk).update(issued_on=WITH_MICROSECONDS)
    award.refresh_from_db()
    assert award.issued_on == WITH_MICROSECONDS
    return award


def dump_and_load_awards(tmp_path):
    """What a backup and a restore do to the awards: dumpdata to JSON, loaddata back."""
    backup = tmp_path / "awards.json"
    call_command("dumpdata", "learners.badgeaward", output=str(backup), verbosity=0)
    call_command("loaddata", str(backup), verbosity=0)


def run_the_migration():
    truncate = importlib.import_module(MIGRATION).truncate_issued_on_to_the_second
    truncate(apps, types.SimpleNamespace(connection=connection))


def uploaded_to_the_verify_page(client, png):
    page = client.post(
        "/en/badges/verify/",
        {"badge_file": SimpleUploadedFile("badge.png", png, content_type="image/png")},
    )
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.usefixtures("clock_with_microseconds")
def test_a_new_award_is_dated_to_the_whole_second(client, person, badge):
    award = award_badge(person, badge)[0]
    award.refresh_from_db()
    assert award.issued_on == WITH_MICROSECONDS.replace(microsecond=0)
    assert award.issued_on.microsecond == 0

    by_default = BadgeAward.objects.create(
        user=make_learner("haruto"), badge=badge, recipient_salt="salt"
    )
    assert by_default.issued_on.microsecond == 0

    issued_on = baked_assertion(baked_png(client, person, award))["issuedOn"]
    assert issued_on == "2027-05-14T10:02:03+09:00"  # ISO 8601 with its offset, no fraction


def test_an_award_on_completion_is_dated_to_the_second_of_the_completion(reference_data):
    course = make_course(lessons=[("一", [("text", "<p>読む</p>")])])
    badge = BadgeDefinition.objects.create(
        name_ja="修了",
        description="…",
        criteria_narrative="…",
        rule_type=COMPLETE_COURSE,
        course=course,
    )
    learner = make_learner("aoi", birth_year=1990)
    complete_course(learner, course.translation_key, completed_at=WITH_MICROSECONDS)
    award = BadgeAward.objects.get(user=learner, badge=badge)
    assert award.issued_on == WITH_MICROSECONDS.replace(microsecond=0)


@pytest.mark.usefixtures("clock_with_microseconds")
def test_a_badge_baked_before_a_restore_is_still_valid_after_it(client, person, badge, tmp_path):
    award = award_badge(person, badge)[0]
    png = baked_png(client, person, award)

    dump_and_load_awards(tmp_path)

    result = check_badge(baked_assertion(png))
    assert result.valid and not result.tampered
    assert "This badge is valid" in uploaded_to_the_verify_page(client, png)


def test_a_badge_of_an_older_award_survives_a_restore_that_cuts_to_milliseconds(
    client, person, badge, tmp_path
):
    award = legacy_award(person, badge)
    png = baked_png(client, person, award)
    assert baked_assertion(png)["issuedOn"].startswith("2027-05-14T10:02:03")

    dump_and_load_awards(tmp_path)
    award.refresh_from_db()
    assert award.issued_on == WITH_MICROSECONDS  # Manabi's JSON keeps every microsecond ...
    # ... Django's own JSON (a backup made with it) keeps milliseconds:
    BadgeAward.objects.filter(pk=award.pk).update(
        issued_on=WITH_MICROSECONDS.replace(microsecond=123000)
    )

    result = check_badge(baked_assertion(png))
    assert result.valid and not result.tampered


def test_a_badge_baked_with_microseconds_is_still_valid_after_the_migration(
    client, person, badge, tmp_path
):
    award = legacy_award(person, badge)
    presented = {
        **baked_assertion(baked_png(client, person, award)),
        "issuedOn": timezone.localtime(WITH_MICROSECONDS).isoformat(),  # as baked back then
    }
    assert presented["issuedOn"] == "2027-05-14T10:02:03.123456+09:00"

    run_the_migration()
    award.refresh_from_db()
    assert award.issued_on == WITH_MICROSECONDS.replace(microsecond=0)
    result = check_badge(presented)
    assert result.valid and not result.tampered

    dump_and_load_awards(tmp_path)  # and after a restore later on
    result = check_badge(presented)
    assert result.valid and not result.tampered


def test_the_migration_leaves_whole_second_awards_and_other_fields_alone(person, badge):
    award = award_badge(person, badge, issued_on=WITH_MICROSECONDS.replace(microsecond=0))[0]
    other = legacy_award(make_learner("haruto"), badge)
    run_the_migration()
    award.refresh_from_db()
    other.refresh_from_db()
    assert award.issued_on == WITH_MICROSECONDS.replace(microsecond=0)
    assert other.issued_on == WITH_MICROSECONDS.replace(microsecond=0)
    assert other.recipient_salt and other.user.username == "haruto"


@pytest.mark.usefixtures("clock_with_microseconds")
def test_an_issued_on_a_second_off_is_still_reported_changed(client, person, badge):
    award = award_badge(person, badge)[0]
    png = baked_png(client, person, award)
    baked = baked_assertion(png)

    local = timezone.localtime(award.issued_on)
    for changed in (
        (local + datetime.timedelta(seconds=1)).isoformat(),
        (local - datetime.timedelta(seconds=1)).isoformat(),
        (local + datetime.timedelta(seconds=1, microseconds=500)).isoformat(),
        local.replace(tzinfo=None).isoformat(),  # no offset: which instant is unknown
    ):
        result = check_badge({**baked, "issuedOn": changed})
        assert result.tampered and not result.valid, changed

    legacy = legacy_award(make_learner("haruto"), badge)
    run_the_migration()
    legacy.refresh_from_db()
    one_second_later = timezone.localtime(WITH_MICROSECONDS + datetime.timedelta(seconds=1))
    presented = {
        **baked_assertion(baked_png(client, legacy.user, legacy)),
        "issuedOn": one_second_later.isoformat(),
    }
    assert check_badge(presented).tampered
