"""Organisations that offer local roles, and the coordinators who act for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from curriculum.models import in_active_language


class HttpsURLField(models.URLField):
    """A web address; typed without a scheme it is taken as https (Django 6's default)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class Organisation(models.Model):
    """A 町内会, 公民館, 老人会, NPO, school, company or city department.

    Its coordinators see and edit its opportunities, runs and proposals in the admin, and
    nobody else's (``opportunities.permissions``); City staff see every organisation.
    """

    class Kind(models.TextChoices):
        NEIGHBOURHOOD_ASSOCIATION = "neighbourhood", _("Neighbourhood association (町内会)")
        COMMUNITY_CENTRE = "community_centre", _("Community centre (公民館)")
        SENIORS_CLUB = "seniors_club", _("Seniors' club (老人会)")
        NPO = "npo", _("NPO")
        SCHOOL = "school", _("School")
        COMPANY = "company", _("Company")
        CITY_DEPARTMENT = "city_department", _("City department")

    name_ja = models.CharField(_("name (Japanese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        "learners.District",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    website = HttpsURLField(_("web site"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_organisations",
        verbose_name=_("coordinators"),
        help_text=_("People with the Coordinator role who act for this organisation."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name_ja"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            (
                "act_for_all_organisations",
                _("Can see and change the records of every organisation"),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return in_active_language(self.name_ja, self.name_en or self.name_ja)
