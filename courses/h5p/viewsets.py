"""The H5P packages area of the Wagtail admin: list, upload, detail, delete.

Uploading needs ``courses.upload_h5ppackage`` (library JavaScript runs in our
origin); seeing packages needs it or ``courses.view_h5ppackage``; deleting needs
``courses.delete_h5ppackage`` and is refused while a lesson uses the package.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from courses.h5p.forms import H5PUploadForm
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


def require(allowed):
    if not allowed:
        raise PermissionDenied


class H5PPackagesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_packages(request.user)


def package_list(request):
    require(can_see_packages(request.user))
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


def package_upload(request):
    require(request.user.has_perm(UPLOAD_PERMISSION))
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


def package_detail(request, pk):
    require(can_see_packages(request.user))
    package = get_object_or_404(
        H5PPackage.objects.select_related("main_library", "uploaded_by"), pk=pk
    )
    lessons = lessons_using_package(package)
    return TemplateResponse(
        request,
        "courses/h5p/package_detail.html",
        {
            "package": package,
            "libraries": package.libraries.order_by("machine_name", "major_version"),
            "lessons": lessons,
            "can_delete": request.user.has_perm(DELETE_PERMISSION) and not lessons,
        },
    )


def package_delete(request, pk):
    require(request.user.has_perm(DELETE_PERMISSION))
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
