"""The demo's path into action: offers answered, a waitlist, an offer waiting for the demo
learner and three approved hours of service; made once."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from learners.models import BadgeAward
from opportunities.demo_service import create_demo_service
from opportunities.models import Offer, Placement
from opportunities.services.hours import approved_hours
from opportunities.services.offers import open_offers_of
from tests.opportunities.test_demo_opportunities import build, make_demo_badges, make_demo_people

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_answered_offers_a_waitlist_and_service_for_the_demo_learner(
    reference_data, django_capture_on_commit_callbacks
):
    make_demo_badges()
    make_demo_people(count=60, seed=2019)
    build(timezone.localdate())

    with django_capture_on_commit_callbacks(execute=True):
        summary = create_demo_service()

    learner = get_user_model().objects.get(username="learner")
    assert summary["offers"] >= 5 and summary["accepted"] >= 3
    assert Placement.objects.filter(status=Placement.Status.WAITLISTED).count() >= 1
    assert open_offers_of(learner).count() == 1
    assert approved_hours(learner) == 3
    hours_badge = BadgeAward.objects.get(user=learner, badge__rule_type="volunteer_hours")
    assert hours_badge.badge.name_ja == "地域で活動 はじめの3時間"
    offers_before = Offer.objects.count()
    assert create_demo_service() == {"offers": 0, "accepted": 0, "waitlisted": 0, "hours": 0}
    assert Offer.objects.count() == offers_before
