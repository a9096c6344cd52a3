"""Restore a ``dumpdata`` backup into a migrated database (docs/backup-restore.md)::

    python manage.py migrate
    python manage.py load_backup backup.json.gz

``loaddata`` alone cannot restore a whole site into a migrated database: ``migrate``
has already made rows of its own (Wagtail's root page and site, the root collection,
the role groups with their page and collection permissions, the home pages, the
reference data), and they collide with the backup's rows or stay beside them. This
command empties every table first, without the post-migrate set-up refilling them,
and then loads the backup, in one transaction: the database ends up holding exactly
the backup, or, if anything fails, what it held before.

Nothing the backup's rows would set off is replayed while loading: the audit log's
"added to a role" entries come from the backup, not from loading it.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import m2m_changed

from learners.audit import connect_role_change_logging


@contextmanager
def role_changes_not_audited():
    through = get_user_model().groups.through
    m2m_changed.disconnect(sender=through, dispatch_uid="learners.audit.record_role_changes")
    try:
        yield
    finally:
        connect_role_change_logging()


class Command(BaseCommand):
    help = (
        "Replace everything in this migrated database with a dumpdata backup: empties "
        "every table (without the post-migrate set-up) and loads the backup, in one "
        "transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The file dumpdata wrote (.json, .json.gz, …).")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database to restore into."
        )

    def handle(self, *_args, backup, interactive, database, **options):
        connection = connections[database]
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if unapplied:
            raise CommandError(
                f"{len(unapplied)} migrations are not applied to this database: run "
                "manage.py migrate first (with the same code as the backup's source)."
            )
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(
                f"Every row in the database {name} will be DELETED and replaced with "
                f"{backup}.\nType 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        with transaction.atomic(using=database), role_changes_not_audited():
            call_command(
                "flush",
                database=database,
                interactive=False,
                inhibit_post_migrate=True,
                verbosity=0,
            )
            # The cache names the content types flush removed; the backup's come next.
            ContentType.objects.clear_cache()
            call_command("loaddata", backup, database=database, verbosity=options["verbosity"])
        ContentType.objects.clear_cache()
        self.stdout.write(
            self.style.SUCCESS(
                f"{name} now holds {backup}. Rebuild the search indexes next "
                "(manage.py rebuild_search_index, then manage.py update_index)."
            )
        )
