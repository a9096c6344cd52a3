"""The H5P packages area of the Wagtail admin: list, upload, detail, delete.

Uploading needs ``courses.upload_h5ppackage`` (library JavaScript runs in our
origin); seeing packages needs it or ``courses.view_h5ppackage``; deleting needs
``courses.delete_h5ppackage`` and is refused while a lesson uses the package.
"""

import functools

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from courses.h5p.forms import H5PUploadForm
from courses.h5p.media import insecure_media_paths, stored_content, streamed_media_paths
from courses.h5p.selectors import lessons_using_package
from courses.h5p.services import (
    H5PPackageInUse,
    H5PValidationError,
    delete_h5p_package,
    import_h5p_package,
)
from courses.models import H5PPackage

UPLOAD_PERMISSION = "courses.upload_h5ppackage"
VIEW_PERMISSION = "courses.view_h5ppackage"
DELETE_PERMISSION = "courses.delete_h5ppackage"


def can_see_packages(user):
    return user.has_perm(UPLOAD_PERMISSION) or user.has_perm(VIEW_PERMISSION)


def allowed_only_for(check, reason):
    """Answer 403 with ``reason`` to admin users for whom ``check(user)`` is false.

    (Wagtail itself sends people without admin access to its login page first.)
    """

    def decorator(view):
        @functools.wraps(view)
        def guarded_view(request, *args, **kwargs):
            if not check(request.user):
                return TemplateResponse(
                    request,
                    "courses/h5p/permission_denied.html",
                    {"reason": reason},
                    status=403,
                )
            return view(request, *args, **kwargs)

        return guarded_view

    return decorator


class H5PPackagesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_packages(request.user)


@allowed_only_for(can_see_packages, gettext_lazy("You may not see H5P packages."))
def package_list(request):
    packages = (
        H5PPackage.objects.select_related("main_library", "uploaded_by")
        .annotate(library_count=Count("libraries"))
        .order_by("-uploaded_at", "-pk")
    )
    return TemplateResponse(
        request,
        "courses/h5p/package_list.html",
        {"packages": packages, "can_upload": request.user.has_perm(UPLOAD_PERMISSION)},
    )


@allowed_only_for(
    lambda user: user.has_perm(UPLOAD_PERMISSION),
    gettext_lazy(
        "Only faculty authors and curriculum supervisors may upload H5P packages: "
        "their JavaScript runs on this site."
    ),
)
def package_upload(request):
    form = H5PUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                package = import_h5p_package(form.cleaned_data["file"], uploaded_by=request.user)
            except H5PValidationError as error:
                form.add_error(
                    "file",
                    _("%(message)s (rule: %(rule)s)")
                    % {"message": error.message, "rule": error.rule},
                )
            else:
                messages.success(request, _("“%(title)s” was uploaded.") % {"title": package.title})
                return redirect("h5p_packages:detail", package.pk)
        status = 400
    return TemplateResponse(
        request, "courses/h5p/package_upload.html", {"form": form}, status=status
    )


@allowed_only_for(can_see_packages, gettext_lazy("You may not see H5P packages."))
def package_detail(request, pk):
    package = get_object_or_404(
        H5PPackage.objects.select_related("main_library", "uploaded_by"), pk=pk
    )
    lessons = lessons_using_package(package)
    content = stored_content(package.storage_folder) or {}
    return TemplateResponse(
        request,
        "courses/h5p/package_detail.html",
        {
            "package": package,
            "insecure_media": insecure_media_paths(content),
            "streamed_media": streamed_media_paths(content),
            "libraries": package.libraries.order_by("machine_name", "major_version"),
            "lessons": lessons,
            "can_delete": request.user.has_perm(DELETE_PERMISSION) and not lessons,
        },
    )


@allowed_only_for(
    lambda user: user.has_perm(DELETE_PERMISSION),
    gettext_lazy("You may not delete H5P packages."),
)
def package_delete(request, pk):
    package = get_object_or_404(H5PPackage, pk=pk)
    lessons = lessons_using_package(package)
    if request.method == "POST":
        try:
            delete_h5p_package(package)
        except H5PPackageInUse as refusal:
            messages.error(request, str(refusal))
            return redirect("h5p_packages:detail", package.pk)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": package.title})
        return redirect("h5p_packages:index")
    return TemplateResponse(
        request, "courses/h5p/package_delete.html", {"package": package, "lessons": lessons}
    )


class H5PPackageViewSet(ViewSet):
    name = "h5p_packages"
    url_prefix = "h5p-packages"
    icon = "media"
    menu_label = gettext_lazy("H5P packages")
    add_to_admin_menu = True
    menu_order = 300

    @property
    def menu_item_class(self):
        return H5PPackagesMenuItem

    def get_urlpatterns(self):
        return [
            path("", package_list, name="index"),
            path("upload/", package_upload, name="upload"),
            path("<int:pk>/", package_detail, name="detail"),
            path("<int:pk>/delete/", package_delete, name="delete"),
        ]
