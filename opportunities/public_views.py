"""The public pages of opportunities: the list residents filter, and one opportunity
with its dates. Anyone may read them; only open opportunities are shown."""

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from curriculum.views import json_ld_script
from opportunities.selectors import opportunity_list as opportunity_list_context
from opportunities.selectors import public_opportunity

# schema.org has no type for a volunteer role; its dates are a series of events.
OPPORTUNITY_TYPE = "EventSeries"
CITY = "小松市"
PREFECTURE = "石川県"


@require_GET
def opportunity_list(request):
    return TemplateResponse(
        request, "opportunities/public/opportunity_list.html", opportunity_list_context(request.GET)
    )


@require_GET
def opportunity_detail(request, pk):
    opportunity = public_opportunity(pk)
    if opportunity is None:
        raise Http404
    return TemplateResponse(
        request,
        "opportunities/public/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "organisation": opportunity.organisation,
            "requirements": opportunity.requirements,
            "json_ld": json_ld_script(opportunity_structured_data(opportunity)),
        },
    )


def _address():
    return {
        "@type": "PostalAddress",
        "addressLocality": CITY,
        "addressRegion": PREFECTURE,
        "addressCountry": "JP",
        # PostalAddress has no field for a district (地区): the area it lies in says it.
    }


def _district_area(district):
    return {"@type": "AdministrativeArea", "name": f"{CITY} {district.name_ja}"}


def _place(name, opportunity):
    place = {
        "@type": "Place",
        "name": name,
        "address": _address(),
        "containedInPlace": _district_area(opportunity.district),
    }
    if opportunity.latitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(opportunity.latitude),
            "longitude": float(opportunity.longitude),
        }
    return place


def _organizer(organisation):
    organizer = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        organizer["url"] = organisation.website
    return organizer


def permanent_url(opportunity):
    """The opportunity's absolute address in the default language (no prefix)."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{settings.MANABI_BASE_URL}{opportunity.get_absolute_url()}"


def opportunity_structured_data(opportunity):
    """The opportunity as schema.org data: an event series whose upcoming shifts are its
    events, each with its times (ISO 8601 in Asia/Tokyo, +09:00), place and places."""
    url = permanent_url(opportunity)
    organizer = _organizer(opportunity.organisation)
    events = [
        {
            "@type": "Event",
            "name": opportunity.title,
            "startDate": timezone.localtime(shift.starts_at).isoformat(),
            "endDate": timezone.localtime(shift.ends_at).isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": _place(shift.place, opportunity),
            "organizer": organizer,
            "maximumAttendeeCapacity": shift.capacity,
            "remainingAttendeeCapacity": shift.places_left,
            "url": url,
        }
        for shift in opportunity.upcoming_shifts
    ]
    return {
        "@type": OPPORTUNITY_TYPE,
        "@id": url,
        "url": url,
        "name": opportunity.title,
        "description": opportunity.description,
        "organizer": organizer,
        "location": _place(str(opportunity.district), opportunity),
        "about": [
            {"@type": "Thing", "name": f"SDG {goal.number}: {goal.name}"}
            for goal in opportunity.sdgs.all()
        ],
        "subEvent": events,
    }
