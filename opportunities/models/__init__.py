"""Organisations and what they offer, each graduate's matching profile, and the
matching runs with their proposals; everything is importable from here.

- organisations: organisations (町内会, 公民館, NPOs ...) and their coordinators
- roles: opportunities (roles to fill), their requirements and shifts; placements
- profiles: a graduate's matching profile (availability, reach, interests, languages)
- runs: matching runs and the proposals they made
- offers: offers of a place to a graduate; each learner's private calendar feed
"""

from opportunities.models.offers import CalendarFeed, Offer  # noqa: F401
from opportunities.models.organisations import Organisation  # noqa: F401
from opportunities.models.profiles import (  # noqa: F401
    MatchingProfile,
    ProfileLanguage,
)
from opportunities.models.roles import (  # noqa: F401
    LanguageLevel,
    Opportunity,
    OpportunityCompetency,
    OpportunityLanguage,
    PhysicalIntensity,
    Placement,
    Shift,
)
from opportunities.models.runs import MatchingRun, Proposal  # noqa: F401
