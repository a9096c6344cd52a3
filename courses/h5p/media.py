"""The video, audio and caption files an H5P package plays from other sites.

H5P keeps a media file as ``{"path": …, "mime": …}`` in content.json: in the
``sources`` list of H5P.Video, the ``files`` list of H5P.Audio and of
InteractiveVideo's ``interactiveVideo.video``, and as the ``track`` of a text
track. A path is either relative (a file inside the package, served by us) or
an absolute URL (a file on another site). The browser fetches the latter under
the lesson page's ``media-src``, so the page must allow its origin.

- Only ``https`` origins are allowed. An ``http`` file would be mixed content on
  our https pages, which browsers block or upgrade; it is reported to the editor
  instead (``insecure_media_paths``) and never added to the policy.
- YouTube, Vimeo, Panopto and Echo360 sources are not media files: H5P.Video plays
  them in the service's own player (an iframe and its script), never through
  ``<video>``, so ``media-src`` has nothing to do with them. Our ``script-src``
  does not load those players either: they are reported too
  (``streamed_media_paths``), and nothing is added for them.
- ``data:``, ``blob:``, ``javascript:`` and relative paths add nothing.

Everything here is pure: it reads a content.json already parsed (or the stored
one, ``stored_content``) and never writes.
"""

import json
import re
from urllib.parse import urlsplit

from django.core.files.storage import default_storage

# Lists whose entries are media files even without a "mime".
MEDIA_LIST_KEYS = frozenset({"sources", "files"})
MEDIA_MIME_TYPES = ("video/", "audio/")
CAPTION_MIME_TYPES = frozenset({"text/vtt", "text/webvtt"})
# H5P.Video's pseudo types for sources played by a service's own player.
STREAMING_MIME_TYPES = frozenset({"video/youtube", "video/vimeo", "video/panopto", "video/echo360"})
STREAMING_HOSTS = re.compile(
    r"(^|\.)(youtube\.com|youtube-nocookie\.com|youtu\.be|vimeo\.com|panopto\.com|echo360\.org)$"
)
# A host as it may appear in a CSP source expression (no wildcards, no spaces,
# no ";"): letters, digits, hyphens and dots, in ASCII (IDNs in their xn-- form).
HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def media_entries(content):
    """(path, mime) of every media entry in a parsed content.json, in document order."""
    found = []

    def walk(node, key):
        if isinstance(node, dict):
            if isinstance(node.get("path"), str) and is_media_entry(node, key):
                mime = node.get("mime")
                found.append((node["path"].strip(), mime.lower() if isinstance(mime, str) else ""))
            for child_key, child in node.items():
                walk(child, child_key)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)  # a list's entries belong to the list's key

    walk(content, None)
    return found


def is_media_entry(entry, key):
    mime = entry.get("mime")
    mime = mime.lower() if isinstance(mime, str) else ""
    if mime.startswith(MEDIA_MIME_TYPES) or mime in CAPTION_MIME_TYPES:
        return True
    if key == "track":
        return True
    return key in MEDIA_LIST_KEYS and not mime.startswith("image/")


def is_streamed(path, mime):
    if mime in STREAMING_MIME_TYPES:
        return True
    try:
        host = urlsplit(path).hostname or ""
    except ValueError:
        return False
    return bool(STREAMING_HOSTS.search(host))


def https_origin(path):
    """``https://host[:port]`` of an absolute https URL, or None (any other path, or a
    host that could not be written safely into a policy)."""
    try:
        parts = urlsplit(path)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme.lower() != "https" or not HOST.match(host):
        return None
    return f"https://{host}" if port in (None, 443) else f"https://{host}:{port}"


def media_origins(content):
    """The origins the package's media files are fetched from, sorted, each once:
    what a lesson page that plays it adds to ``media-src``."""
    origins = {
        https_origin(path) for path, mime in media_entries(content) if not is_streamed(path, mime)
    }
    return sorted(origin for origin in origins if origin)


def insecure_media_paths(content):
    """Media paths at ``http://`` addresses: browsers will not play them on our pages."""
    return list(
        dict.fromkeys(
            path
            for path, mime in media_entries(content)
            if path.lower().startswith("http://") and not is_streamed(path, mime)
        )
    )


def streamed_media_paths(content):
    """Sources on YouTube, Vimeo and the like. H5P.Video plays them by loading the
    service's player script (``www.youtube.com/iframe_api``,
    ``player.vimeo.com/api/player.js``), which our ``script-src`` does not allow:
    they will not play, and allowing a media origin would not change that."""
    return list(
        dict.fromkeys(path for path, mime in media_entries(content) if is_streamed(path, mime))
    )


def stored_content(storage_folder, storage=default_storage):
    """The parsed content/content.json stored for a package, or None when it is
    missing or unreadable (the caller then knows nothing about its media)."""
    try:
        with storage.open(f"{storage_folder}/content/content.json", "rb") as file:
            content = json.loads(file.read().decode("utf-8-sig"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return content if isinstance(content, dict) else None
