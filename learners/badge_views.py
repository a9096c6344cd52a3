"""Open Badges 2.0 hosted verification (no language prefix) and the public verify page."""

import math
import time

from allauth.account.adapter import get_adapter
from django import forms
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from curriculum.models import BadgeDefinition
from learners.badge_png import NotABakedBadge, baked_assertion
from learners.models import BadgeAward
from learners.open_badges import (
    assertion_json,
    badge_class_json,
    badge_png,
    check_badge,
    is_published,
    issuer_json,
    issuer_png,
    revoked_json,
)

JSON_TYPES = ("application/ld+json", "application/json")
MAX_VERIFY_UPLOAD_BYTES = 2 * 1024 * 1024
IMAGE_CACHE_SECONDS = 24 * 60 * 60
# Checks per client address per window: plenty for a person checking badges by hand,
# and it bounds what one address can make the server do (the cache is shared by all
# workers in production).
VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 60
_clock = time.time  # replaced in tests, so a window cannot end in the middle of one


def wants_json(request):
    """JSON-LD for verifiers (Accept: application/ld+json or application/json, or no
    preference); HTML for browsers, which ask for text/html first."""
    accept = request.headers.get("Accept", "")
    if not accept or accept.strip() == "*/*":
        return True
    positions = {kind: accept.find(kind) for kind in (*JSON_TYPES, "text/html") if kind in accept}
    if not positions:
        return False
    first = min(positions, key=positions.get)
    return first in JSON_TYPES


def json_ld(data, status=200):
    response = JsonResponse(
        data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept"
    return response


def _html(request, template, context, status=200):
    response = TemplateResponse(request, template, context, status=status)
    response["Vary"] = "Accept"
    return response


@require_GET
def issuer(request):
    data = issuer_json()
    if wants_json(request):
        return json_ld(data)
    return _html(request, "learners/badges/issuer.html", {"issuer": data})


@require_GET
def issuer_image(_request):
    return _png(issuer_png())


def _png(data, *, filename=None):
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={IMAGE_CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def badge_class(request, uuid):
    badge = get_object_or_404(
        BadgeDefinition.objects.prefetch_related("sdgs", "competencies"), uuid=uuid
    )
    data = badge_class_json(badge)
    if wants_json(request):
        return json_ld(data)
    return _html(request, "learners/badges/badge_class.html", {"badge": badge, "data": data})


@require_GET
def badge_image(_request, uuid):
    badge = get_object_or_404(
        BadgeDefinition.objects.select_related("image", "life_stage").prefetch_related("sdgs"),
        uuid=uuid,
    )
    return _png(badge_png(badge))


@require_GET
def assertion(request, uuid):
    award = get_object_or_404(
        BadgeAward.objects.select_related("badge", "user", "user__learner_profile"), uuid=uuid
    )
    if not is_published(award):
        raise Http404  # a child's badge, until a guardian shares it
    if award.revoked:
        if wants_json(request):
            return json_ld(revoked_json(award), status=410)
        return _html(request, "learners/badges/assertion.html", {"award": award}, status=410)
    if wants_json(request):
        return json_ld(assertion_json(award))
    return _html(
        request,
        "learners/badges/assertion.html",
        {"award": award, "data": assertion_json(award), "show_name": award.public},
    )


class VerifyForm(forms.Form):
    badge_file = forms.FileField(
        label=gettext_lazy("Badge image (PNG)"),
        required=False,
        help_text=gettext_lazy("A badge image downloaded from this platform, at most 2 MB."),
    )
    assertion_url = forms.URLField(
        label=gettext_lazy("…or the badge's address"),
        required=False,
        assume_scheme="https",
        max_length=500,
    )
    email = forms.EmailField(
        label=gettext_lazy("Email address of the person (optional)"),
        required=False,
        help_text=gettext_lazy("We check whether the badge was issued to this address."),
    )

    def clean_badge_file(self):
        upload = self.cleaned_data.get("badge_file")
        if upload and upload.size > MAX_VERIFY_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("badge_file") and not cleaned.get("assertion_url"):
            raise forms.ValidationError(_("Choose a badge image or type the badge's address."))
        return cleaned


def _verify_wait(request):
    """Seconds the client must wait before checking again (0: it may check now).

    A fixed window per address: the key names the window, so no backend's handling of
    expiry on increment can stretch it.
    """
    now = _clock()
    window = int(now // VERIFY_WINDOW_SECONDS)
    address = get_adapter(request).get_client_ip(request)  # as allauth's login limits
    key = f"badge-verify:{address}:{window}"
    cache.add(key, 0, VERIFY_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, VERIFY_WINDOW_SECONDS * 2)
        count = 1
    if count <= VERIFY_LIMIT:
        return 0
    return max(1, math.ceil((window + 1) * VERIFY_WINDOW_SECONDS - now))


def verify(request):
    """Check a baked PNG or one of our assertion URLs. Never fetches anything."""
    if request.method == "POST":
        wait = _verify_wait(request)
        if wait:
            problem = _(
                "Too many badges were checked from your address in a short time. "
                "Please wait a minute and try again."
            )
            response = TemplateResponse(
                request,
                "learners/badges/verify.html",
                {"form": VerifyForm(), "result": None, "problem": problem},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = problem = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("badge_file")
            try:
                presented = (
                    baked_assertion(upload.read(MAX_VERIFY_UPLOAD_BYTES + 1))
                    if upload
                    else form.cleaned_data["assertion_url"]
                )
            except NotABakedBadge as error:
                problem = str(error)
                status = 400
            else:
                result = check_badge(presented, email=form.cleaned_data.get("email", ""))
        else:
            status = 400
    return TemplateResponse(
        request,
        "learners/badges/verify.html",
        {"form": form, "result": result, "problem": problem},
        status=status,
    )
