"""/me/xapi-apps/: a learner connects another xAPI app (a key and secret for HTTP Basic),
sees which apps are connected and disconnects them."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from learners.models import XAPICredential
from learners.services.credentials import create_xapi_credential, revoke_xapi_credential


class ConnectAppForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Name of the app"),
        max_length=XAPICredential._meta.get_field("label").max_length,
        help_text=gettext_lazy("So that you recognise it in this list, e.g. “Tablet at school”."),
    )


def _endpoints():
    statements = f"{settings.MANABI_BASE_URL}{reverse('xapi_statements')}"
    # xAPI apps ask for the endpoint and add "statements" themselves.
    return {"endpoint": statements.removesuffix("statements"), "statements": statements}


@never_cache  # the one response that shows a secret must not be kept anywhere
@login_required
def xapi_credentials(request):
    """The learner's connected apps; a POST connects a new one and shows its secret once."""
    form = ConnectAppForm(request.POST or None)
    created = secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created, secret = create_xapi_credential(
                request.user, label=form.cleaned_data["label"], acting_user=request.user
            )
            form = ConnectAppForm()
        else:
            status = 400
    credentials = XAPICredential.objects.filter(user=request.user).order_by(
        "revoked_at", "-created_at", "-pk"
    )
    return TemplateResponse(
        request,
        "learners/xapi_credentials.html",
        {
            "form": form,
            "credentials": credentials,
            "created": created,
            "secret": secret,
            **_endpoints(),
        },
        status=status,
    )


@login_required
@require_POST
def revoke_xapi_app(request, key):
    credential = get_object_or_404(XAPICredential, user=request.user, key=key)
    if credential.revoked_at is None:
        revoke_xapi_credential(credential, acting_user=request.user)
        messages.success(
            request,
            _("“%(label)s” is disconnected: it can no longer send your learning records.")
            % {"label": credential.label},
        )
    return redirect("learners:xapi_credentials")
