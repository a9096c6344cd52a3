"""The admin chooser of H5P packages, used by the lesson's H5P activity block.

Packages are only ever created by the importer (courses.h5p.services), so the
chooser offers no creation form.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.chooser import ChooserViewSet


class H5PPackageChooserViewSet(ChooserViewSet):
    model = "courses.H5PPackage"
    icon = "form"
    choose_one_text = _("Choose an H5P activity")
    choose_another_text = _("Choose another H5P activity")
    edit_item_text = _("Show the H5P package")
    per_page = 20


h5p_package_chooser_viewset = H5PPackageChooserViewSet("h5p_package_chooser")
H5PPackageChooserBlock = h5p_package_chooser_viewset.get_block_class(
    name="H5PPackageChooserBlock", module_path="courses.h5p.chooser"
)
