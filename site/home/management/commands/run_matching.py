"""Run the matching engine as a coordinator, from the shell, with a progress bar."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from home.management.progress import ProgressBar
from opportunities.matching import render_reasons
from opportunities.matching_input import read_labels
from opportunities.models import Opportunity, Proposal
from opportunities.permissions import opportunities_managed_by
from opportunities.services import MatchingRefused, run_matching
from opportunities.services.matching_runs import explain_run, stored_reasons


class Command(BaseCommand):
    help = (
        "Match graduates to opportunities as a coordinator (who must act for the "
        "opportunities' organisations) and store the run, as the admin does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="the coordinator")
        parser.add_argument(
            "--opportunity",
            dest="opportunity_ids",
            type=int,
            action="append",
            help="an opportunity id (repeat for more); default: every open one they manage",
        )
        parser.add_argument("--language", default="ja", help="language of the reasons printed")
        parser.add_argument("--show", type=int, default=20, help="proposals to print")

    def handle(self, *_args, username, opportunity_ids, language, show, **_options):
        try:
            coordinator = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No account named {username!r}.") from None
        if opportunity_ids:
            opportunities = list(Opportunity.objects.filter(pk__in=opportunity_ids))
            missing = set(opportunity_ids) - {opportunity.pk for opportunity in opportunities}
            if missing:
                raise CommandError(f"No opportunity with id {sorted(missing)}.")
        else:
            opportunities = list(
                opportunities_managed_by(coordinator, "view").filter(status=Opportunity.Status.OPEN)
            )
        progress = ProgressBar(self.stdout, "matching", 100)

        def advance(percent):
            progress.advance(percent - progress.done)

        with translation.override(language):
            try:
                run = run_matching(coordinator, opportunities, on_progress=advance)
            except MatchingRefused as refusal:
                raise CommandError(str(refusal)) from None
            progress.finish()
            proposed = run.proposals.filter(status=Proposal.Status.PROPOSED).select_related(
                "shift__opportunity", "learner__learner_profile"
            )
            self.stdout.write(
                f"Run #{run.pk}: {run.candidate_count} graduates, {run.shift_count} shifts, "
                f"{run.eligible_pair_count} eligible pairs, {proposed.count()} proposals, "
                f"total score {run.total_score:.2f}."
            )
            explanation = explain_run(run, language)
            if explanation:
                self.stdout.write(explanation)
            labels = read_labels()
            for proposal in proposed[:show]:
                profile = getattr(proposal.learner, "learner_profile", None)
                name = profile.display_name if profile else proposal.learner.get_username()
                self.stdout.write(
                    f"  {proposal.shift.opportunity.title} "
                    f"{timezone.localtime(proposal.shift.starts_at):%m/%d %H:%M}"
                    f" ← {name} ({proposal.score:.2f}): "
                    + render_reasons(stored_reasons(proposal), labels, language)
                )
