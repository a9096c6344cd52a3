"""The real URLs plus one authenticated no-op POST view, the single-statement baseline."""

import base64
import binascii

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as real_urlpatterns
from learners.services import authenticate_xapi_credential

WWW_AUTHENTICATE = 'Basic realm="Manabi xAPI"'


def _basic_credential(request):
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        key, secret = base64.b64decode(header[6:].strip(), validate=True).decode().split(":", 1)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return key, secret


@csrf_exempt
@require_POST
def authenticated_noop(request):
    """204 for a valid xAPI key and secret (HTTP Basic), 401 otherwise; nothing stored.

    Authenticates as /xapi/statements does with Basic (``authenticate_xapi_credential``,
    which also records the credential's last use), so the two differ only in the work
    done on the statements.
    """
    credential = _basic_credential(request)
    user = authenticate_xapi_credential(*credential) if credential else None
    if user is None:
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = WWW_AUTHENTICATE
        return response
    return HttpResponse(status=204)


urlpatterns = [path("benchmark/noop", authenticated_noop, name="benchmark_noop")]
urlpatterns += real_urlpatterns
