"""The real URLs plus one authenticated no-op POST view, the single-statement baseline."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as real_urlpatterns
from learners.services.credentials import authenticate_xapi_credential
from learners.xapi_views import REALM, basic_credentials


@csrf_exempt
@require_POST
def authenticated_noop(request):
    """204 for a valid xAPI key and secret (HTTP Basic), 401 otherwise; nothing stored.

    Authenticates as /xapi/statements does with Basic (``basic_credentials``, then
    ``authenticate_xapi_credential``, which also records the credential's last use), so
    the two differ only in the work done on the statements.
    """
    credential = basic_credentials(request)
    user = authenticate_xapi_credential(*credential) if credential and all(credential) else None
    if user is None:
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = REALM
        return response
    return HttpResponse(status=204)


urlpatterns = [path("benchmark/noop", authenticated_noop, name="benchmark_noop")]
urlpatterns += real_urlpatterns
