"""Storing xAPI statements: validation, retries and conflicts (progress follows in ``progress``)."""

import contextlib
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.activity_ids import parse_activity_iri
from learners.models import (
    LearningStatement,
)
from learners.services.progress import look_up_progress, update_progress_from_statements
from learners.xapi import StatementInvalid, read_statement, same_statement, validate_statement


class StatementConflict(Exception):
    """A statement id that is already stored with different content (HTTP 409)."""


def account_agent(user):
    """The xAPI agent for a Manabi account: never the learner's name or email."""
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.MANABI_BASE_URL, "name": str(user.pk)},
    }


def _authority():
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.MANABI_BASE_URL, "name": "manabi"},
    }


def record_statements(user, statements, *, statement_id=None):
    """Validate, store and learn from xAPI statements sent for ``user``; return their ids.

    All or nothing: one invalid statement raises ``StatementInvalid`` (naming its position)
    and a reused id with other content raises ``StatementConflict``; either way nothing is
    stored. The actor is always replaced by the learner's account agent. A statement whose id
    is already stored with the same content is not stored again (a retry).
    """
    if not isinstance(statements, list) or not statements:
        raise StatementInvalid(_("statements: send a statement or a non-empty list of them"))
    prepared = []
    now = timezone.now()
    for position, statement in enumerate(statements):
        try:
            validate_statement(statement)
        except StatementInvalid as error:
            where = _("statement %(number)d") % {"number": position + 1}
            raise StatementInvalid(f"{where}: {error}") from error
        statement = dict(statement)
        statement["id"] = str(uuid.UUID(statement["id"])) if "id" in statement else None
        if statement_id is not None:
            if statement["id"] not in (None, str(uuid.UUID(statement_id))):
                raise StatementInvalid(_("id: must match the statementId parameter"))
            statement["id"] = str(uuid.UUID(statement_id))
        statement["id"] = statement["id"] or str(uuid.uuid4())
        statement["actor"] = account_agent(user)
        statement.pop("stored", None)
        statement["authority"] = _authority()
        statement.setdefault("version", "1.0.0")
        prepared.append(statement)
    ids = [statement["id"] for statement in prepared]
    if len(set(ids)) != len(ids):
        raise StatementInvalid(_("id: the same statement id appears twice in one request"))

    rows = [_statement_row(user, dict(statement), now) for statement in prepared]
    # What the statements will change is read first, outside any transaction: the
    # activities they report on and which of their lessons the learner completed (final,
    # so still true when they are stored). One statement that changes nothing (a
    # sub-question, the end of a lesson already completed) is a single INSERT, atomic by
    # itself; everything else is stored together with its progress, or not at all.
    lookup = look_up_progress(user, rows)
    alone = len(rows) == 1 and lookup.changes_nothing
    with contextlib.nullcontext() if alone else transaction.atomic():
        try:
            inserted = LearningStatement.objects.insert_new(rows)
            if len(inserted) < len(rows):  # retries, conflicts, or ids another learner holds
                inserted |= _store_rows_held_by_others(user, prepared, rows, inserted)
        except IntegrityError as error:  # the same ids sent concurrently (COPY)
            raise StatementConflict(
                _("These statements are being stored by another request; send them again.")
            ) from error
        new_rows = [row for row in rows if row.id in inserted]
        if new_rows:
            update_progress_from_statements(user, new_rows, lookup)
    return ids


def learner_scoped_id(user, statement_id):
    """The row id under which ``user``'s statement is kept when another learner holds its id.

    Statement ids are the learner's own: one that another learner's statement already has is
    stored under this derived id (its JSON keeps the id sent), so that the answer never tells
    the caller that the id exists elsewhere.
    """
    return uuid.uuid5(_SCOPED_ID_NAMESPACE, f"{user.pk}:{statement_id}")


_SCOPED_ID_NAMESPACE = uuid.UUID("5f0c3f69-8a43-4a3e-9b52-3f4c6f0d2a11")


def _store_rows_held_by_others(user, prepared, rows, inserted):
    """Deal with the rows ``insert_new`` did not store; return the ids it now stores.

    A row whose id the learner already has with the same content is a retry (nothing to do);
    with other content, a conflict. A row whose id another learner holds is stored under the
    learner's scoped id, and from then on behaves as the learner's own (retries, conflicts).
    """
    sent = {statement["id"]: statement for statement in prepared}
    missing = {row.id: row for row in rows if row.id not in inserted}
    stored_by_id = {
        stored.id: stored
        for stored in LearningStatement.objects.filter(
            id__in=[*missing, *(learner_scoped_id(user, pk) for pk in missing)]
        ).only("id", "user", "statement")
    }
    rekeyed = []
    for pk, row in missing.items():
        stored = stored_by_id.get(pk)
        if stored is not None and stored.user_id != user.pk:
            scoped = learner_scoped_id(user, pk)
            stored = stored_by_id.get(scoped)
            if stored is None:
                row.id = scoped
                rekeyed.append(row)
                continue
        if stored is None:
            continue  # deleted since: nothing to compare with, nothing stored again
        if not same_statement(stored.statement, sent[str(pk)]):
            raise StatementConflict(
                _("A different statement with the id %(id)s is already stored.") % {"id": str(pk)}
            )
    if not rekeyed:
        return set()
    return LearningStatement.objects.insert_new(rekeyed)


def _statement_row(user, statement, now):
    values = read_statement(statement)
    statement["stored"] = now.isoformat()
    statement.setdefault("timestamp", statement["stored"])
    parsed = parse_activity_iri(values.object_id)
    block_id = lesson_key = None
    if parsed and parsed[0] == "block":
        block_id = parsed[1]
    elif parsed and parsed[0] == "lesson":
        lesson_key = parsed[1]
    row = LearningStatement(
        # Positional, in the model's field order: Django builds an instance from plain
        # values about twice as fast as from keywords (a batch makes a hundred).
        *_row_values(
            id=uuid.UUID(statement["id"]),
            user_id=user.pk,
            verb_id=values.verb_id[:255],
            object_id=values.object_id[:500],
            block_id=block_id,
            lesson_key=lesson_key,
            is_root=values.is_root,
            score_scaled=values.score_scaled,
            success=values.success,
            completion=values.completion,
            timestamp=values.timestamp or now,
            stored=now,
            statement=statement,
        )
    )
    row.user = user  # the learner at hand, not read again
    return row


def _row_values(**values):
    """``values`` (by attribute name) in the order of LearningStatement's concrete fields;
    a field added without a value here fails at once (KeyError), never silently."""
    return [values[name] for name in _ROW_ATTNAMES]


_ROW_ATTNAMES = [field.attname for field in LearningStatement._meta.concrete_fields]
