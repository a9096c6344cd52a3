"""Validation of an uploaded .h5p file, done entirely in a private temporary folder.

(One module past 400 lines on purpose: it reads top to bottom in the order the
checks run, from the zip's member names to the library dependencies, so a
reviewer can audit every rule an upload must pass in one place.)

Nothing here touches storage or the database: ``validate_h5p_archive`` either
returns a ``ValidatedPackage`` describing what was unpacked, or raises
``H5PValidationError`` naming the rule and the member that broke it.
"""

import copy
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

# H5P core's whitelist (h5p-php-library, core API 1.28): files in content/ ...
CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt "
    "pdf rtf doc docx xls xlsx ppt pptx odt ods odp csv diff patch swf md textile vtt webvtt "
    "gltf glb".split()
)
# ... and in library folders, which also hold code and styles.
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css", "svg", "xml"}

MACHINE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,255}$")
LIBRARY_FOLDER = re.compile(r"^(?P<machine_name>[A-Za-z0-9_.\-]+)-(?P<major>\d+)\.(?P<minor>\d+)$")
DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
EMBED_TYPES = {"div", "iframe"}
CHUNK_BYTES = 64 * 1024


class H5PValidationError(Exception):
    """An uploaded package broke a rule. ``rule`` is a stable code, ``member``
    the path inside the archive (or a library name), ``message`` is translated."""

    def __init__(self, rule, member, message):
        super().__init__(message)
        self.rule = rule
        self.member = member
        self.message = message

    def __str__(self):
        return self.message


@dataclass
class LibraryManifest:
    """A library folder of the package, checked against its library.json."""

    folder_name: str
    machine_name: str
    major_version: int
    minor_version: int
    patch_version: int
    title: str
    runnable: bool
    preloaded_js: list
    preloaded_css: list
    dependencies: list  # (machine_name, major, minor): preloaded and dynamic
    library_json: dict
    files: list = field(default_factory=list)  # paths relative to the library folder

    @property
    def key(self):
        return (self.machine_name, self.major_version, self.minor_version)


@dataclass
class ValidatedPackage:
    """What a valid package holds, unpacked under ``folder``."""

    folder: Path
    h5p_json: dict
    main_library: tuple  # (machine_name, major, minor)
    preloaded_dependencies: list
    content: dict  # content/content.json, parsed
    content_files: list  # paths relative to folder/content
    libraries: dict  # key -> LibraryManifest

    @property
    def title(self):
        return self.h5p_json["title"]

    @property
    def language(self):
        return self.h5p_json.get("language", "")


def limits():
    return {
        "members": settings.MANABI_H5P_MAX_MEMBERS,
        "member_bytes": settings.MANABI_H5P_MAX_MEMBER_BYTES,
        "total_bytes": settings.MANABI_H5P_MAX_TOTAL_BYTES,
        "ratio": settings.MANABI_H5P_MAX_COMPRESSION_RATIO,
    }


def validate_h5p_archive(uploaded_file, folder):
    """Check ``uploaded_file`` (a path or a binary file object) and unpack it into
    ``folder``, a private empty temporary directory the caller removes."""
    folder = Path(folder)
    try:
        archive = zipfile.ZipFile(uploaded_file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise H5PValidationError(
            "not_a_zip", "", _("The file is not an H5P package: it is not a ZIP archive.")
        ) from None
    with archive:
        members = check_directory(archive)
        unpack(archive, members, folder)
    h5p_json = check_h5p_json(folder)
    content, content_files = check_content(folder, members)
    libraries = check_libraries(folder, members)
    main_library = dependency_key(
        next(
            dependency
            for dependency in h5p_json["preloadedDependencies"]
            if dependency["machineName"] == h5p_json["mainLibrary"]
        )
    )
    preloaded = [dependency_key(d) for d in h5p_json["preloadedDependencies"]]
    check_dependencies_present(preloaded, libraries)
    return ValidatedPackage(
        folder=folder,
        h5p_json=h5p_json,
        main_library=main_library,
        preloaded_dependencies=preloaded,
        content=content,
        content_files=content_files,
        libraries=libraries,
    )


def check_member_path(name):
    """Refuse paths that could land outside the folder; return its segments, or
    None for a member to skip (directories, hidden and ``_`` files).

    ``name`` is the name as stored (zipfile cuts ``filename`` at a NUL byte)."""
    if "\x00" in name:
        raise H5PValidationError(
            "nul_byte",
            name,
            _("The member “%(member)s” has a NUL byte in its name.")
            % {"member": name.replace("\x00", "\\0")},
        )
    if "\\" in name:
        raise H5PValidationError(
            "backslash",
            name,
            _("The member “%(member)s” has a backslash in its path.") % {"member": name},
        )
    if name.startswith("/"):
        raise H5PValidationError(
            "absolute_path",
            name,
            _("The member “%(member)s” has an absolute path.") % {"member": name},
        )
    if DRIVE_LETTER.match(name):
        raise H5PValidationError(
            "drive_letter",
            name,
            _("The member “%(member)s” starts with a drive letter.") % {"member": name},
        )
    segments = name.rstrip("/").split("/")
    if ".." in segments:
        raise H5PValidationError(
            "path_traversal",
            name,
            _("The member “%(member)s” points outside the package (“..”).") % {"member": name},
        )
    if name.endswith("/"):
        return None
    if any(segment == "" for segment in segments):
        raise H5PValidationError(
            "empty_path_segment",
            name,
            _("The member “%(member)s” has an empty folder name in its path.") % {"member": name},
        )
    if any(segment.startswith((".", "_")) for segment in segments):
        return None
    return segments


def is_symlink(info):
    return stat.S_ISLNK(info.external_attr >> 16)


def check_directory(archive):
    """Check every member against the rules and the caps, from the ZIP directory
    alone (before inflating anything). Return the members to unpack."""
    caps = limits()
    infos = archive.infolist()
    if len(infos) > caps["members"]:
        raise H5PValidationError(
            "too_many_members",
            "",
            _("The package has %(count)d files; at most %(limit)d are allowed.")
            % {"count": len(infos), "limit": caps["members"]},
        )
    members = []
    total = 0
    for info in infos:
        segments = check_member_path(info.orig_filename)
        if is_symlink(info):
            raise H5PValidationError(
                "symlink",
                info.filename,
                _("The member “%(member)s” is a symbolic link.") % {"member": info.filename},
            )
        if segments is None:
            continue
        if info.flag_bits & 0x1:
            raise H5PValidationError(
                "encrypted",
                info.filename,
                _("The member “%(member)s” is encrypted.") % {"member": info.filename},
            )
        check_extension(info.filename, segments)
        if info.file_size > caps["member_bytes"]:
            raise H5PValidationError(
                "member_too_large",
                info.filename,
                _(
                    "The member “%(member)s” unpacks to %(size)d bytes; "
                    "at most %(limit)d are allowed."
                )
                % {"member": info.filename, "size": info.file_size, "limit": caps["member_bytes"]},
            )
        if info.file_size > caps["ratio"] * max(info.compress_size, 1):
            raise H5PValidationError(
                "compression_ratio",
                info.filename,
                _(
                    "The member “%(member)s” is compressed more than %(ratio)d times: "
                    "the file looks like a ZIP bomb."
                )
                % {"member": info.filename, "ratio": caps["ratio"]},
            )
        total += info.file_size
        if total > caps["total_bytes"]:
            raise H5PValidationError(
                "total_too_large",
                info.filename,
                _("The package unpacks to more than %(limit)d bytes (reached at “%(member)s”).")
                % {"member": info.filename, "limit": caps["total_bytes"]},
            )
        members.append((info, segments))
    return members


def check_extension(name, segments):
    if len(segments) == 1:
        # Files at the top: only h5p.json is used; anything else is ignored
        # but must still be a harmless kind of file.
        allowed = CONTENT_EXTENSIONS
    elif segments[0] == "content":
        allowed = CONTENT_EXTENSIONS
    else:
        allowed = LIBRARY_EXTENSIONS
    extension = segments[-1].rsplit(".", 1)[-1].lower() if "." in segments[-1] else ""
    if extension not in allowed:
        raise H5PValidationError(
            "disallowed_extension",
            name,
            _("The member “%(member)s” has a file type that is not allowed (“.%(extension)s”).")
            % {"member": name, "extension": extension},
        )


def unpack(archive, members, folder):
    """Inflate the members into ``folder``, counting the bytes actually inflated:
    a directory that under-states sizes is caught here."""
    caps = limits()
    inflated_total = 0
    for info, segments in members:
        target = folder.joinpath(*segments)
        # Let zipfile inflate past the declared size (it would stop there and
        # report a bad CRC): our own count then catches a lying directory.
        probe = copy.copy(info)
        probe.file_size = caps["member_bytes"] + CHUNK_BYTES
        limit = min(info.file_size, caps["member_bytes"])
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            with archive.open(probe) as source, target.open("xb") as destination:
                while chunk := source.read(CHUNK_BYTES):
                    written += len(chunk)
                    inflated_total += len(chunk)
                    if written > limit or inflated_total > caps["total_bytes"]:
                        raise H5PValidationError(
                            "inflated_too_large",
                            info.filename,
                            _(
                                "The member “%(member)s” inflates to more bytes than the "
                                "archive declares or allows: the file looks like a ZIP bomb."
                            )
                            % {"member": info.filename},
                        )
                    destination.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise H5PValidationError(
                "corrupt_member",
                info.filename,
                _("The member “%(member)s” is damaged and cannot be unpacked.")
                % {"member": info.filename},
            ) from error
        except FileExistsError:
            raise H5PValidationError(
                "duplicate_member",
                info.filename,
                _("The member “%(member)s” appears twice in the archive.")
                % {"member": info.filename},
            ) from None


def read_json(path, member, rule_missing, rule_malformed):
    if not path.is_file():
        raise H5PValidationError(
            rule_missing, member, _("The package has no “%(member)s”.") % {"member": member}
        )
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as error:
        raise H5PValidationError(
            rule_malformed,
            member,
            _("“%(member)s” is not valid JSON: %(error)s") % {"member": member, "error": error},
        ) from None


def missing_field(member, name):
    return H5PValidationError(
        "missing_field",
        member,
        _("“%(member)s” lacks the field “%(field)s” or it is empty.")
        % {"member": member, "field": name},
    )


def invalid_field(member, name, problem):
    return H5PValidationError(
        "invalid_field",
        member,
        _("In “%(member)s”, the field “%(field)s” is not valid: %(problem)s")
        % {"member": member, "field": name, "problem": problem},
    )


def version_number(member, name, value):
    """H5P versions are integers, sometimes written as digit strings."""
    if isinstance(value, bool):
        raise invalid_field(member, name, _("a version must be a whole number."))
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise invalid_field(member, name, _("a version must be a whole number."))


def machine_name(member, name, value):
    if not isinstance(value, str) or not MACHINE_NAME.match(value):
        raise invalid_field(
            member, name, _("a machine name has only letters, digits, “.”, “-” and “_”.")
        )
    return value


def check_dependency_list(member, name, value):
    """A list of {machineName, majorVersion, minorVersion}; normalised in place."""
    if not isinstance(value, list):
        raise invalid_field(member, name, _("it must be a list."))
    for dependency in value:
        if not isinstance(dependency, dict):
            raise invalid_field(member, name, _("each dependency must be an object."))
        for key in ("machineName", "majorVersion", "minorVersion"):
            if key not in dependency:
                raise missing_field(member, f"{name}.{key}")
        machine_name(member, f"{name}.machineName", dependency["machineName"])
        dependency["majorVersion"] = version_number(
            member, f"{name}.majorVersion", dependency["majorVersion"]
        )
        dependency["minorVersion"] = version_number(
            member, f"{name}.minorVersion", dependency["minorVersion"]
        )
    return value


def dependency_key(dependency):
    return (dependency["machineName"], dependency["majorVersion"], dependency["minorVersion"])


def check_h5p_json(folder):
    member = "h5p.json"
    data = read_json(folder / member, member, "missing_h5p_json", "malformed_h5p_json")
    if not isinstance(data, dict):
        raise H5PValidationError(
            "malformed_h5p_json", member, _("“h5p.json” must hold a JSON object.")
        )
    for name in ("title", "language", "mainLibrary", "embedTypes", "preloadedDependencies"):
        if name not in data or data[name] in ("", None, []):
            raise missing_field(member, name)
    if not isinstance(data["title"], str):
        raise invalid_field(member, "title", _("it must be text."))
    if not isinstance(data["language"], str):
        raise invalid_field(member, "language", _("it must be text."))
    machine_name(member, "mainLibrary", data["mainLibrary"])
    if not isinstance(data["embedTypes"], list) or not set(data["embedTypes"]) <= EMBED_TYPES:
        raise invalid_field(member, "embedTypes", _("it must list “div” and/or “iframe”."))
    check_dependency_list(member, "preloadedDependencies", data["preloadedDependencies"])
    check_dependency_list(member, "dynamicDependencies", data.get("dynamicDependencies", []))
    if not any(d["machineName"] == data["mainLibrary"] for d in data["preloadedDependencies"]):
        raise H5PValidationError(
            "main_library_not_preloaded",
            member,
            _(
                "In “h5p.json”, the main library “%(library)s” is not among the "
                "preloaded dependencies."
            )
            % {"library": data["mainLibrary"]},
        )
    return data


def check_content(folder, members):
    """The parsed content.json and the paths of every file under content/."""
    member = "content/content.json"
    content = read_json(
        folder / "content" / "content.json",
        member,
        "missing_content_json",
        "malformed_content_json",
    )
    if not isinstance(content, dict):
        raise H5PValidationError(
            "malformed_content_json", member, _("“content/content.json” must hold a JSON object.")
        )
    files = ["/".join(segments[1:]) for _info, segments in members if segments[0] == "content"]
    return content, files


def check_libraries(folder, members):
    """Every top-level folder other than content/ is a library matching its library.json."""
    files_by_folder = {}
    for info, segments in members:
        if len(segments) == 1 or segments[0] == "content":
            continue
        if not LIBRARY_FOLDER.match(segments[0]):
            raise H5PValidationError(
                "unexpected_folder",
                info.filename,
                _(
                    "“%(member)s” is in the folder “%(folder)s”, which is neither content/ "
                    "nor a library folder named like “H5P.Example-1.0”."
                )
                % {"member": info.filename, "folder": segments[0]},
            )
        files_by_folder.setdefault(segments[0], []).append("/".join(segments[1:]))
    libraries = {}
    for folder_name, files in sorted(files_by_folder.items()):
        library = check_library(folder / folder_name, folder_name, files)
        libraries[library.key] = library
    return libraries


def check_library(path, folder_name, files):
    member = f"{folder_name}/library.json"
    data = read_json(
        path / "library.json", member, "missing_library_json", "malformed_library_json"
    )
    if not isinstance(data, dict):
        raise H5PValidationError(
            "malformed_library_json",
            member,
            _("“%(member)s” must hold a JSON object.") % {"member": member},
        )
    for name in (
        "title",
        "machineName",
        "majorVersion",
        "minorVersion",
        "patchVersion",
        "runnable",
    ):
        if name not in data or data[name] in ("", None):
            raise missing_field(member, name)
    if not isinstance(data["title"], str):
        raise invalid_field(member, "title", _("it must be text."))
    name = machine_name(member, "machineName", data["machineName"])
    major = version_number(member, "majorVersion", data["majorVersion"])
    minor = version_number(member, "minorVersion", data["minorVersion"])
    patch = version_number(member, "patchVersion", data["patchVersion"])
    if data["runnable"] not in (0, 1, True, False, "0", "1"):
        raise invalid_field(member, "runnable", _("it must be 0 or 1."))
    if f"{name}-{major}.{minor}" != folder_name:
        raise H5PValidationError(
            "library_folder_mismatch",
            member,
            _(
                "“%(member)s” describes the library “%(library)s”, but its folder is "
                "“%(folder)s”: the names must match."
            )
            % {"member": member, "folder": folder_name, "library": f"{name}-{major}.{minor}"},
        )
    assets = {}
    for list_name in ("preloadedJs", "preloadedCss"):
        entries = data.get(list_name, [])
        if not isinstance(entries, list) or not all(
            isinstance(entry, dict) and isinstance(entry.get("path"), str) for entry in entries
        ):
            raise invalid_field(member, list_name, _("it must be a list of {“path”: …}."))
        paths = []
        for entry in entries:
            relative = str(PurePosixPath(entry["path"].removeprefix("./")))
            if relative not in files:
                missing = f"{folder_name}/{entry['path']}"
                raise H5PValidationError(
                    "missing_library_file",
                    missing,
                    _("“%(member)s” is listed in “%(library)s” but is not in the package.")
                    % {"member": missing, "library": f"{folder_name}/library.json"},
                )
            paths.append(relative)
        assets[list_name] = paths
    dependencies = []
    for list_name in ("preloadedDependencies", "dynamicDependencies"):
        listed = check_dependency_list(member, list_name, data.get(list_name, []))
        dependencies.extend(dependency_key(d) for d in listed)
    check_dependency_list(member, "editorDependencies", data.get("editorDependencies", []))
    return LibraryManifest(
        folder_name=folder_name,
        machine_name=name,
        major_version=major,
        minor_version=minor,
        patch_version=patch,
        title=data["title"],
        runnable=data["runnable"] in (1, True, "1"),
        preloaded_js=assets["preloadedJs"],
        preloaded_css=assets["preloadedCss"],
        dependencies=list(dict.fromkeys(dependencies)),
        library_json=data,
        files=sorted(files),
    )


def installed_dependencies():
    """(machine_name, major, minor) -> set of its dependency keys, for every stored library."""
    from courses.models import H5PLibrary

    graph = {}
    for library in H5PLibrary.objects.prefetch_related("dependencies"):
        graph[(library.machine_name, library.major_version, library.minor_version)] = {
            (d.machine_name, d.major_version, d.minor_version) for d in library.dependencies.all()
        }
    return graph


def check_dependencies_present(preloaded, libraries):
    """Every preloaded dependency of the package, and every preloaded or dynamic
    dependency of those, transitively, is bundled or already installed."""
    installed = installed_dependencies()
    bundled = {key: set(library.dependencies) for key, library in libraries.items()}
    # Bundled libraries are all checked, whether the package needs them or not.
    to_visit = [(key, "h5p.json") for key in preloaded]
    for key, library in libraries.items():
        to_visit.extend(
            (dependency, f"{library.folder_name}/library.json") for dependency in bundled[key]
        )
    seen = set()
    while to_visit:
        key, required_by = to_visit.pop()
        if key in seen:
            continue
        seen.add(key)
        if key in bundled:
            dependencies = bundled[key]
        elif key in installed:
            dependencies = installed[key]
        else:
            name = f"{key[0]}-{key[1]}.{key[2]}"
            raise H5PValidationError(
                "missing_library",
                name,
                _(
                    "The library “%(library)s”, needed by “%(required_by)s”, is neither in "
                    "the package nor installed."
                )
                % {"library": name, "required_by": required_by},
            )
        to_visit.extend((dependency, f"{key[0]}-{key[1]}.{key[2]}") for dependency in dependencies)
    return seen


def used_libraries(preloaded, libraries):
    """The keys of the libraries a package uses: its preloaded dependencies and
    their preloaded and dynamic ones, transitively (bundled or installed)."""
    installed = installed_dependencies()
    seen = set()
    to_visit = list(preloaded)
    while to_visit:
        key = to_visit.pop()
        if key in seen:
            continue
        seen.add(key)
        if key in libraries:
            to_visit.extend(libraries[key].dependencies)
        else:
            to_visit.extend(installed.get(key, ()))
    return seen
