"""Keep lesson outlines in step with what is published.

Publishing a lesson (by an editor, a workflow approval or a scheduled publish)
rewrites its outline; unpublishing or deleting its last live translation removes it.
"""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from courses.models import LessonPage
from courses.outlines import outline_lesson, remove_lesson_outline


def outline_published_lesson(instance, **_kwargs):
    outline_lesson(instance)


def forget_unpublished_lesson(instance, **_kwargs):
    remove_lesson_outline(instance)


def connect_signal_handlers():
    page_published.connect(
        outline_published_lesson, sender=LessonPage, dispatch_uid="courses.outline_lesson"
    )
    page_unpublished.connect(
        forget_unpublished_lesson, sender=LessonPage, dispatch_uid="courses.forget_lesson"
    )
    post_delete.connect(
        forget_unpublished_lesson, sender=LessonPage, dispatch_uid="courses.forget_deleted_lesson"
    )
