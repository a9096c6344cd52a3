"""The xAPI activity ids of lessons and their interactive blocks: built and read only here.

Ids are IRIs under ``MANABI_BASE_URL`` and are permanent (every stored statement carries one):

- ``<base>/xapi/activities/<block uuid>`` for an interactive block (an H5P or field
  activity), named by its StreamField block id, which translations copy, so a lesson's
  translations share it;
- ``<base>/xapi/activities/lessons/<lesson translation key>`` for the lesson itself, which
  the page script marks as ``experienced`` when the learner reaches its end.

A sub-question of composite H5P content sends its block's id with ``?subContentId=…``; it
still names that block. Only the exact form built here is read back: another host, another
path or a UUID written any other way (upper case, without hyphens, ``urn:uuid:``) is not one
of ours, so a statement cannot move progress through an id this platform never handed out.
"""

import uuid
from typing import NamedTuple

from django.conf import settings

ACTIVITY_PATH = "/xapi/activities/"
LESSON_SEGMENT = "lessons/"

BLOCK = "block"
LESSON = "lesson"


class ActivityId(NamedTuple):
    """What one of our activity ids names: ``kind`` is BLOCK or LESSON, ``key`` a UUID."""

    kind: str
    key: uuid.UUID


def _canonical(value, what):
    try:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    except ValueError:
        raise ValueError(f"{what} must be a UUID, got {value!r}") from None


def _prefix():
    return settings.MANABI_BASE_URL + ACTIVITY_PATH


def block_activity_iri(block_id):
    """The activity id of an interactive block (its StreamField block id, a UUID).

    Raises ValueError when ``block_id`` is not a UUID.
    """
    return _prefix() + _canonical(block_id, "block id")


def lesson_activity_iri(lesson_key):
    """The activity id of a lesson (its translation key, a UUID).

    Raises ValueError when ``lesson_key`` is not a UUID.
    """
    return _prefix() + LESSON_SEGMENT + _canonical(lesson_key, "lesson key")


def parse_activity_iri(iri):
    """The ``ActivityId`` an id built here names, or None for any other value.

    ``parse_activity_iri(block_activity_iri(x)) == (BLOCK, UUID(x))`` and likewise for
    lessons; a query (``?subContentId=…``) or fragment after the UUID is ignored.
    """
    prefix = _prefix()
    if not isinstance(iri, str) or not iri.startswith(prefix):
        return None
    rest = iri[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
    kind = BLOCK
    if rest.startswith(LESSON_SEGMENT):
        kind, rest = LESSON, rest[len(LESSON_SEGMENT) :]
    try:
        key = uuid.UUID(rest)
    except ValueError:
        return None
    if str(key) != rest:  # only the form we mint
        return None
    return ActivityId(kind, key)
