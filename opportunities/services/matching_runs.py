"""Matching runs: start one, perform it (on the task worker or in place), and change its
proposals while a coordinator reviews them.

``run_matching`` is the whole of it in one call (the management command, tests and the
benchmark use it); the admin calls ``start_matching_run``, which queues the work for the
task worker so that a run over the whole city never holds a web request, and shows the
run's progress as ``perform_matching_run`` records it.
"""

import logging
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.permissions import has_permission
from opportunities.matching import (
    CHILD,
    CONSENT,
    Exclusion,
    Reason,
    evaluate_added_pair,
    explain_nobody_eligible,
    match,
)
from opportunities.matching import (
    Proposal as EngineProposal,
)
from opportunities.matching_input import (
    read_candidates,
    read_district_map,
    read_shifts,
)
from opportunities.models import MatchingRun, Opportunity, Proposal
from opportunities.permissions import (
    CHANGE_PROPOSAL,
    START_RUN,
    matching_run_policy,
    opportunities_managed_by,
)

logger = logging.getLogger(__name__)

# Beside the graduates each constraint excluded, a run that found nobody keeps how many
# of its shifts had places left (under this key of MatchingRun.exclusions).
OPEN_SHIFTS = "open_shifts"

# Alternatives kept per shift: the strongest eligible graduates the run did not propose.
ALTERNATIVES_PER_SHIFT = 3


class MatchingRefused(Exception):
    """The run or the change cannot be made; the message says why, in the user's language.
    Nothing was changed."""


def _opportunity_list(opportunities):
    if isinstance(opportunities, Opportunity):
        return [opportunities]
    return list(opportunities)


def _check_may_match(coordinator, opportunities):
    if not has_permission(coordinator, START_RUN):
        raise MatchingRefused(_("You may not start matching runs."))
    if not opportunities:
        raise MatchingRefused(_("Choose at least one opportunity to match."))
    managed = set(
        opportunities_managed_by(coordinator, "view")
        .filter(pk__in=[opportunity.pk for opportunity in opportunities])
        .values_list("pk", flat=True)
    )
    for opportunity in opportunities:
        if opportunity.pk not in managed:
            raise MatchingRefused(
                _("“%(title)s” belongs to an organisation you do not coordinate.")
                % {"title": opportunity.title}
            )
        if opportunity.status != Opportunity.Status.OPEN:
            raise MatchingRefused(
                _("“%(title)s” is not open: only open opportunities are matched.")
                % {"title": opportunity.title}
            )


@transaction.atomic
def _create_run(coordinator, opportunities):
    opportunities = _opportunity_list(opportunities)
    _check_may_match(coordinator, opportunities)
    run = MatchingRun.objects.create(started_by=coordinator)
    run.opportunities.set(opportunities)
    run.organisations.set({opportunity.organisation_id for opportunity in opportunities})
    return run


def start_matching_run(coordinator, opportunities):
    """Queue a run over ``opportunities`` for the task worker; returns the queued run.

    Refused (MatchingRefused) unless ``coordinator`` may start runs and acts for the
    organisation of every one of them, and every one is open."""
    from opportunities.tasks import perform_matching_run_task

    run = _create_run(coordinator, opportunities)
    transaction.on_commit(lambda: perform_matching_run_task.enqueue(run.pk))
    return run


def run_matching(coordinator, opportunities, *, on_progress=None):
    """Start a run over ``opportunities`` and perform it here; returns the finished run.

    Reads in a constant number of queries (opportunities.matching_input), solves
    (opportunities.matching) and stores the proposals and the strongest alternatives."""
    run = _create_run(coordinator, opportunities)
    return perform_matching_run(run.pk, on_progress=on_progress)


def _as_json(item):
    """A Reason or Violation as a JSON list; an infinite distance (no road known) as null,
    since JSON has no infinity."""
    return [None if isinstance(part, float) and math.isinf(part) else part for part in item]


def _report(run, progress, on_progress):
    MatchingRun.objects.filter(pk=run.pk).update(progress=progress)
    run.progress = progress
    if on_progress is not None:
        on_progress(progress)


def _proposal_rows(run, proposals, status, now):
    return [
        Proposal(
            run=run,
            shift_id=proposal.shift_id,
            learner_id=proposal.candidate_id,
            status=status,
            score=proposal.score,
            reasons=[_as_json(reason) for reason in proposal.reasons],
            created_at=now,
        )
        for proposal in proposals
    ]


def _ranked(rows):
    """Number each shift's rows 1, 2, ... by score, best first."""
    by_shift = {}
    for row in sorted(rows, key=lambda row: (row.shift_id, -row.score, row.learner_id)):
        by_shift[row.shift_id] = by_shift.get(row.shift_id, 0) + 1
        row.rank = by_shift[row.shift_id]
    return rows


def perform_matching_run(run_id, *, on_progress=None):
    """Do the work of a queued run: read, solve, store. A run already started is left
    alone (a task delivered twice does the work once). Failures are recorded on the run."""
    claimed = MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.QUEUED).update(
        status=MatchingRun.Status.RUNNING, started_at=timezone.now(), progress=5
    )
    run = MatchingRun.objects.get(pk=run_id)
    if not claimed:
        return run
    try:
        now = timezone.now()
        opportunity_ids = list(run.opportunities.values_list("pk", flat=True))
        shifts, _shift_rows = read_shifts(opportunity_ids, now)
        _report(run, 20, on_progress)
        candidates = read_candidates(now)
        districts = read_district_map()
        _report(run, 50, on_progress)
        result = match(
            candidates,
            shifts,
            districts=districts,
            child_age_limit=settings.MANABI_MINIMUM_SELF_SIGNUP_AGE,
        )
        _report(run, 80, on_progress)
        alternatives = [
            proposal
            for found in result.alternatives(ALTERNATIVES_PER_SHIFT).values()
            for proposal in found
        ]
        rows = _ranked(_proposal_rows(run, result.proposals, Proposal.Status.PROPOSED, now))
        rows += _ranked(_proposal_rows(run, alternatives, Proposal.Status.ALTERNATIVE, now))
        exclusions = {}
        if not result.eligible_pair_count:
            exclusions = {item.constraint: item.graduates for item in result.exclusions}
            exclusions[OPEN_SHIFTS] = int((result.capacity > 0).sum())
        with transaction.atomic():
            Proposal.objects.bulk_create(rows, batch_size=2000)
            MatchingRun.objects.filter(pk=run.pk).update(
                status=MatchingRun.Status.DONE,
                progress=100,
                candidate_count=result.candidate_count,
                shift_count=result.shift_count,
                eligible_pair_count=result.eligible_pair_count,
                total_score=result.total_score,
                exclusions=exclusions,
                finished_at=timezone.now(),
            )
    except Exception as error:
        logger.exception("Matching run %s failed", run_id)
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRun.Status.FAILED, error=repr(error), finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    if on_progress is not None:
        on_progress(100)
    return run


def _check_may_change(run, acting_user):
    if not has_permission(acting_user, CHANGE_PROPOSAL) or not (
        matching_run_policy.user_has_permission_for_instance(acting_user, "view", run)
    ):
        raise MatchingRefused(_("You may not change this run's proposals."))
    if run.status != MatchingRun.Status.DONE:
        raise MatchingRefused(_("The run has not finished: wait for its proposals."))


@transaction.atomic
def remove_proposal(proposal, *, acting_user):
    """Take a graduate off a run's proposals (the row stays, marked removed)."""
    _check_may_change(proposal.run, acting_user)
    if proposal.status == Proposal.Status.REMOVED:
        return proposal
    proposal.status = Proposal.Status.REMOVED
    proposal.changed_by = acting_user
    proposal.save(update_fields=["status", "changed_by"])
    return proposal


@transaction.atomic
def add_graduate_to_run(run, shift, learner, *, acting_user):
    """Propose ``learner`` for ``shift`` by hand. The engine judges the pair as it would
    any other; the constraints it breaks are stored and shown beside it, except consent and
    childhood, which nobody may override: such a graduate is refused."""
    _check_may_change(run, acting_user)
    if not run.opportunities.filter(pk=shift.opportunity_id).exists():
        raise MatchingRefused(_("That shift is not part of this run."))
    now = timezone.now()
    if shift.starts_at <= now:
        raise MatchingRefused(_("That shift has already started."))
    shifts, _rows = read_shifts([shift.opportunity_id], now)
    spec = next((item for item in shifts if item.id == shift.pk), None)
    candidates = read_candidates(now, user_ids=[learner.pk])
    if spec is None or not candidates:
        raise MatchingRefused(_("This graduate has no matching profile and cannot be proposed."))
    current = [
        EngineProposal(row.learner_id, row.shift_id, row.score, ())
        for row in run.proposals.filter(
            status__in=[Proposal.Status.PROPOSED, Proposal.Status.ADDED]
        )
    ]
    evaluation = evaluate_added_pair(
        candidates[0],
        spec,
        current,
        districts=read_district_map(),
        child_age_limit=settings.MANABI_MINIMUM_SELF_SIGNUP_AGE,
    )
    if {CONSENT, CHILD} & set(evaluation.broken_constraints):
        raise MatchingRefused(_("This graduate is not open to offers and cannot be proposed."))
    rank = run.proposals.filter(shift=shift).exclude(learner=learner).count() + 1
    proposal, _created = Proposal.objects.update_or_create(
        run=run,
        shift=shift,
        learner=learner,
        defaults={
            "status": Proposal.Status.ADDED,
            "score": evaluation.score,
            "rank": rank,
            "reasons": [_as_json(reason) for reason in evaluation.reasons],
            "violations": [_as_json(violation) for violation in evaluation.violations],
            "changed_by": acting_user,
        },
    )
    return proposal


def explain_run(run, language):
    """For a finished run that found nobody eligible, why (in ``language``); else None."""
    if run.status != MatchingRun.Status.DONE or run.eligible_pair_count:
        return None
    stored = dict(run.exclusions)
    open_shifts = stored.pop(OPEN_SHIFTS, 0)
    return explain_nobody_eligible(
        [Exclusion(constraint, count) for constraint, count in stored.items()],
        candidate_count=run.candidate_count,
        has_open_shift=bool(open_shifts),
        language=language,
    )


def stored_reasons(proposal):
    """The engine's Reason tuples of a stored proposal (JSON keeps them as lists)."""
    return tuple(Reason(*item) for item in proposal.reasons)
