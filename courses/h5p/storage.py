"""Where H5P files live in Django's default storage (local media now, S3-compatible later).

    h5p/libraries/<Machine.Name>-<major>.<minor>.<patch>-<token>/...   one folder per stored patch
    h5p/packages/<uuid>/h5p.json, h5p/packages/<uuid>/content/...     one folder per package

Library folders carry the patch version and a random token, so an upgrade
writes a fresh folder and switches the database row to it: a player never sees
half of one patch and half of another, and two imports never write the same
names. The player asks for ``<Machine.Name>-<major>.<minor>``; the view maps it.
"""

import secrets
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

LIBRARIES_FOLDER = "h5p/libraries"
PACKAGES_FOLDER = "h5p/packages"


def new_library_folder(manifest):
    return (
        f"{LIBRARIES_FOLDER}/{manifest.folder_name}.{manifest.patch_version}-{secrets.token_hex(4)}"
    )


def package_folder(package_uuid):
    return f"{PACKAGES_FOLDER}/{package_uuid}"


def save_files(local_folder, relative_paths, storage_folder, written):
    """Copy files from a local folder into storage under ``storage_folder``.

    Every name saved is appended to ``written`` as soon as it exists, so the
    caller can remove them all if a later step fails.
    """
    local_folder = Path(local_folder)
    for relative in relative_paths:
        name = f"{storage_folder}/{relative}"
        with (local_folder / relative).open("rb") as source:
            saved = default_storage.save(name, File(source, name=relative.rsplit("/", 1)[-1]))
        written.append(saved)
        if saved != name:
            # Storage renamed it because the name was taken: our folders are
            # fresh, so something else is writing there. Refuse to go on.
            raise FileExistsError(name)


def delete_files(names):
    for name in names:
        default_storage.delete(name)


def delete_folder(storage_folder):
    """Delete every file under ``storage_folder`` (and, on local disk, the empty folders)."""
    try:
        directories, files = default_storage.listdir(storage_folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{storage_folder}/{name}")
    for directory in directories:
        delete_folder(f"{storage_folder}/{directory}")
    remove_empty_local_folder(storage_folder)


def remove_empty_local_folder(storage_folder):
    try:
        path = Path(default_storage.path(storage_folder))
    except NotImplementedError:
        return  # object storage has no folders to remove
    try:
        path.rmdir()
    except OSError:
        pass


def remove_empty_local_parents(names):
    """After a failed import, remove the local folders its files left empty."""
    folders = set()
    for name in names:
        parts = name.split("/")
        folders.update("/".join(parts[:i]) for i in range(3, len(parts)))
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        remove_empty_local_folder(folder)
