"""Reads for the public pages of opportunities: the filterable list and one opportunity.

Only public (open) opportunities are ever returned. Every function here takes the same
number of queries however many opportunities, shifts and placements there are.
"""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from curriculum.models import LifeStage, SustainableDevelopmentGoal
from learners.models import District, SpokenLanguage
from opportunities.models import (
    Opportunity,
    OpportunityCompetency,
    OpportunityLanguage,
    Placement,
    Shift,
)
from search.services import MAX_QUERY_LENGTH
from search.tokens import query_terms

OPPORTUNITIES_PER_PAGE = 20
ADULT_AGE = 18


class OpportunityFilterForm(forms.Form):
    """The list's filters, all optional; sent by GET so that they work without script
    and a filtered list has an address that can be shared."""

    query = forms.CharField(label=_("Keyword"), required=False, max_length=MAX_QUERY_LENGTH)
    sdg = forms.ModelChoiceField(
        label=_("SDG"),
        queryset=SustainableDevelopmentGoal.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=_("All goals"),
    )
    district = forms.ModelChoiceField(
        label=capfirst(_("district")),
        queryset=District.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All districts"),
    )
    date_from = forms.DateField(
        label=_("On or after"),
        required=False,
        # A date input sends and shows ISO dates whatever the language's own format.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Activities with a date on this day or later."),
    )
    language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=SpokenLanguage.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Any language"),
        help_text=_("Activities that use this language or need no particular one."),
    )
    stage = forms.ModelChoiceField(
        label=_("Life stage"),
        queryset=LifeStage.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All stages"),
    )


def _start_of_day(date):
    """The first moment of ``date`` in the site's time zone (Asia/Tokyo)."""
    return timezone.make_aware(
        datetime.datetime.combine(date, datetime.time.min), timezone.get_current_timezone()
    )


def _shifts_from(moment):
    """Shifts that start at ``moment`` or later, of the opportunity of the outer query."""
    return Shift.objects.filter(opportunity=OuterRef("pk"), starts_at__gte=moment)


def _with_confirmed_count(shifts):
    return shifts.annotate(
        confirmed_count=Count("placements", filter=Q(placements__status=Placement.Status.CONFIRMED))
    )


def _places_left(shift):
    return max(shift.capacity - shift.confirmed_count, 0)


def _keyword_condition(query):
    """Every word of ``query`` (search.tokens.query_terms: NFKC, casefolded, split at
    whitespace) appears unbroken in the opportunity's normalised title and description
    (either language) or in its organisation's name."""
    condition = Q()
    for word in query_terms(query[:MAX_QUERY_LENGTH]):
        condition &= (
            Q(search_text__contains=word)
            | Q(organisation__name_ja__icontains=word)
            | Q(organisation__name_en__icontains=word)
        )
    return condition


def _life_stage_condition(stage):
    """Open to ``stage``: it is one of the opportunity's stages or it names none, and its
    minimum age (if any) is within the stage's ages."""
    through = Opportunity.life_stages.through
    names_stage = Exists(through.objects.filter(opportunity=OuterRef("pk"), lifestage=stage))
    names_no_stage = ~Exists(through.objects.filter(opportunity=OuterRef("pk")))
    condition = names_stage | names_no_stage
    if stage.max_age is not None:
        condition &= Q(min_age__isnull=True) | Q(min_age__lte=stage.max_age)
    return condition


def _language_condition(language):
    """Uses ``language`` (required or helpful) or requires no language at all."""
    requirements = OpportunityLanguage.objects.filter(opportunity=OuterRef("pk"))
    return Exists(requirements.filter(language=language)) | ~Exists(
        requirements.filter(required=True)
    )


def public_opportunities(filters, *, now=None):
    """Open opportunities with a shift still to come, narrowed by ``filters`` (cleaned data
    of OpportunityFilterForm), soonest next shift first.

    Each carries ``next_shift_id``, ``next_starts_at`` and ``upcoming_shift_count``,
    counting only shifts from now on (and from ``date_from`` when given).
    """
    now = now or timezone.now()
    from_moment = now
    if filters.get("date_from"):
        from_moment = max(now, _start_of_day(filters["date_from"]))
    upcoming = _shifts_from(from_moment)

    opportunities = Opportunity.objects.public().filter(Exists(upcoming))
    if filters.get("sdg"):
        sdgs = Opportunity.sdgs.through.objects.filter(opportunity=OuterRef("pk"))
        opportunities = opportunities.filter(
            Exists(sdgs.filter(sustainabledevelopmentgoal=filters["sdg"]))
        )
    if filters.get("district"):
        opportunities = opportunities.filter(district=filters["district"])
    if filters.get("language"):
        opportunities = opportunities.filter(_language_condition(filters["language"]))
    if filters.get("stage"):
        opportunities = opportunities.filter(_life_stage_condition(filters["stage"]))
    if filters.get("query"):
        opportunities = opportunities.filter(_keyword_condition(filters["query"]))

    next_shift = upcoming.order_by("starts_at", "pk")
    return (
        opportunities.annotate(
            next_shift_id=Subquery(next_shift.values("pk")[:1]),
            next_starts_at=Subquery(next_shift.values("starts_at")[:1]),
            upcoming_shift_count=Subquery(
                upcoming.order_by()
                .values("opportunity")
                .annotate(count=Count("pk"))
                .values("count")
            ),
        )
        .select_related("organisation", "district")
        .prefetch_related(
            "sdgs",
            Prefetch(
                "language_requirements",
                queryset=OpportunityLanguage.objects.select_related("language").order_by(
                    "-required", "language__sort_order", "language__code"
                ),
            ),
        )
        .order_by("next_starts_at", "pk")
    )


def _attach_next_shifts(opportunities):
    """Give each opportunity ``next_shift`` (with ``places_left``), in one query."""
    shift_ids = [opportunity.next_shift_id for opportunity in opportunities]
    shifts = {
        shift.pk: shift for shift in _with_confirmed_count(Shift.objects.filter(pk__in=shift_ids))
    }
    for opportunity in opportunities:
        shift = shifts.get(opportunity.next_shift_id)
        if shift is not None:
            shift.places_left = _places_left(shift)
        opportunity.next_shift = shift
        opportunity.more_shift_count = max((opportunity.upcoming_shift_count or 0) - 1, 0)


def opportunity_list(query_data, *, now=None):
    """The list page's context: the filter form and one page of opportunities.

    Invalid filters are shown with their error and left out; the valid ones apply.
    """
    form = OpportunityFilterForm(query_data or None)
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = {name: value for name, value in form.cleaned_data.items() if value}
    page = Paginator(public_opportunities(filters, now=now), OPPORTUNITIES_PER_PAGE).get_page(
        query_data.get("page")
    )
    _attach_next_shifts(page.object_list)
    query_without_page = query_data.copy()
    query_without_page.pop("page", None)
    return {
        "filter_form": form,
        "opportunities": page,
        "filters_applied": bool(filters),
        "query_without_page": query_without_page.urlencode(),
    }


def _open_to_minors(opportunity):
    """Whether someone under 18 may take part, going by the minimum age and stages."""
    if opportunity.min_age is not None and opportunity.min_age >= ADULT_AGE:
        return False
    stages = list(opportunity.life_stages.all())
    return not stages or any(stage.min_age < ADULT_AGE for stage in stages)


def public_opportunity(pk, *, now=None):
    """The open opportunity ``pk`` with all its page shows, or None when it is not public.

    ``upcoming_shifts`` holds the shifts still to come, each with ``places_left``.
    """
    now = now or timezone.now()
    opportunity = (
        Opportunity.objects.public()
        .filter(pk=pk)
        .select_related("organisation", "district")
        .prefetch_related(
            "sdgs",
            "life_stages",
            "required_badges",
            "preferred_badges",
            Prefetch(
                "competency_requirements",
                queryset=OpportunityCompetency.objects.select_related("competency")
                .prefetch_related(Prefetch("competency__levels"))
                .order_by("-required", "competency__sort_order", "competency__code"),
            ),
            Prefetch(
                "language_requirements",
                queryset=OpportunityLanguage.objects.select_related("language").order_by(
                    "-required", "language__sort_order", "language__code"
                ),
            ),
            Prefetch(
                "shifts",
                queryset=_with_confirmed_count(Shift.objects.filter(starts_at__gte=now)).order_by(
                    "starts_at", "pk"
                ),
                to_attr="upcoming_shifts",
            ),
        )
        .first()
    )
    if opportunity is None:
        return None
    for shift in opportunity.upcoming_shifts:
        shift.places_left = _places_left(shift)
    competencies = list(opportunity.competency_requirements.all())
    for requirement in competencies:
        requirement.level_name = next(
            (
                level.name
                for level in requirement.competency.levels.all()
                if level.level == requirement.level
            ),
            "",
        )
    languages = list(opportunity.language_requirements.all())
    opportunity.requirements = {
        "required_badges": list(opportunity.required_badges.all()),
        "preferred_badges": list(opportunity.preferred_badges.all()),
        "required_competencies": [item for item in competencies if item.required],
        "preferred_competencies": [item for item in competencies if not item.required],
        "required_languages": [item for item in languages if item.required],
        "preferred_languages": [item for item in languages if not item.required],
    }
    opportunity.guardian_consent_applies = (
        opportunity.minors_need_guardian_consent and _open_to_minors(opportunity)
    )
    return opportunity
