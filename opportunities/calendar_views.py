"""Learners' placements in their own calendar apps.

- /calendar/<token>.ics: the private feed a calendar app subscribes to. No login (apps
  cannot log in): the unguessable token is the key, and an unknown token is a 404.
- /me/calendar/: the learner's feed address, how to subscribe, and resetting it.
- /me/placements/<id>.ics: one placement as a file to open in a calendar app.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from learners.dashboard_links import DashboardLink
from opportunities.calendars import (
    calendar_placements,
    placements_calendar,
    upcoming_confirmed_count,
)
from opportunities.models import CalendarFeed, Placement
from opportunities.services.calendars import feed_for, reset_feed

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _calendar_response(content, *, filename, attachment):
    response = HttpResponse(content, content_type=CALENDAR_CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # The addresses are private: never listed by search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def feed_url(feed):
    """The feed's absolute address (https://…/calendar/<token>.ics)."""
    return settings.MANABI_BASE_URL + reverse("calendar_feed", args=[feed.token])


def webcal_url(url):
    """The same address with the webcal scheme, which opens the subscription dialog of
    calendar apps (Apple Calendar, Outlook) instead of downloading the file."""
    return "webcal://" + url.split("://", 1)[1]


@require_safe
@never_cache
def calendar_feed(request, token):
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    content = placements_calendar(
        calendar_placements(feed.user), name=_("Manabi: my local activities")
    )
    return _calendar_response(content, filename="manabi.ics", attachment=False)


@login_required
def calendar_settings(request):
    if request.method == "POST":
        reset_feed(request.user, acting_user=request.user)
        messages.success(
            request,
            _(
                "Your calendar has a new address. The old one no longer works: subscribe "
                "again with the new address in each calendar app."
            ),
        )
        return redirect("calendar_settings")
    feed = feed_for(request.user)
    url = feed_url(feed)
    now = timezone.now()
    upcoming = [
        placement
        for placement in calendar_placements(request.user, now=now)
        if placement.shift.ends_at > now
    ]
    return TemplateResponse(
        request,
        "opportunities/calendar/settings.html",
        {"feed_url": url, "webcal_url": webcal_url(url), "upcoming": upcoming},
    )


@login_required
@require_safe
@never_cache
def placement_ics(request, placement_id):
    """One confirmed placement of the signed-in learner as a file; anyone else's, or a
    waitlisted or cancelled one, is a 404."""
    placement = (
        Placement.objects.select_related(
            "shift__opportunity__organisation", "shift__opportunity__district"
        )
        .filter(pk=placement_id, learner=request.user, status=Placement.Status.CONFIRMED)
        .first()
    )
    if placement is None:
        raise Http404
    content = placements_calendar([placement], name=placement.shift.opportunity.title_ja)
    starts = timezone.localtime(placement.shift.starts_at)
    return _calendar_response(
        content, filename=f"manabi-{starts:%Y-%m-%d}-{placement.pk}.ics", attachment=True
    )


def calendar_dashboard_link(user):
    """The card on /me/ (registered in OpportunitiesConfig.ready): how many confirmed
    activities are coming, and the page that puts them in the learner's calendar."""
    count = upcoming_confirmed_count(user)
    if count:
        description = ngettext(
            "You have %(count)s upcoming confirmed activity. Add it to your calendar app "
            "to be reminded the day before.",
            "You have %(count)s upcoming confirmed activities. Add them to your calendar "
            "app to be reminded the day before.",
            count,
        ) % {"count": count}
    else:
        description = _(
            "You have no upcoming confirmed activities. When you take a place on one, it "
            "appears in your calendar app."
        )
    return DashboardLink(
        title=_("My calendar"),
        description=description,
        url=reverse("calendar_settings"),
        action=_("Add my activities to my calendar"),
    )
