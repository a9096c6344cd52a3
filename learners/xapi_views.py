"""The xAPI statements resource, ``/xapi/statements`` (no language prefix).

Our lesson pages send statements with the learner's session (CSRF token in the
``X-CSRFToken`` header); external xAPI tools use a per-learner key and secret
with HTTP Basic. Every request and response carries ``X-Experience-API-Version``.
Statements are read back under ``learners.permissions.readable_statements``.
"""

import base64
import binascii
import uuid

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import csrf as django_csrf
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from learners.permissions import readable_statements
from learners.services.credentials import authenticate_xapi_credential
from learners.services.statements import (
    StatementConflict,
    learner_scoped_id,
    record_statements,
)
from learners.xapi import (
    MAX_DEPTH,
    SUPPORTED_VERSION,
    VERSION_HEADER,
    VERSION_PATTERN,
    StatementInvalid,
    parse_json,
)

MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
REALM = 'Basic realm="Manabi xAPI"'


class BodyTooLarge(StatementInvalid):
    """A request body over MAX_BODY_BYTES (HTTP 413)."""


def _respond(status, payload=None):
    if payload is None:
        response = HttpResponse(status=status)
    else:
        response = JsonResponse(
            payload, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
        )
    response[VERSION_HEADER] = SUPPORTED_VERSION
    return response


def _error(status, message):
    return _respond(status, {"error": message})


def basic_credentials(request):
    """(key, secret) from an ``Authorization: Basic`` header; ("", "") if it is malformed;
    None when the request sends no Basic credentials."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        key, secret = base64.b64decode(header[6:].strip(), validate=True).decode().split(":", 1)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return "", ""
    return key, secret


def _authenticate(request):
    """(user, via_session): the Basic credential if one is sent, else the session's user."""
    credentials = basic_credentials(request)
    if credentials is None:
        return request.user, True
    user = authenticate_xapi_credential(*credentials) if all(credentials) else None
    return user or AnonymousUser(), False


def _declares_too_large_a_body(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:  # Django reads an unreadable length as no body
        return False


def _parse_body(request):
    try:
        body = request.body
    except RequestDataTooBig as error:  # past DATA_UPLOAD_MAX_MEMORY_SIZE
        raise BodyTooLarge(_("request: the body is larger than 2 MB")) from error
    if len(body) > MAX_BODY_BYTES:
        raise BodyTooLarge(_("request: the body is larger than 2 MB"))
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise StatementInvalid(_("request: the Content-Type must be application/json"))
    try:
        return parse_json(body)
    except RecursionError as error:  # nesting far past MAX_DEPTH; the stack has unwound
        raise StatementInvalid(
            _("request: the body is nested more than %(limit)d levels deep") % {"limit": MAX_DEPTH}
        ) from error
    except ValueError as error:  # not JSON, or not UTF-8 (UnicodeDecodeError)
        raise StatementInvalid(
            _("request: the body is not valid JSON (%(error)s)") % {"error": error}
        ) from error


@csrf_exempt  # checked in _statements for session authentication only (Basic needs no token)
def statements(request):
    """Errors are explained in the client's language (cookie or Accept-Language): this path
    has no language prefix, which would otherwise mean Japanese."""
    with translation.override(translation.get_language_from_request(request)):
        return _statements(request)


def csrf_failure(request, reason=""):
    """``settings.CSRF_FAILURE_VIEW``: a refused session write to this resource is answered
    as xAPI (JSON, the version header, the reason in the client's language); every other
    page gets Django's own CSRF failure page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.func is not statements:
        return django_csrf.csrf_failure(request, reason=reason)
    return _error(403, _("The CSRF token is missing or wrong: %(reason)s") % {"reason": reason})


def _statements(request):
    version = request.headers.get(VERSION_HEADER, "")
    if not VERSION_PATTERN.match(version):
        return _error(
            400,
            _("The %(header)s header is missing or not 1.0.x.") % {"header": VERSION_HEADER},
        )
    user, via_session = _authenticate(request)
    if not user.is_authenticated:
        response = _error(401, _("Sign in, or send an xAPI key and secret (HTTP Basic)."))
        response["WWW-Authenticate"] = REALM
        return response
    if request.method == "GET":
        return _read(request, user)
    if request.method not in ("POST", "PUT"):
        response = _error(405, _("Use GET, POST or PUT."))
        response["Allow"] = "GET, POST, PUT"
        return response
    if _declares_too_large_a_body(request):
        # Before the CSRF check, which may read a form body and fail with Django's HTML page.
        return _error(413, _("request: the body is larger than 2 MB"))
    if via_session:
        # Django's CSRF check, answering through csrf_failure above when it refuses.
        return _write_with_session(request, user)
    return _write(request, user)


def _write(request, user):
    statement_id = request.GET.get("statementId")
    try:
        if request.method == "PUT":
            if not statement_id:
                raise StatementInvalid(_("statementId: required for PUT"))
            try:
                statement_id = str(uuid.UUID(statement_id))
            except ValueError as error:
                raise StatementInvalid(_("statementId: must be a UUID")) from error
        body = _parse_body(request)
        if request.method == "PUT":
            if not isinstance(body, dict):
                raise StatementInvalid(_("request: PUT takes one statement"))
            record_statements(user, [body], statement_id=statement_id)
            return _respond(204)
        ids = record_statements(user, body if isinstance(body, list) else [body])
    except BodyTooLarge as error:
        return _error(413, str(error))
    except StatementInvalid as error:
        return _error(400, str(error))
    except StatementConflict as conflict:
        return _error(409, str(conflict))
    return _respond(200, ids)


_write_with_session = csrf_protect(_write)


def _read(request, user):
    rows = readable_statements(user)
    statement_id = request.GET.get("statementId")
    if statement_id:
        try:
            statement_id = uuid.UUID(statement_id)
        except ValueError:
            return _error(400, _("statementId: must be a UUID"))
        # The learner's own first: one kept under their scoped id (another learner had its id).
        found = rows.filter(id__in=[statement_id, learner_scoped_id(user, statement_id)])
        row = min(
            found.only("user", "statement"), key=lambda row: row.user_id != user.pk, default=None
        )
        if row is None:
            return _error(404, _("No statement with this id is visible to you."))
        return _respond(200, row.statement)
    try:
        limit = int(request.GET.get("limit", DEFAULT_LIMIT))
    except ValueError:
        limit = -1
    if limit < 0:
        return _error(400, _("limit: must be a whole number, 0 or more"))
    limit = min(limit or MAX_LIMIT, MAX_LIMIT)
    if "verb" in request.GET:
        rows = rows.filter(verb_id=request.GET["verb"])
    if "activity" in request.GET:
        rows = rows.filter(object_id=request.GET["activity"])
    found = list(rows.order_by("-stored").values_list("statement", flat=True)[:limit])
    return _respond(200, {"statements": found, "more": ""})
