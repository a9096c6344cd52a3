"""Admin hooks of learners/: the course report (URLs, buttons on course pages, menu item)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from courses.models import CoursePage
from learners import admin_views
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
