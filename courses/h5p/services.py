"""Importing and deleting H5P packages, and keeping the shared library store."""

import tempfile
import uuid
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from courses.h5p import storage
from courses.h5p.media import media_origins
from courses.h5p.selectors import lessons_using_package
from courses.h5p.validation import H5PValidationError, used_libraries, validate_h5p_archive
from courses.models import H5PLibrary, H5PPackage, H5PPackageLibrary

__all__ = [
    "H5PPackageInUse",
    "H5PValidationError",
    "delete_h5p_package",
    "import_h5p_package",
]


class H5PPackageInUse(Exception):
    """The package is placed in lessons, so it cannot be deleted."""

    def __init__(self, lessons):
        self.lessons = lessons
        super().__init__(
            _("The package is used in %(count)d lesson(s); remove it from them first.")
            % {"count": len(lessons)}
        )


def import_h5p_package(uploaded_file, *, uploaded_by=None):
    """Validate an .h5p file and store it; return the new ``H5PPackage``.

    ``uploaded_file`` is a path or a binary file object (a Django upload).

    Guarantees:
    - Every check runs on a copy unpacked in a private temporary folder before
      anything reaches storage or the database; a broken package raises
      ``H5PValidationError`` (rule, member, translated message).
    - Each library is stored once per machine name and major.minor; a bundled
      newer patch version replaces the stored files (in a fresh folder, so
      readers never see a mix); older or equal patches are not stored again.
    - The content is stored per package under a new UUID.
    - The https origins its media files are played from are recorded
      (``media_origins``) for the policy of the lessons that play it.
    - After any failure, no file written by this import and no row remain.
    """
    with tempfile.TemporaryDirectory(prefix="manabi-h5p-") as work_folder:
        validated = validate_h5p_archive(uploaded_file, work_folder)
        written = []
        try:
            with transaction.atomic():
                return store_validated_package(validated, uploaded_by, written)
        except BaseException:
            storage.delete_files(written)
            storage.remove_empty_local_parents(written)
            raise


def store_validated_package(validated, uploaded_by, written):
    """Store libraries and content of a validated package (inside a transaction)."""
    stored = {}
    stored_now = []
    for key, manifest in sorted(validated.libraries.items()):
        library, changed = store_library(validated.folder, manifest, written)
        stored[key] = library
        if changed:
            stored_now.append((library, manifest))
    all_rows = libraries_by_key(
        {dependency for _library, manifest in stored_now for dependency in manifest.dependencies}
        | used_libraries(validated.preloaded_dependencies, validated.libraries)
        | set(stored)
    )
    for library, manifest in stored_now:
        library.dependencies.set([all_rows[key] for key in manifest.dependencies])

    package_uuid = uuid.uuid4()
    folder = storage.package_folder(package_uuid)
    storage.save_files(
        validated.folder,
        ["h5p.json", *(f"content/{path}" for path in validated.content_files)],
        folder,
        written,
    )
    package = H5PPackage.objects.create(
        uuid=package_uuid,
        title=validated.title[:255],
        main_library=all_rows[validated.main_library],
        language=validated.language[:32],
        storage_folder=folder,
        h5p_json=validated.h5p_json,
        media_origins=media_origins(validated.content),
        uploaded_by=uploaded_by,
    )
    used = used_libraries(validated.preloaded_dependencies, validated.libraries)
    H5PPackageLibrary.objects.bulk_create(
        H5PPackageLibrary(package=package, library=all_rows[key]) for key in sorted(used)
    )
    return package


def store_library(work_folder, manifest, written):
    """Store one bundled library unless the same or a newer patch is stored.
    Return (library, whether its files were written now)."""
    machine_name, major, minor = manifest.key
    library = (
        H5PLibrary.objects.select_for_update()
        .filter(machine_name=machine_name, major_version=major, minor_version=minor)
        .first()
    )
    if library is not None and library.patch_version >= manifest.patch_version:
        return library, False
    folder = storage.new_library_folder(manifest)
    storage.save_files(work_folder / manifest.folder_name, manifest.files, folder, written)
    if library is None:
        library = H5PLibrary(machine_name=machine_name, major_version=major, minor_version=minor)
    else:
        old_folder = library.storage_folder
        transaction.on_commit(lambda: storage.delete_folder(old_folder))
    library.patch_version = manifest.patch_version
    library.title = manifest.title[:255]
    library.runnable = manifest.runnable
    library.storage_folder = folder
    library.preloaded_js = manifest.preloaded_js
    library.preloaded_css = manifest.preloaded_css
    library.library_json = manifest.library_json
    library.save()
    return library, True


def libraries_by_key(keys):
    if not keys:
        return {}
    query = reduce(
        or_,
        (
            Q(machine_name=name, major_version=major, minor_version=minor)
            for name, major, minor in keys
        ),
    )
    return {
        (library.machine_name, library.major_version, library.minor_version): library
        for library in H5PLibrary.objects.filter(query)
    }


def delete_h5p_package(package):
    """Delete a package and its content files; refuse while any lesson uses it.

    Raises ``H5PPackageInUse`` (with the lessons) when a live or draft lesson
    holds it. Libraries stay in the shared store: other packages may use them.
    Files are removed only once the row's deletion is committed.
    """
    lessons = lessons_using_package(package)
    if lessons:
        raise H5PPackageInUse(lessons)
    folder = package.storage_folder
    with transaction.atomic():
        package.delete()
        transaction.on_commit(lambda: storage.delete_folder(folder))
