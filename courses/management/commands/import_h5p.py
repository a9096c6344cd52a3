"""Import .h5p files from the command line, through the same service as the admin."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from courses.h5p.services import H5PValidationError, import_h5p_package


class Command(BaseCommand):
    help = "Validate and import H5P packages; one line per file; fails if any file failed."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help=".h5p files to import")
        parser.add_argument(
            "--uploaded-by", metavar="USERNAME", help="Record this user as the uploader."
        )

    def handle(self, *_args, **options):  # the files arrive in options["files"]
        uploader = None
        if options["uploaded_by"]:
            try:
                uploader = get_user_model().objects.get(username=options["uploaded_by"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {options['uploaded_by']!r}.") from None
        failures = 0
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                failures += 1
                self.stdout.write(self.style.ERROR(f"FAILED {name}: no such file"))
                continue
            try:
                with path.open("rb") as upload:
                    package = import_h5p_package(upload, uploaded_by=uploader)
            except H5PValidationError as error:
                failures += 1
                member = f" ({error.member})" if error.member else ""
                self.stdout.write(
                    self.style.ERROR(f"FAILED {name}: [{error.rule}]{member} {error.message}")
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"OK {name}: {package.title} ({package.main_library.full_version_name},"
                        f" {package.uuid})"
                    )
                )
        if failures:
            raise CommandError(f"{failures} of {len(options['files'])} file(s) failed.")
