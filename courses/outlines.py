"""Lesson outlines: what each published lesson asks of a learner.

Each activity is keyed by its StreamField block id, the key of its xAPI activity id
(``courses.activity_ids``, the one place that builds and reads those ids).
"""

from django.db import transaction

from courses.models import LessonActivity, LessonOutline, LessonPage
from curriculum.ruby import strip_ruby

# H5P content types that present content and report no score: they count once viewed.
UNSCORED_H5P_LIBRARIES = frozenset(
    {
        "H5P.Accordion",
        "H5P.AdvancedText",
        "H5P.Agamotto",
        "H5P.Audio",
        "H5P.Chart",
        "H5P.Collage",
        "H5P.Dialogcards",
        "H5P.DocumentationTool",
        "H5P.IFrameEmbed",
        "H5P.Image",
        "H5P.ImageHotspots",
        "H5P.ImageSlider",
        "H5P.Link",
        "H5P.Table",
        "H5P.Text",
        "H5P.Timeline",
        "H5P.Video",
    }
)


def is_scored_package(package):
    return package.main_library.machine_name not in UNSCORED_H5P_LIBRARIES


def _activities_of(lesson):
    activities = []
    for position, block in enumerate(lesson.body):
        if block.block_type == "h5p" and block.value.get("package") is not None:
            package = block.value["package"]
            activities.append(
                LessonActivity(
                    block_id=block.id,
                    kind=LessonActivity.Kind.H5P,
                    title=package.title[:255],
                    scored=is_scored_package(package),
                    pass_mark=block.value.get("pass_mark") or 0,
                    position=position,
                )
            )
        elif block.block_type == "field_activity":
            activities.append(
                LessonActivity(
                    block_id=block.id,
                    kind=LessonActivity.Kind.FIELD,
                    title=strip_ruby(str(block.value.get("place_name") or ""))[:255],
                    scored=False,
                    pass_mark=0,
                    position=position,
                )
            )
    return activities


@transaction.atomic
def outline_lesson(lesson):
    """Write the outline of a published lesson (replacing the previous one); return it."""
    lesson = lesson.specific
    course = lesson.get_parent()
    outline, _ = LessonOutline.objects.update_or_create(
        lesson_key=lesson.translation_key,
        defaults={"course_key": course.translation_key, "position": _position_of(lesson)},
    )
    outline.activities.all().delete()
    activities = _activities_of(lesson)
    for activity in activities:
        activity.outline = outline
    LessonActivity.objects.bulk_create(activities)
    return outline


def _position_of(lesson):
    return LessonPage.objects.sibling_of(lesson).filter(path__lt=lesson.path).count()


def remove_lesson_outline(lesson):
    """Forget the outline once no translation of the lesson is live any more."""
    if not LessonPage.objects.live().filter(translation_key=lesson.translation_key).exists():
        LessonOutline.objects.filter(lesson_key=lesson.translation_key).delete()
