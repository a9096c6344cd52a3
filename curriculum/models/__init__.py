"""What the university controls, one module per concern; everything is importable from here.

- reference: life stages, the 17 SDGs, city themes, the competency framework
- faculty: Kanazawa University faculty and the supervision (大学監修) record
- pages: the curriculum index and the stage programme pages
- badges: badge definitions (achievements) and the issuer profile
"""

from curriculum.models.badges import (  # noqa: F401
    BadgeDefinition,
    BadgeIssuer,
)
from curriculum.models.faculty import (  # noqa: F401
    FacultyMember,
    SupervisionApproval,
)
from curriculum.models.pages import (  # noqa: F401
    CurriculumIndexPage,
    ProgrammeCourse,
    ProgrammePage,
)
from curriculum.models.reference import (  # noqa: F401
    BilingualNameMixin,
    CityTheme,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    LifeStage,
    SustainableDevelopmentGoal,
    TileColourMixin,
    contrast_ratio,
    hex_colour_validator,
    in_active_language,
    relative_luminance,
    text_colour_on,
)
