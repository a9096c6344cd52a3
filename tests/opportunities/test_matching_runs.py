"""run_matching over real records: who is proposed and why, what is refused, how many
queries it costs, and the changes a coordinator makes while reviewing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opportunities.matching import render_reasons
from opportunities.matching_input import read_labels
from opportunities.models import MatchingRun, Opportunity, Placement, Proposal
from opportunities.services import (
    MatchingRefused,
    add_graduate_to_run,
    remove_proposal,
    run_matching,
    start_matching_run,
)
from opportunities.services.matching_runs import explain_run, stored_reasons
from tests.opportunities.builders import (
    make_badge,
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def kibagata(reference_data):
    organisation = make_organisation()
    coordinator = make_coordinator(organisations=[organisation])
    badge = make_badge()
    opportunity = make_opportunity(organisation, required_badges=[badge], capacity=2)
    return organisation, coordinator, badge, opportunity


def proposed(run):
    return list(
        run.proposals.filter(status=Proposal.Status.PROPOSED).values_list(
            "learner__learner_profile__display_name", flat=True
        )
    )


def test_proposes_badge_holders_who_consented_with_reasons_in_japanese_and_english(kibagata):
    _organisation, coordinator, badge, opportunity = kibagata
    make_graduate("ペレイラ アナ", badges=[badge], languages=[("pt", 3), ("ja", 2)])
    make_graduate("未同意 太郎", badges=[badge], consent=False)
    make_graduate("バッジなし 次郎")
    make_graduate("子ども 三郎", badges=[badge], birth_year=2016)

    run = run_matching(coordinator, [opportunity])

    assert run.status == MatchingRun.Status.DONE and run.progress == 100
    assert proposed(run) == ["ペレイラ アナ"]
    proposal = run.proposals.get(status=Proposal.Status.PROPOSED)
    labels = read_labels()
    japanese = render_reasons(stored_reasons(proposal), labels, "ja")
    english = render_reasons(stored_reasons(proposal), labels, "en")
    assert "木場潟水質調査バッジあり" in japanese
    assert "土曜午前に参加可能" in japanese
    assert "木場在住" in japanese or "木場" in japanese
    assert "holds the Kibagata water survey badge" in english
    assert "available Saturday morning" in english
    # Nobody without consent, and no child, is even an alternative.
    everyone = set(run.proposals.values_list("learner__learner_profile__display_name", flat=True))
    assert everyone == {"ペレイラ アナ"}


def test_capacity_and_places_taken_limit_the_proposals_and_the_rest_are_alternatives(kibagata):
    _organisation, coordinator, badge, opportunity = kibagata
    graduates = [make_graduate(f"卒業生 {number}", badges=[badge]) for number in range(5)]
    Placement.objects.create(shift=opportunity.shifts.get(), learner=graduates[0])

    run = run_matching(coordinator, [opportunity])

    # Two places, one already taken by a placement; the placed graduate is busy then.
    assert len(proposed(run)) == 1
    alternatives = run.proposals.filter(status=Proposal.Status.ALTERNATIVE)
    assert alternatives.count() == 3
    assert graduates[0].pk not in run.proposals.values_list("learner_id", flat=True)
    assert list(alternatives.values_list("rank", flat=True)) == [1, 2, 3]


def test_reads_in_a_constant_number_of_queries(reference_data):
    def queries_for(opportunity_count, graduate_count):
        organisation = make_organisation(f"会 {opportunity_count}")
        coordinator = make_coordinator(organisations=[organisation])
        badge = make_badge()
        opportunities = [
            make_opportunity(organisation, required_badges=[badge], shifts=2)
            for _ in range(opportunity_count)
        ]
        for number in range(graduate_count):
            make_graduate(f"卒業生 {opportunity_count}-{number}", badges=[badge])
        with CaptureQueriesContext(connection) as captured:
            run = run_matching(coordinator, opportunities)
        assert run.proposals.exists()
        return len(captured)

    assert queries_for(1, 2) == queries_for(4, 12)


def test_refuses_another_organisations_opportunity_and_changes_nothing(kibagata):
    _organisation, coordinator, _badge, _opportunity = kibagata
    other = make_opportunity(make_organisation("安宅 松林の会", district="ataka"))

    with pytest.raises(MatchingRefused, match="organisation you do not coordinate"):
        run_matching(coordinator, [other])
    assert not MatchingRun.objects.exists()


def test_refuses_a_draft_and_an_empty_choice(kibagata):
    organisation, coordinator, _badge, _opportunity = kibagata
    draft = make_opportunity(organisation, status=Opportunity.Status.DRAFT)
    with pytest.raises(MatchingRefused, match="not open"):
        run_matching(coordinator, [draft])
    with pytest.raises(MatchingRefused, match="at least one"):
        run_matching(coordinator, [])
    assert not MatchingRun.objects.exists()


def test_a_learner_cannot_start_a_run(kibagata):
    from tests.factories import make_learner

    *_rest, opportunity = kibagata
    with pytest.raises(MatchingRefused, match="may not start"):
        run_matching(make_learner(), [opportunity])


def test_a_run_with_nobody_eligible_says_which_constraint_excluded_most(kibagata):
    _organisation, coordinator, badge, opportunity = kibagata
    for number in range(3):
        make_graduate(f"未同意 {number}", badges=[badge], consent=False)
    make_graduate("バッジなし")

    run = run_matching(coordinator, [opportunity])

    assert not proposed(run)
    explanation = explain_run(run, "en")
    assert explanation.startswith("Nobody is eligible")
    assert "consent" in explanation
    assert "3" in explanation and "4" in explanation
    assert explain_run(run, "ja") != explanation


def test_the_task_worker_performs_a_queued_run(kibagata, django_capture_on_commit_callbacks):
    _organisation, coordinator, badge, opportunity = kibagata
    make_graduate(badges=[badge])
    with django_capture_on_commit_callbacks(execute=True):
        run = start_matching_run(coordinator, [opportunity])
        assert run.status == MatchingRun.Status.QUEUED
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE
    assert len(proposed(run)) == 1


def test_remove_and_add_by_hand_show_broken_constraints_but_never_override_consent(kibagata):
    _organisation, coordinator, badge, opportunity = kibagata
    holder = make_graduate("保有者", badges=[badge])
    without_badge = make_graduate("バッジなし")
    no_consent = make_graduate("未同意", badges=[badge], consent=False)
    run = run_matching(coordinator, [opportunity])
    shift = opportunity.shifts.get()

    remove_proposal(run.proposals.get(learner=holder), acting_user=coordinator)
    assert not proposed(run)

    added = add_graduate_to_run(run, shift, without_badge, acting_user=coordinator)
    assert added.status == Proposal.Status.ADDED
    assert [violation[0] for violation in added.violations] == ["badges"]

    with pytest.raises(MatchingRefused, match="not open to offers"):
        add_graduate_to_run(run, shift, no_consent, acting_user=coordinator)
    assert not run.proposals.filter(learner=no_consent).exists()


def test_another_coordinator_cannot_change_the_run(kibagata):
    _organisation, coordinator, badge, opportunity = kibagata
    holder = make_graduate(badges=[badge])
    run = run_matching(coordinator, [opportunity])
    outsider = make_coordinator(organisations=[make_organisation("別の会", district="ataka")])

    with pytest.raises(MatchingRefused, match="may not change"):
        remove_proposal(run.proposals.get(learner=holder), acting_user=outsider)
    assert run.proposals.get(learner=holder).status == Proposal.Status.PROPOSED


def test_a_badges_aligned_competencies_count_as_their_first_level(kibagata):
    from curriculum.models import Competency
    from opportunities.models import OpportunityCompetency

    organisation, coordinator, _badge, _opportunity = kibagata
    competency = Competency.objects.order_by("pk").first()
    course_badge = make_badge("木場潟の生きものと水", "")
    course_badge.competencies.add(competency)
    needs_level_one = make_opportunity(organisation, title_ja="生きもの観察会")
    OpportunityCompetency.objects.create(
        opportunity=needs_level_one, competency=competency, level=1, required=True
    )
    make_graduate("講座修了 花子", badges=[course_badge])
    make_graduate("未受講 太郎")

    run = run_matching(coordinator, [needs_level_one])

    assert proposed(run) == ["講座修了 花子"]
    # A badge with no English name is named in Japanese in English reasons, never blank.
    labels = read_labels()
    english = render_reasons(stored_reasons(run.proposals.get()), labels, "en")
    assert f"{competency.name_en} level 1" in english
    assert "  " not in english
