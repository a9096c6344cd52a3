"""Admin hooks of learners/: the course report (URLs, buttons on course pages, menu item)."""

from django import forms
from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.models import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from courses.models import CoursePage
from learners import admin_views
from learners.models import BadgeAward
from learners.reports import can_see_course_reports


@hooks.register("register_admin_urls")
def register_course_report_urls():
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


@hooks.register("register_page_header_buttons")
def course_report_header_button(page, user, view_name, next_url=None):
    if _is_course(page) and can_see_course_reports(user):
        yield _report_button(page, priority=85)


@hooks.register("register_page_listing_more_buttons")
def course_report_listing_button(page, user, next_url=None):
    if _is_course(page) and can_see_course_reports(user):
        yield _report_button(page, priority=70)


class CourseReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_course_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_course_reports_menu_item():
    return CourseReportsMenuItem(
        _("Course reports"),
        reverse("learners_course_report_index"),
        name="course-reports",
        icon_name="table",
        order=650,
    )


# Badge awards: staff award badges by hand (with evidence) and revoke them ------------


class BadgeAwardCreateView(CreateView):
    """Awarding goes through ``award_badge``, so it is idempotent and the learner is told."""

    def save_instance(self):
        from learners.services.badges import award_badge

        data = self.form.cleaned_data
        award, created = award_badge(
            data["user"],
            data["badge"],
            awarded_by=self.request.user,
            narrative=data.get("narrative", ""),
            evidence_url=data.get("evidence_url", ""),
        )
        if not created:
            messages.warning(self.request, _("This learner already holds this badge."))
        return award


class BadgeAwardEditView(EditView):
    """Editing an award means revoking it, with a reason (through ``revoke_badge``)."""

    def save_instance(self):
        from learners.services.badges import revoke_badge

        return revoke_badge(self.object, reason=self.form.cleaned_data["revocation_reason"])


class BadgeAwardForm(WagtailAdminModelForm):
    def clean_revocation_reason(self):
        reason = self.cleaned_data.get("revocation_reason", "")
        if self.instance.pk and not reason.strip():
            raise forms.ValidationError(_("Give a reason for revoking the badge."))
        return reason


class BadgeAwardViewSet(ModelViewSet):
    model = BadgeAward
    icon = "tag"
    menu_label = gettext_lazy("Badge awards")
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


@hooks.register("register_admin_viewset")
def register_badge_award_viewset():
    return BadgeAwardViewSet("badge_awards")
