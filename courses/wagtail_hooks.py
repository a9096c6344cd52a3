from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from courses import admin_views
from courses.h5p.viewsets import H5PPackageViewSet
from courses.models import LessonPage


@hooks.register("register_admin_urls")
def register_check_in_poster_urls():
    return [
        path(
            "courses/lessons/<int:lesson_id>/check-in-posters/",
            admin_views.check_in_posters,
            name="courses_check_in_posters",
        ),
        path(
            "courses/lessons/<int:lesson_id>/check-in-posters/<str:block_id>/",
            admin_views.check_in_poster,
            name="courses_check_in_poster",
        ),
    ]


@hooks.register("register_page_header_buttons")
def check_in_posters_button(page, **_kwargs):  # Wagtail passes user, view_name, next_url
    if page.specific_class is not None and issubclass(page.specific_class, LessonPage):
        yield Button(
            _("Check-in posters"),
            url=reverse("courses_check_in_posters", args=[page.pk]),
            icon_name="site",
            priority=80,
        )


@hooks.register("register_admin_viewset")
def register_h5p_package_viewset():
    return H5PPackageViewSet()


@hooks.register("register_permissions")
def register_h5p_package_permissions():
    return Permission.objects.filter(
        content_type__app_label="courses",
        codename__in=["upload_h5ppackage", "view_h5ppackage", "delete_h5ppackage"],
    )


@hooks.register("register_admin_viewset")
def register_h5p_package_chooser():
    from courses.h5p.chooser import h5p_package_chooser_viewset

    return h5p_package_chooser_viewset
