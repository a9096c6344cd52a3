"""H5P packages and the library store they share (validated by courses.h5p)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class H5PLibrary(models.Model):
    """One H5P library in the shared store, kept once per machine name and major.minor.

    The player asks for ``<machineName>-<major>.<minor>/``; the patch version
    only says which files are stored now (a newer patch replaces them).
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    runnable = models.BooleanField(_("runnable"), default=False)
    storage_folder = models.CharField(_("storage folder"), max_length=500, unique=True)
    preloaded_js = models.JSONField(_("preloaded JavaScript files"), default=list, blank=True)
    preloaded_css = models.JSONField(_("preloaded CSS files"), default=list, blank=True)
    dependencies = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependants",
        verbose_name=_("dependencies"),
        help_text=_("Preloaded and dynamic dependencies (not editor-only ones)."),
    )
    library_json = models.JSONField(_("library.json"), default=dict)
    installed_at = models.DateTimeField(_("installed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="h5p_library_once_per_major_minor",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.full_version_name})"

    @property
    def folder_name(self):
        """The folder name h5p-standalone asks for: ``Machine.Name-1.16``."""
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"

    @property
    def full_version_name(self):
        return f"{self.machine_name} {self.major_version}.{self.minor_version}.{self.patch_version}"


class H5PPackage(models.Model):
    """An uploaded .h5p package: its content, stored per package, and the libraries it uses."""

    uuid = models.UUIDField(_("UUID"), unique=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=255)
    main_library = models.ForeignKey(
        H5PLibrary,
        on_delete=models.PROTECT,
        related_name="main_of_packages",
        verbose_name=_("main library"),
    )
    libraries = models.ManyToManyField(
        H5PLibrary,
        through="courses.H5PPackageLibrary",
        related_name="packages",
        verbose_name=_("libraries used"),
    )
    language = models.CharField(_("language"), max_length=32, blank=True)
    storage_folder = models.CharField(_("storage folder"), max_length=500, unique=True)
    h5p_json = models.JSONField(_("h5p.json"), default=dict)
    media_origins = models.JSONField(
        _("media origins"),
        default=list,
        blank=True,
        help_text=_(
            "The https sites its video, audio and captions are played from; lesson "
            "pages that use the package allow them."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-uploaded_at", "-pk"]
        # Library JavaScript runs in our origin: uploading is its own permission.
        permissions = [("upload_h5ppackage", "Can upload H5P packages")]

    def __str__(self):
        return self.title


class H5PPackageLibrary(models.Model):
    """A library a package uses (its preloaded dependencies and theirs, transitively)."""

    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="+")
    library = models.ForeignKey(H5PLibrary, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("library used by an H5P package")
        verbose_name_plural = _("libraries used by H5P packages")
        constraints = [
            models.UniqueConstraint(fields=["package", "library"], name="h5p_package_library_once")
        ]

    def __str__(self):
        return f"{self.package} – {self.library}"
