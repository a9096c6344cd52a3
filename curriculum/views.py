"""Public pages of the competency framework: what an Open Badges alignment points at."""

import json

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from curriculum.alignments import FRAMEWORK_NAME, alignment_target, framework_set, framework_term
from curriculum.badge_rules import REACH_COMPETENCY_LEVEL
from curriculum.models import (
    BadgeDefinition,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    in_active_language,
)

SCHEMA_ORG = "https://schema.org"
# What json_script escapes, so that no text of ours can end the <script> element.
JSON_IN_HTML = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data):
    """``data`` as the body of a <script type="application/ld+json"> element."""
    text = json.dumps({"@context": SCHEMA_ORG, **data}, ensure_ascii=False, indent=2)
    return mark_safe(text.translate(JSON_IN_HTML))  # noqa: S308 - escaped just above


def _levels():
    return Prefetch("levels", queryset=CompetencyLevel.objects.order_by("level"))


@require_GET
def competency_index(request):
    """Every area with its competencies: three queries, however big the framework."""
    areas = list(
        CompetencyArea.objects.prefetch_related(
            Prefetch(
                "competencies",
                queryset=Competency.objects.order_by("sort_order", "code").prefetch_related(
                    _levels()
                ),
            )
        )
    )
    competencies = [competency for area in areas for competency in area.competencies.all()]
    return TemplateResponse(
        request,
        "curriculum/competency_index.html",
        {
            "areas": [area for area in areas if area.competencies.all()],
            "framework_name": FRAMEWORK_NAME,
            "json_ld": json_ld_script(framework_set(competencies)),
        },
    )


def _certifies_level(badge, competency):
    return badge.rule_type == REACH_COMPETENCY_LEVEL and badge.competency_id == competency.pk


@require_GET
def competency_detail(request, code):
    """One competency: its levels, the badges that certify it and the courses that teach
    it (from ``courses``' template tag), with its alignment target shown as badges name it."""
    competency = get_object_or_404(
        Competency.objects.select_related("area").prefetch_related(_levels()), code=code
    )
    badges = (
        BadgeDefinition.objects.filter(
            Q(competencies=competency) | Q(rule_type=REACH_COMPETENCY_LEVEL, competency=competency),
            active=True,
        )
        .distinct()
        .order_by("name_ja", "pk")
    )
    return TemplateResponse(
        request,
        "curriculum/competency_detail.html",
        {
            "competency": competency,
            "levels": [
                (level, in_active_language(level.description_ja, level.description_en))
                for level in competency.levels.all()
            ],
            "badges": [
                (badge, badge.competency_level if _certifies_level(badge, competency) else None)
                for badge in badges
            ],
            "alignment": alignment_target(competency),
            "json_ld": json_ld_script(framework_term(competency)),
        },
    )
