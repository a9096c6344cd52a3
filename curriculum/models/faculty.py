"""Who writes and who approves: Kanazawa University faculty and the 大学監修 record."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from curriculum.models.reference import in_active_language


class FacultyMember(models.Model):
    """A Kanazawa University author or supervisor, as shown publicly on courses."""

    name_ja = models.CharField(_("name (Japanese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    title_ja = models.CharField(_("title (Japanese)"), max_length=60, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=80, blank=True)
    department = models.CharField(_("department"), max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="faculty_member",
        verbose_name=_("account"),
        help_text=_("The member's account on this site, if they have one."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("faculty member")
        verbose_name_plural = _("faculty members")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return in_active_language(self.name_ja, self.name_en)

    @property
    def title(self):
        return in_active_language(self.title_ja, self.title_en)


class SupervisionApproval(models.Model):
    """A university supervisor's approval of one revision of a page (大学監修).

    Written only from the workflow's own record (the approved task state), when
    Wagtail reports a workflow approval: never typed by anyone.
    """

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="supervision_approvals",
        verbose_name=_("page"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("revision"),
    )
    task_state = models.OneToOneField(
        "wagtailcore.TaskState",
        on_delete=models.SET_NULL,
        null=True,
        related_name="supervision_approval",
        verbose_name=_("workflow task"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approver_name = models.CharField(_("approver's name"), max_length=120)
    approved_at = models.DateTimeField(_("approved at"), db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-approved_at"]
        get_latest_by = "approved_at"
        verbose_name = _("supervision approval")
        verbose_name_plural = _("supervision approvals")

    def __str__(self):
        return f"{self.page_id} {self.approver_name} {self.approved_at:%Y-%m-%d}"
