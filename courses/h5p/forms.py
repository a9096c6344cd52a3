"""The upload form of the H5P admin."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class H5PUploadForm(forms.Form):
    file = forms.FileField(
        label=_("H5P file"),
        help_text=_(
            "An .h5p package exported from H5P. Its libraries run JavaScript on this "
            "site, so upload only packages from sources you trust."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p,application/zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.MANABI_H5P_MAX_TOTAL_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        return upload
