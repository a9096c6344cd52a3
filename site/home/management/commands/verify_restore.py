"""Check a restored database against its source, in two steps (docs/backup-restore.md).

On the source, beside the backup::

    python manage.py verify_restore --write-manifest manifest.json

On the restored database, after rebuilding the search index::

    python manage.py verify_restore --against manifest.json

The second step prints one line per check and every difference it found (which table
and by how many rows, which statements, awards, baked badges and files), and exits
with status 1 when anything differs. See home.restore_checks for what is compared.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from home.restore_checks import (
    build_manifest,
    compare_with_manifest,
    read_manifest,
    write_manifest,
)


class Command(BaseCommand):
    help = (
        "Write a manifest of this database (--write-manifest FILE), or check this "
        "restored database against a source's manifest (--against FILE): row counts per "
        "table, statements, badge awards and their baked badges, stored files and the "
        "search index. Exits with status 1 when anything differs."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--write-manifest",
            metavar="FILE",
            help="Write the manifest of this (source) database to FILE.",
        )
        action.add_argument(
            "--against",
            metavar="FILE",
            help="Check this (restored) database against the manifest in FILE.",
        )
        parser.add_argument(
            "--sizes-only",
            action="store_true",
            help="With --write-manifest: record stored files by size only, without "
            "reading them for a SHA-256 (quicker for large media).",
        )

    def handle(self, *_args, **options):
        if options["write_manifest"]:
            self.write(options["write_manifest"], checksums=not options["sizes_only"])
        else:
            self.verify(options["against"])

    def write(self, path, *, checksums):
        self.stdout.write("Reading this database and its storage...")
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Every count from one snapshot, however the site writes meanwhile.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            manifest = build_manifest(self.stdout, checksums=checksums)
        write_manifest(manifest, path)
        missing = sorted(name for name, record in manifest["files"].items() if record is None)
        for name in missing:
            self.stderr.write(f"Warning: named in the database but missing from storage: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Manifest written to {path}: {len(manifest['tables'])} tables, "
                f"{manifest['statements']['count']} statements, "
                f"{len(manifest['awards'])} badge awards, "
                f"{len(manifest['files']) - len(missing)} stored files, "
                f"{manifest['search']['site_search_pages']} pages in the search index."
            )
        )

    def verify(self, path):
        try:
            manifest = read_manifest(path)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the manifest: {error}") from error
        self.stdout.write(f"Checking this database against {path}...")
        results = compare_with_manifest(manifest, self.stdout)
        for result in results:
            if result.passed:
                self.stdout.write(self.style.SUCCESS(f"OK      {result.name}: {result.summary}"))
            else:
                self.stdout.write(self.style.ERROR(f"FAILED  {result.name}: {result.summary}"))
                for problem in result.problems:
                    self.stdout.write(f"        - {problem}")
        failed = [result.name for result in results if not result.passed]
        if failed:
            raise CommandError(
                f"The restored database does not match its source ({', '.join(failed)})."
            )
        self.stdout.write(self.style.SUCCESS("The restored database matches its source."))
