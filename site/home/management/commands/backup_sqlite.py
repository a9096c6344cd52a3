"""Copy this SQLite database consistently, while the site runs (docs/backup-restore.md)::

    python manage.py backup_sqlite /backups/manabi-2026-12-04.sqlite3

SQLite's online backup API copies the database page by page under its own locks, so
the copy is the database at one moment, even while requests write to it (copying the
file with ``cp`` is not: it may catch a write half done). The copy is an ordinary
database file: restore it by putting it where ``DATABASE_URL`` points.
"""

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


class Command(BaseCommand):
    help = "Copy this SQLite database to FILE with SQLite's online backup API."

    def add_arguments(self, parser):
        parser.add_argument("destination", help="The copy to write (must not exist).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *_args, destination, database, **_options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(
                f"This database is {connection.vendor}, not SQLite: back it up with its own "
                "tools (for PostgreSQL, pg_dump -Fc; see docs/backup-restore.md)."
            )
        target = Path(destination)
        if target.exists():
            raise CommandError(f"{target} exists already: choose a new file.")
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        self.stdout.write(self.style.SUCCESS(f"Copied the database to {target}."))
