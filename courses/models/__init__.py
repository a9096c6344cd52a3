"""Delivery, one module per concern; everything is importable from here.

- pages: the catalogue, course pages and lesson pages
- h5p: H5P libraries (stored once) and packages
- outlines: what each published lesson asks of a learner, written on publish
"""

from courses.models.h5p import (  # noqa: F401
    H5PLibrary,
    H5PPackage,
    H5PPackageLibrary,
)
from courses.models.outlines import (  # noqa: F401
    LessonActivity,
    LessonOutline,
)
from courses.models.pages import (  # noqa: F401
    ALLOW_H5P_EVAL,
    MINUTES_VALIDATORS,
    CourseCompetency,
    CourseIndexPage,
    CoursePage,
    LessonPage,
)
