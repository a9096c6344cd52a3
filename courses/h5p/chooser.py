"""The admin chooser of H5P packages, used by the lesson's H5P activity block.

Packages are only ever created by the importer (courses.h5p.services), so the
chooser offers no creation form. Only the people who place packages in lessons (holders
of ``courses.upload_h5ppackage`` or ``courses.view_h5ppackage``: faculty authors and
curriculum supervisors) may open it; anyone else with admin access gets a 403.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet


class _PackageAuthorsOnly:
    def dispatch(self, request, *args, **kwargs):
        # Imported here: the H5P admin imports the lesson models, which import this block.
        from courses.h5p.viewsets import can_see_packages

        if not can_see_packages(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ChoosePackageView(_PackageAuthorsOnly, chooser_views.ChooseView):
    pass


class ChoosePackageResultsView(_PackageAuthorsOnly, chooser_views.ChooseResultsView):
    pass


class ChosenPackageView(_PackageAuthorsOnly, chooser_views.ChosenView):
    pass


class ChosenPackagesView(_PackageAuthorsOnly, chooser_views.ChosenMultipleView):
    pass


class H5PPackageChooserViewSet(ChooserViewSet):
    model = "courses.H5PPackage"
    choose_view_class = ChoosePackageView
    choose_results_view_class = ChoosePackageResultsView
    chosen_view_class = ChosenPackageView
    chosen_multiple_view_class = ChosenPackagesView
    icon = "form"
    choose_one_text = _("Choose an H5P activity")
    choose_another_text = _("Choose another H5P activity")
    edit_item_text = _("Show the H5P package")
    per_page = 20


h5p_package_chooser_viewset = H5PPackageChooserViewSet("h5p_package_chooser")
H5PPackageChooserBlock = h5p_package_chooser_viewset.get_block_class(
    name="H5PPackageChooserBlock", module_path="courses.h5p.chooser"
)
