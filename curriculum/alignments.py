"""The competency framework as Open Badges alignment targets: one home for what a
badge class says about a competency and for the public page its ``targetUrl`` names.

The badge class JSON (``learners.open_badges``) and the competency page
(``curriculum.views``) both read from here, so the page always shows the target the
badge points at, and the address cannot drift from the URL configuration.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

FRAMEWORK_NAME = "Komatsu SDGs competency framework (Kanazawa University)"


def _permanent_url(name, *args):
    """An absolute URL in the default language (no prefix): alignments are kept by
    whoever holds the badge, so the address must not depend on who asked for it."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{settings.MANABI_BASE_URL}{reverse(name, args=args)}"


def framework_url():
    return _permanent_url("curriculum:competency_index")


def competency_url(competency):
    return _permanent_url("curriculum:competency", competency.code)


def alignment_target(competency):
    """The Open Badges 2.0 AlignmentObject of a competency.

    Names and descriptions are in English (Japanese where no English exists), as
    badge platforms abroad read them.
    """
    target = {
        "targetName": competency.name_en or competency.name_ja,
        "targetUrl": competency_url(competency),
        "targetFramework": FRAMEWORK_NAME,
        "targetCode": competency.code,
    }
    description = competency.description_en or competency.description_ja
    if description:
        target["targetDescription"] = description
    return target


def _in_both_languages(japanese, english):
    values = [{"@value": japanese, "@language": "ja"}] if japanese else []
    if english:
        values.append({"@value": english, "@language": "en"})
    return values


def framework_term(competency, *, in_set=True):
    """The competency as a schema.org DefinedTerm (JSON-LD), for machines reading its page."""
    term = {
        "@type": "DefinedTerm",
        "@id": competency_url(competency),
        "url": competency_url(competency),
        "termCode": competency.code,
        "name": _in_both_languages(competency.name_ja, competency.name_en),
    }
    description = _in_both_languages(competency.description_ja, competency.description_en)
    if description:
        term["description"] = description
    if in_set:
        term["inDefinedTermSet"] = framework_set()
    return term


def framework_set(competencies=None):
    """The framework as a schema.org DefinedTermSet, with its terms when given."""
    term_set = {"@type": "DefinedTermSet", "@id": framework_url(), "name": FRAMEWORK_NAME}
    if competencies is not None:
        term_set["hasDefinedTerm"] = [
            framework_term(competency, in_set=False) for competency in competencies
        ]
    return term_set
