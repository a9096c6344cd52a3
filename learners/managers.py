"""Managers for learners' models: the fast paths that bypass the ORM's row-by-row inserts."""

import json
import uuid

from django.db import connection, models, transaction

# Above this many rows, PostgreSQL gets one id lookup and one COPY instead of one INSERT.
COPY_THRESHOLD = 10
# A score passes when score * 100 reaches the pass mark, give or take float rounding.
SCORE_TOLERANCE = 1e-9


def cursor_with_bound_parameters():
    """A Django cursor (logged, errors wrapped as Django's) whose parameters PostgreSQL
    receives apart from the SQL, in its extended protocol, instead of quoted into it: a
    statement's JSON is then neither escaped in Python nor read back out of a literal by
    the server, about a quarter less time for a one-statement INSERT. No statement is
    prepared (a connection pooler may hand each query another server connection).
    Elsewhere, Django's own cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


class LearningStatementManager(models.Manager):
    def insert_new(self, rows):
        """Store the rows whose id is not stored yet; return the set of ids inserted.

        A large batch on PostgreSQL: one query for the ids already there, then one COPY.
        Otherwise one ``INSERT … ON CONFLICT (id) DO NOTHING RETURNING id``. Raises
        ``IntegrityError`` when a concurrent request stores one of the same ids mid-COPY.
        """
        if len(rows) > COPY_THRESHOLD and connection.vendor == "postgresql":
            table = connection.ops.quote_name(self.model._meta.db_table)
            with connection.cursor() as cursor:
                # One array parameter: no IN list of a hundred placeholders to build and send.
                cursor.execute(
                    f"SELECT id FROM {table} WHERE id = ANY(%s)",  # noqa: S608 - quoted name
                    [[row.id for row in rows]],
                )
                existing = {row[0] for row in cursor.fetchall()}
            new = [row for row in rows if row.id not in existing]
            with transaction.atomic():
                self._copy(new)
            return {row.id for row in new}
        return self._insert_on_conflict_do_nothing(rows)

    def _columns(self):
        """(fields, quoted column list, quoted table): the same for every statement, so
        worked out once per database vendor rather than once a request."""
        cached = self.__dict__.get("_columns_by_vendor", {}).get(connection.vendor)
        if cached is None:
            fields = self.model._meta.concrete_fields
            columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
            cached = (fields, columns, connection.ops.quote_name(self.model._meta.db_table))
            self.__dict__.setdefault("_columns_by_vendor", {})[connection.vendor] = cached
        return cached

    def _insert_on_conflict_do_nothing(self, rows):
        fields, columns, table = self._columns()
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        params = [
            field.get_db_prep_save(getattr(row, field.attname), connection)
            for row in rows
            for field in fields
        ]
        with cursor_with_bound_parameters() as cursor:
            cursor.execute(
                # Names come from the model's meta (quoted); every value is a parameter.
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))} "  # noqa: S608
                "ON CONFLICT (id) DO NOTHING RETURNING id",
                params,
            )
            # PostgreSQL returns UUIDs; SQLite the 32 hex digits Django stores there.
            return {uuid.UUID(str(row[0])) for row in cursor.fetchall()}

    def _copy(self, rows):
        """Insert new rows: one COPY on PostgreSQL, bulk_create elsewhere.

        Django's bulk_create sends the rows as UNNEST arrays, and psycopg escapes each
        statement's JSON for the array literal in Python, character by character.
        """
        if connection.vendor != "postgresql" or len(rows) < 2:
            self.bulk_create(rows)
            return
        fields, columns, table = self._columns()
        # The values as psycopg adapts them itself (UUIDs, aware datetimes, numbers, text),
        # and the JSON as text, which is what the field's own preparation ends in: about
        # three times cheaper than get_db_prep_save field by field.
        json_field = self.model._meta.get_field("statement")
        attnames = [field.attname for field in fields]
        json_index = attnames.index(json_field.attname)
        encode = (json_field.encoder or json.JSONEncoder)().encode
        with connection.cursor() as cursor, connection.wrap_database_errors:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    values = [getattr(row, name) for name in attnames]
                    values[json_index] = encode(values[json_index])
                    copy.write_row(values)


class ActivityResultManager(models.Manager):
    def record_outcomes(self, user, outcomes):
        """Fold what one request did on each activity into the learner's results, in one
        ``INSERT … ON CONFLICT DO UPDATE`` that the database applies atomically row by row:
        concurrent requests never fail on the unique constraint nor lose an update.

        ``outcomes`` are ``ActivityOutcome``: the request's best score (or None), how many
        scored attempts it made, whether it completed the activity, and the activity's pass
        mark. The best is the higher of the stored and the new one, attempts are added, and
        success is derived from the stored best (always true for unscored content). Rows are
        written in key order, so that two requests lock them in the same order.
        """
        outcomes = sorted(
            outcomes, key=lambda outcome: (str(outcome.lesson_key), str(outcome.block_id))
        )
        meta = self.model._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        names = [
            "user",
            "lesson_key",
            "block_id",
            "best_scaled_score",
            "success",
            "completed",
            "viewed",
            "attempts",
            "first_at",
            "last_at",
        ]
        fields = [meta.get_field(name) for name in names]
        column = {name: quote(field.column) for name, field in zip(names, fields, strict=True)}
        params = []
        for outcome in outcomes:
            values = [
                user.pk,
                outcome.lesson_key,
                outcome.block_id,
                outcome.best,
                outcome.passed,
                outcome.completed,
                True,
                outcome.attempts,
                outcome.first_at,
                outcome.last_at,
            ]
            params += [
                field.get_db_prep_save(value, connection)
                for field, value in zip(fields, values, strict=True)
            ]
        pass_marks = {outcome.pass_mark for outcome in outcomes if outcome.attempts}
        if len(pass_marks) <= 1:
            pass_mark, pass_mark_params = "%s", [next(iter(pass_marks), 0)]
        else:  # different activities, different marks: pick the row's own
            lesson_key, block_id = column["lesson_key"], column["block_id"]
            cases = " ".join(
                f"WHEN {table}.{lesson_key} = %s AND {table}.{block_id} = %s THEN %s"
                for _outcome in outcomes
            )
            pass_mark, pass_mark_params = f"CASE {cases} END", []
            for outcome in outcomes:
                pass_mark_params += [
                    fields[1].get_db_prep_save(outcome.lesson_key, connection),
                    fields[2].get_db_prep_save(outcome.block_id, connection),
                    outcome.pass_mark,
                ]

        def old(name):
            return f"{table}.{column[name]}"

        def new(name):
            return f"EXCLUDED.{column[name]}"

        best = (
            f"CASE WHEN {old('best_scaled_score')} IS NULL "
            f"OR {new('best_scaled_score')} > {old('best_scaled_score')} "
            f"THEN {new('best_scaled_score')} ELSE {old('best_scaled_score')} END"
        )
        one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        with cursor_with_bound_parameters() as cursor:
            cursor.execute(
                # Names come from the model's meta (quoted); every value is a parameter.
                f"INSERT INTO {table} ({', '.join(column.values())}) "  # noqa: S608
                f"VALUES {', '.join([one_row] * len(outcomes))} "
                f"ON CONFLICT ({column['user']}, {column['lesson_key']}, {column['block_id']}) "
                f"DO UPDATE SET "
                f"{column['best_scaled_score']} = {best}, "
                f"{column['success']} = CASE WHEN {new('attempts')} > 0 "
                f"THEN {best} * 100 + {SCORE_TOLERANCE!r} >= {pass_mark} "
                f"ELSE {old('success')} OR {new('success')} END, "
                f"{column['completed']} = {old('completed')} OR {new('completed')}, "
                f"{column['viewed']} = {new('viewed')}, "
                f"{column['attempts']} = {old('attempts')} + {new('attempts')}, "
                f"{column['first_at']} = CASE WHEN {new('first_at')} < {old('first_at')} "
                f"THEN {new('first_at')} ELSE {old('first_at')} END, "
                f"{column['last_at']} = CASE WHEN {new('last_at')} > {old('last_at')} "
                f"THEN {new('last_at')} ELSE {old('last_at')} END",
                params + pass_mark_params,
            )
