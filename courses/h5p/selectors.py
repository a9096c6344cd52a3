"""Reads about H5P packages that need care."""

import json

from courses.models import LessonPage

H5P_BLOCK_TYPE = "h5p"


def lessons_using_package(package):
    """Lessons whose live body or latest draft holds an ``h5p`` block of this package.

    The H5P lesson block stores ``{"type": "h5p", "value": {"package": <pk>, ...}}``
    in the StreamField's raw data; blocks nested in other blocks count too.
    """
    package_pk = str(package.pk)
    lessons = []
    for lesson in LessonPage.objects.select_related("latest_revision").order_by("path"):
        bodies = [lesson.body.raw_data]
        if lesson.latest_revision is not None:
            bodies.append(lesson.latest_revision.content.get("body"))
        if any(refers_to_package(as_stream_data(body), package_pk) for body in bodies):
            lessons.append(lesson)
    return lessons


def as_stream_data(body):
    """Revisions keep a StreamField's data as a JSON string; pages as a list."""
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return []
    if body is None:
        return []
    return list(body)


def refers_to_package(data, package_pk):
    if isinstance(data, dict):
        value = data.get("value")
        if (
            data.get("type") == H5P_BLOCK_TYPE
            and isinstance(value, dict)
            and str(value.get("package")) == package_pk
        ):
            return True
        return any(refers_to_package(item, package_pk) for item in data.values())
    if isinstance(data, list):
        return any(refers_to_package(item, package_pk) for item in data)
    return False
