"""The coordinator's shifts in the admin: who is coming (with contact and languages), the
waitlist, and after the shift who came and the hours that count.

Only the shifts of the user's own organisations (``opportunities.permissions``); another
organisation's shift answers 403 on every URL.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from learners.permissions import has_permission
from opportunities.models import Placement, ProfileLanguage, Shift
from opportunities.permissions import opportunities_managed_by
from opportunities.services.hours import HoursRefused, record_attendance

VIEW_SHIFTS = "opportunities.view_opportunity"
# Shifts listed: from a week ago (hours to record) to what is coming.
RECENT_DAYS = 7


def _shifts_of(user):
    return Shift.objects.filter(opportunity__in=opportunities_managed_by(user, "view"))


def shift_index(request):
    if not has_permission(request.user, VIEW_SHIFTS):
        raise PermissionDenied
    since = timezone.now() - timezone.timedelta(days=RECENT_DAYS)
    shifts = (
        _shifts_of(request.user)
        .filter(ends_at__gte=since)
        .select_related("opportunity__organisation")
        .annotate(
            coming=Count("placements", filter=Q(placements__status=Placement.Status.CONFIRMED)),
            waiting=Count("placements", filter=Q(placements__status=Placement.Status.WAITLISTED)),
        )
        .order_by("starts_at", "id")[:200]
    )
    return TemplateResponse(request, "opportunities/admin/shift_index.html", {"shifts": shifts})


def _visible_shift(request, shift_id):
    if not has_permission(request.user, VIEW_SHIFTS):
        raise PermissionDenied
    shift = get_object_or_404(
        Shift.objects.select_related("opportunity__organisation"), pk=shift_id
    )
    if not _shifts_of(request.user).filter(pk=shift.pk).exists():
        raise PermissionDenied
    return shift


def shift_detail(request, shift_id):
    shift = _visible_shift(request, shift_id)
    placements = list(
        shift.placements.exclude(status=Placement.Status.CANCELLED)
        .select_related("learner__learner_profile__district", "learner__matching_profile")
        .prefetch_related(
            Prefetch(
                "learner__matching_profile__languages",
                queryset=ProfileLanguage.objects.select_related("language").order_by(
                    "-level", "language__sort_order"
                ),
            )
        )
        .order_by("status", "status_changed_at", "id")
    )
    coming = [p for p in placements if p.status == Placement.Status.CONFIRMED]
    waiting = [p for p in placements if p.status == Placement.Status.WAITLISTED]
    return TemplateResponse(
        request,
        "opportunities/admin/shift_detail.html",
        {
            "shift": shift,
            "coming": coming,
            "waiting": waiting,
            "ended": shift.ends_at <= timezone.now(),
            "may_record": has_permission(request.user, "opportunities.change_opportunity"),
        },
    )


@require_POST
def record(request, shift_id, placement_id):
    shift = _visible_shift(request, shift_id)
    placement = get_object_or_404(Placement, pk=placement_id, shift=shift)
    attended = request.POST.get("attended")
    try:
        record_attendance(
            placement,
            attended=attended == "yes",
            hours=request.POST.get("hours", "").strip() or None,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
        )
    except HoursRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Recorded."))
    return redirect("shifts:detail", shift.pk)


class ShiftsMenuItem(MenuItem):
    def is_shown(self, request):
        return has_permission(request.user, VIEW_SHIFTS)


class ShiftViewSet(ViewSet):
    """Shifts in the admin, under the "Local activities" menu."""

    icon = "time"
    menu_label = gettext_lazy("Shifts and hours")
    menu_order = 250

    def get_urlpatterns(self):
        return [
            path("", shift_index, name="index"),
            path("<int:shift_id>/", shift_detail, name="detail"),
            path("<int:shift_id>/places/<int:placement_id>/", record, name="record"),
        ]

    @property
    def url_namespace(self):
        return "shifts"

    def get_menu_item(self, order=None):
        return ShiftsMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name="shifts",
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )
