"""Managers for learners' models: the fast paths that bypass the ORM's row-by-row inserts."""

import uuid

from django.db import connection, models, transaction

# Above this many rows, PostgreSQL gets one id lookup and one COPY instead of one INSERT.
COPY_THRESHOLD = 10


class LearningStatementManager(models.Manager):
    def insert_new(self, rows):
        """Store the rows whose id is not stored yet; return the set of ids inserted.

        A large batch on PostgreSQL: one query for the ids already there, then one COPY.
        Otherwise one ``INSERT … ON CONFLICT (id) DO NOTHING RETURNING id``. Raises
        ``IntegrityError`` when a concurrent request stores one of the same ids mid-COPY.
        """
        if len(rows) > COPY_THRESHOLD and connection.vendor == "postgresql":
            existing = set(
                self.filter(id__in=[row.id for row in rows]).values_list("id", flat=True)
            )
            new = [row for row in rows if row.id not in existing]
            with transaction.atomic():
                self._copy(new)
            return {row.id for row in new}
        return self._insert_on_conflict_do_nothing(rows)

    def _columns(self):
        fields = self.model._meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        return fields, columns, connection.ops.quote_name(self.model._meta.db_table)

    def _insert_on_conflict_do_nothing(self, rows):
        fields, columns, table = self._columns()
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        params = [
            field.get_db_prep_save(getattr(row, field.attname), connection)
            for row in rows
            for field in fields
        ]
        with connection.cursor() as cursor:
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
        with connection.cursor() as cursor, connection.wrap_database_errors:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            field.get_db_prep_save(getattr(row, field.attname), connection)
                            for field in fields
                        ]
                    )
