"""Reads about H5P packages that need care."""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex

from courses.models import H5PPackage, LessonPage


def lessons_using_package(package):
    """Lessons whose live body or latest draft holds an H5P activity of this package.

    The H5P block's package is a chooser block, so Wagtail's reference index
    records it for every page row: a live lesson's published body, and the draft
    of a lesson never published (Wagtail saves those drafts on the row). A
    published lesson's unpublished draft exists only as a revision, which the
    index does not read; those few drafts are read here, through the StreamField's
    own reference extraction, so a package placed in one is still "in use".

    The index is kept by Wagtail's task after each save: with a task worker it
    trails a save by the worker's delay.
    """
    page_ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(package)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    }
    page_ids.update(lessons_with_a_pending_draft_using(package, exclude=page_ids))
    return list(LessonPage.objects.filter(pk__in=page_ids).order_by("path"))


def lessons_with_a_pending_draft_using(package, *, exclude=()):
    """Ids of published lessons whose unpublished latest revision uses ``package``."""
    body = LessonPage._meta.get_field("body")
    drafts = (
        LessonPage.objects.filter(live=True, has_unpublished_changes=True)
        .exclude(pk__in=exclude)
        .exclude(latest_revision=None)
        .select_related("latest_revision")
    )
    found = []
    for lesson in drafts:
        draft = lesson.latest_revision.as_object()
        if any(
            model is H5PPackage and object_id == str(package.pk)
            for model, object_id, _model_path, _content_path in body.extract_references(draft.body)
        ):
            found.append(lesson.pk)
    return found
