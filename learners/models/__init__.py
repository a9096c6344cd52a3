"""A person's record, one module per concern; everything is importable from here.

- people: districts and spoken languages, learner profiles, consents, guardianships
- records: enrolments, xAPI statements, activity results, field visits, lesson and
  course progress, xAPI credentials
- badges: badge awards (Open Badges assertions)
- the audit log model lives beside its helpers in learners.audit
"""

# Defined beside the audit helpers; imported here so that Django finds the model.
from learners.audit import AuditLogEntry  # noqa: E402, F401
from learners.models.badges import (  # noqa: F401
    BadgeAward,
)
from learners.models.people import (  # noqa: F401
    EARLIEST_BIRTH_YEAR,
    ConsentPurpose,
    ConsentRecord,
    District,
    Guardianship,
    LearnerProfile,
    SpokenLanguage,
)
from learners.models.records import (  # noqa: F401
    ActivityResult,
    CourseCompletion,
    Enrolment,
    FieldVisit,
    LearningStatement,
    LessonProgress,
    XAPICredential,
)
