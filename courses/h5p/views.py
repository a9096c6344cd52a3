"""The files the H5P player fetches: package h5p.json and content, and library files.

One view serves both areas. It only opens names inside the folder the database
records for the package or library, after refusing any path that could climb
out of it.
"""

import hashlib
import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from courses.h5p.validation import LIBRARY_FOLDER
from courses.models import H5PLibrary, H5PPackage

# Types browsers must get right for module loading, styles, fonts and captions;
# everything else comes from mimetypes.
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".vtt": "text/vtt; charset=utf-8",
    ".webvtt": "text/vtt; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".gltf": "model/gltf+json",
    ".glb": "model/gltf-binary",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".webm": "video/webm",
    ".mp4": "video/mp4",
}

# Libraries: the URL names major.minor only, and a patch upgrade replaces the
# files behind it. So a day's max-age (a patch fix reaches every learner within
# a day) plus an ETag carrying the patch version, which makes revalidation
# after that day a cheap 304 until the patch changes.
LIBRARY_CACHE = {"public": True, "max_age": 24 * 60 * 60}
# Content belongs to one package (a new upload is a new UUID), but it is the
# lesson's material: keep it out of shared caches and revalidate soon.
PACKAGE_CACHE = {"private": True, "max_age": 5 * 60}


def content_type_for(name):
    extension = posixpath.splitext(name)[1].lower()
    if extension in CONTENT_TYPES:
        return CONTENT_TYPES[extension]
    guessed, _encoding = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def safe_relative_path(file_path):
    """The path as stored, or None when it could leave the folder or names
    something never stored (hidden and ``_`` files)."""
    if "\\" in file_path or "\x00" in file_path:
        return None
    segments = file_path.split("/")
    if any(segment in ("", ".", "..") or segment.startswith((".", "_")) for segment in segments):
        return None
    return "/".join(segments)


def package_file_name(key, relative):
    package = H5PPackage.objects.filter(uuid=key).only("storage_folder", "uuid").first()
    if package is None or not (relative == "h5p.json" or relative.startswith("content/")):
        raise Http404
    etag = f'"{package.uuid}-{hashlib.sha256(relative.encode()).hexdigest()[:16]}"'
    return f"{package.storage_folder}/{relative}", etag, PACKAGE_CACHE


def library_file_name(key, relative):
    match = LIBRARY_FOLDER.match(key)
    if match is None:
        raise Http404
    library = (
        H5PLibrary.objects.filter(
            machine_name=match["machine_name"],
            major_version=int(match["major"]),
            minor_version=int(match["minor"]),
        )
        .only("storage_folder", "machine_name", "major_version", "minor_version", "patch_version")
        .first()
    )
    if library is None:
        raise Http404
    version = f"{library.folder_name}.{library.patch_version}"
    etag = f'"{version}-{hashlib.sha256(relative.encode()).hexdigest()[:16]}"'
    return f"{library.storage_folder}/{relative}", etag, LIBRARY_CACHE


@require_safe
def serve_h5p_file(request, area, key, file_path):
    """Serve one stored file of a package (``area="packages"``) or a library."""
    relative = safe_relative_path(file_path)
    if relative is None:
        raise Http404
    if area == "packages":
        name, etag, cache = package_file_name(key, relative)
    else:
        name, etag, cache = library_file_name(key, relative)
    if etag in (value.strip() for value in request.headers.get("If-None-Match", "").split(",")):
        response = HttpResponseNotModified()
    elif not default_storage.exists(name):
        raise Http404
    elif settings.MANABI_H5P_REDIRECT_TO_STORAGE_URLS:
        response = HttpResponseRedirect(default_storage.url(name))
    else:
        response = FileResponse(
            default_storage.open(name, "rb"), content_type=content_type_for(name)
        )
        # The player fetches files; nothing here is a download.
        response.headers.pop("Content-Disposition", None)
    response.headers["ETag"] = etag
    patch_cache_control(response, **cache)
    return response


def player_paths(package):
    """The three paths h5p-standalone needs for a package (no trailing slash)."""
    h5p_json = reverse("h5p:package_file", kwargs={"key": package.uuid, "file_path": "h5p.json"})
    package_root = h5p_json.removesuffix("/h5p.json")
    library_file = reverse(
        "h5p:library_file", kwargs={"key": "Library-1.0", "file_path": "library.json"}
    )
    return {
        "h5pJsonPath": package_root,
        "contentJsonPath": f"{package_root}/content",
        "librariesPath": library_file.removesuffix("/Library-1.0/library.json"),
    }
