"""Badge definitions in the admin: faculty edit them; rules must be complete."""

import pytest
from django.urls import reverse

from curriculum.badge_rules import COMPLETE_COURSE, MANUAL_ONLY
from curriculum.models import BadgeDefinition
from learners import roles
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name_ja": "木場潟の生きもの",
        "name_en": "Kibagata wildlife",
        "description": "木場潟の水と生きものを学びました。",
        "criteria_narrative": "講座のすべてのレッスンを修了しました。",
        "rule_type": MANUAL_ONLY,
        "tags": "SDGs",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_a_faculty_author_creates_a_course_badge(client, reference_data):
    course = make_course()
    client.force_login(make_learner(role=roles.FACULTY_AUTHOR))
    url = reverse("wagtailsnippets_curriculum_badgedefinition:add")
    page = client.get(url).content.decode()
    assert 'value="complete_course"' in page and 'value="manual"' in page
    response = client.post(url, form_data(rule_type=COMPLETE_COURSE, course=course.pk))
    assert response.status_code == 302
    badge = BadgeDefinition.objects.get()
    assert (badge.rule_type, badge.course_id) == (COMPLETE_COURSE, course.pk)


def test_a_rule_without_its_course_is_refused_and_nothing_is_saved(client, reference_data):
    client.force_login(make_learner(role=roles.CURRICULUM_SUPERVISOR))
    url = reverse("wagtailsnippets_curriculum_badgedefinition:add")
    response = client.post(url, form_data(rule_type=COMPLETE_COURSE))
    assert response.status_code == 200
    assert not BadgeDefinition.objects.exists()
    response = client.post(url, form_data(rule_type="serve_hours_someday"))
    assert not BadgeDefinition.objects.exists()


def test_learners_and_coordinators_cannot_edit_badges(client, reference_data):
    url = reverse("wagtailsnippets_curriculum_badgedefinition:add")
    client.force_login(make_learner(role=roles.COORDINATOR))
    client.post(url, form_data())
    assert not BadgeDefinition.objects.exists()
