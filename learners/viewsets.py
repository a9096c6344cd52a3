"""The admin of learners/: course report URLs, buttons and menu item; badge awards; the
audit log's way in for city staff. ``wagtail_hooks`` registers what is defined here.

Every check is a named permission through ``learners.permissions``.
"""

from django import forms
from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.models import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from courses.models import CoursePage
from learners import admin_views
from learners.models import BadgeAward
from learners.permissions import VIEW_AUDIT_LOG, VIEW_COURSE_REPORT, has_permission
from learners.services.badges import (
    BadgeNotAwardable,
    award_badge,
    check_awardable,
    revoke_badge,
)

# Course reports ---------------------------------------------------------------------


def course_report_urls():
    return [
        path(
            "course-report/",
            admin_views.course_report_index,
            name="learners_course_report_index",
        ),
        path(
            "course-report/<int:page_id>/",
            admin_views.course_report_view,
            name="learners_course_report",
        ),
        path(
            "course-report/<int:page_id>/csv/",
            admin_views.course_report_csv,
            name="learners_course_report_csv",
        ),
    ]


def _is_course(page):
    return page.specific_class is not None and issubclass(page.specific_class, CoursePage)


def _report_button(page, priority):
    return Button(
        _("Course report"),
        url=reverse("learners_course_report", args=[page.pk]),
        icon_name="table",
        priority=priority,
    )


def course_report_header_buttons(page, user, **_kwargs):  # Wagtail passes view_name, next_url
    if _is_course(page) and has_permission(user, VIEW_COURSE_REPORT):
        yield _report_button(page, priority=85)


def course_report_listing_buttons(page, user, **_kwargs):  # and next_url
    if _is_course(page) and has_permission(user, VIEW_COURSE_REPORT):
        yield _report_button(page, priority=70)


class PermissionMenuItem(MenuItem):
    """A menu item shown to holders of one named permission."""

    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return has_permission(request.user, self.permission)


def course_reports_menu_item():
    return PermissionMenuItem(
        _("Course reports"),
        reverse("learners_course_report_index"),
        permission=VIEW_COURSE_REPORT,
        name="course-reports",
        icon_name="table",
        order=650,
    )


# The audit log ----------------------------------------------------------------------


def offer_site_history_to_audit_readers(request, menu_items):
    """``construct_reports_menu``: Wagtail shows "Site history" only to people who may
    explore pages; city staff read the learners' audit log there without editing pages."""
    if any(item.name == "site-history" for item in menu_items):
        return
    if has_permission(request.user, VIEW_AUDIT_LOG):
        menu_items.append(
            MenuItem(
                _("Site history"),
                reverse("wagtailadmin_reports:site_history"),
                name="site-history",
                icon_name="history",
                order=1000,
            )
        )


# Badge awards: staff award badges by hand (with evidence) and revoke them ------------


class BadgeAwardCreateView(CreateView):
    """Awarding goes through ``award_badge``: idempotent, logged, and the learner is told.
    A badge that cannot be awarded is a form error, never a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except BadgeNotAwardable as refusal:  # decided after the form was checked
            form.add_error("badge", str(refusal))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def save_instance(self):
        data = self.form.cleaned_data
        award, created = award_badge(
            data["user"],
            data["badge"],
            acting_user=self.request.user,
            narrative=data.get("narrative", ""),
            evidence_url=data.get("evidence_url", ""),
        )
        if not created:
            messages.warning(self.request, _("This learner already holds this badge."))
        return award


class BadgeAwardEditView(EditView):
    """Editing an award means revoking it, with a reason (through ``revoke_badge``)."""

    def save_instance(self):
        return revoke_badge(
            self.object,
            reason=self.form.cleaned_data["revocation_reason"],
            acting_user=self.request.user,
        )


class BadgeAwardForm(WagtailAdminModelForm):
    def clean_revocation_reason(self):
        reason = self.cleaned_data.get("revocation_reason", "")
        if self.instance.pk and not reason.strip():
            raise forms.ValidationError(_("Give a reason for revoking the badge."))
        return reason

    def clean(self):
        cleaned_data = super().clean()
        user, badge = cleaned_data.get("user"), cleaned_data.get("badge")
        if not self.instance.pk and user is not None and badge is not None:
            try:
                check_awardable(user, badge)
            except BadgeNotAwardable as refusal:
                self.add_error("badge", str(refusal))
        return cleaned_data


class BadgeAwardViewSet(ModelViewSet):
    model = BadgeAward
    icon = "tag"
    menu_label = _("Badge awards")
    menu_order = 330
    add_to_admin_menu = True
    add_view_class = BadgeAwardCreateView
    edit_view_class = BadgeAwardEditView
    list_display = ["badge", "user", "issued_on", "awarded_by", "revoked_at"]
    list_filter = ["badge", "revoked_at"]
    search_fields = ["user__username", "badge__name_ja"]
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        fields = (
            ["revocation_reason"] if for_update else ["user", "badge", "narrative", "evidence_url"]
        )
        return forms.modelform_factory(BadgeAward, form=BadgeAwardForm, fields=fields)
