"""The audit log of a person's record: who awarded, revoked or shared a badge, changed
someone's roles or guardians, gave a guardian's consent, edited a profile, connected or
disconnected an xAPI app or exported a course report, and when.

Entries are Wagtail log entries of their own model, so they appear in the admin's
"Site history" report (filtered by action, user and date) and in each badge award's
history, but only to holders of ``learners.view_auditlogentry`` (city staff and
superusers): Wagtail's own rule would show an entry to anyone with any permission on
the object's model. Nobody may add, change or delete entries.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import LogFormatter, get_active_log_context
from wagtail.models import BaseLogEntry, BaseLogEntryManager

READ_PERMISSION = "learners.view_auditlogentry"

AWARD_BADGE = "learners.award_badge"
REVOKE_BADGE = "learners.revoke_badge"
SHOW_BADGE = "learners.show_badge"
HIDE_BADGE = "learners.hide_badge"
SHARE_CHILD_BADGE = "learners.share_child_badge"
ADD_TO_ROLE = "learners.add_to_role"
REMOVE_FROM_ROLE = "learners.remove_from_role"
LINK_GUARDIAN = "learners.link_guardian"
UNLINK_GUARDIAN = "learners.unlink_guardian"
GUARDIAN_CONSENT = "learners.guardian_consent"
REGISTER_LEARNER = "learners.register_learner"
UPDATE_PROFILE = "learners.update_profile"
EXPORT_COURSE_REPORT = "learners.export_course_report"
CREATE_XAPI_CREDENTIAL = "learners.create_xapi_credential"
REVOKE_XAPI_CREDENTIAL = "learners.revoke_xapi_credential"


class AuditLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        return super().log_action(instance, action, object_id=str(instance.pk), **kwargs)

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )

    def viewable_by_user(self, user):
        return self.all() if user.has_perm(READ_PERMISSION) else self.none()


class AuditLogEntry(BaseLogEntry):
    """One action on a person's record (Wagtail's log entry, with our reading rule)."""

    object_id = models.CharField(max_length=255, db_index=True)

    objects = AuditLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        default_permissions = ("view",)
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")


def record(instance, action, *, acting_user, title=None, data=None, deleted=False):
    """Log ``action`` on ``instance`` by ``acting_user`` (None: the platform itself)."""
    return AuditLogEntry.objects.log_action(
        instance,
        action,
        user=acting_user,
        title=title,
        data=data or {},
        deleted=deleted,
    )


# Group changes --------------------------------------------------------------------------


def record_role_changes(instance, action, reverse, model, pk_set, **_kwargs):
    """Log every change of someone's groups (roles), however it is made: ``add_to_role``,
    the Wagtail user and group editors, or the shell. The actor is the active Wagtail log
    context's user: the admin sets it for every admin request, ``add_to_role`` to its
    ``acting_user``; without one it is the platform."""
    if action == "pre_clear":
        # clear() names no groups afterwards: remember them now.
        related = instance.user_set if reverse else instance.groups
        instance._manabi_cleared_pks = set(related.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_manabi_cleared_pks", set())
    elif action not in ("post_add", "post_remove"):
        return
    if not pk_set:
        return
    verb = REMOVE_FROM_ROLE if action in ("post_remove", "post_clear") else ADD_TO_ROLE
    acting_user = get_active_log_context().user
    if reverse:  # group.user_set.add(users…)
        changes = [(user, instance) for user in model.objects.filter(pk__in=pk_set)]
    else:  # user.groups.add(groups…)
        changes = [(instance, group) for group in model.objects.filter(pk__in=pk_set)]
    for user, group in changes:
        record(user, verb, acting_user=acting_user, data={"role": group.name})


def connect_role_change_logging():
    m2m_changed.connect(
        record_role_changes,
        sender=get_user_model().groups.through,
        dispatch_uid="learners.audit.record_role_changes",
    )


# What the entries say (registered through the ``register_log_actions`` hook) --------------


class _RoleFormatter(LogFormatter):
    template = ""

    def format_message(self, log_entry):
        from learners.roles import ROLES_BY_NAME

        name = log_entry.data.get("role", "")
        role = ROLES_BY_NAME.get(name)
        # The role's translated label; a group staff made by hand shows its own name.
        return self.template % {"role": role.label if role else name}


class _AddedToRole(_RoleFormatter):
    label = _("Add to role")
    template = _("Added to the role “%(role)s”")


class _RemovedFromRole(_RoleFormatter):
    label = _("Remove from role")
    template = _("Removed from the role “%(role)s”")


class _BadgeRevoked(LogFormatter):
    label = _("Revoke badge")
    message = _("Badge revoked")

    def format_comment(self, log_entry):
        return log_entry.data.get("reason", "")


class _GuardianConsent(LogFormatter):
    label = _("Guardian's consent")

    def format_message(self, log_entry):
        if log_entry.data.get("granted"):
            return _("The guardian agreed to share the child's learning records")
        return _("The guardian withdrew consent to share the child's learning records")


class _CourseReportExported(LogFormatter):
    label = _("Export course report")

    def format_message(self, log_entry):
        count = log_entry.data.get("learners", 0)
        return ngettext(
            "Course report exported as CSV (%(count)d learner)",
            "Course report exported as CSV (%(count)d learners)",
            count,
        ) % {"count": count}


SIMPLE_ACTIONS = (
    (AWARD_BADGE, _("Award badge"), _("Badge awarded")),
    (SHOW_BADGE, _("Show badge publicly"), _("Badge shown publicly")),
    (HIDE_BADGE, _("Hide badge"), _("Badge hidden")),
    (SHARE_CHILD_BADGE, _("Share a child's badge"), _("Badge shared by a guardian")),
    (LINK_GUARDIAN, _("Link guardian"), _("Guardian linked to the child")),
    (UNLINK_GUARDIAN, _("Unlink guardian"), _("Guardian unlinked from the child")),
    (REGISTER_LEARNER, _("Register learner"), _("Learner registered")),
    (UPDATE_PROFILE, _("Edit learner profile"), _("Learner profile edited")),
    (CREATE_XAPI_CREDENTIAL, _("Connect an xAPI app"), _("Connected an xAPI app")),
    (REVOKE_XAPI_CREDENTIAL, _("Disconnect an xAPI app"), _("Disconnected an xAPI app")),
)
FORMATTED_ACTIONS = (
    (ADD_TO_ROLE, _AddedToRole),
    (REMOVE_FROM_ROLE, _RemovedFromRole),
    (REVOKE_BADGE, _BadgeRevoked),
    (GUARDIAN_CONSENT, _GuardianConsent),
    (EXPORT_COURSE_REPORT, _CourseReportExported),
)


def register_audit_log_actions(actions):
    """For the ``register_log_actions`` hook: our actions, and our entry model for the
    records whose every change is audited (Wagtail's own create/edit/delete of them too)."""
    from learners.models import BadgeAward, Guardianship

    actions.register_model(BadgeAward, AuditLogEntry)
    actions.register_model(Guardianship, AuditLogEntry)
    for action, label, message in SIMPLE_ACTIONS:
        actions.register_action(action, label, message)
    for action, formatter in FORMATTED_ACTIONS:
        actions.register_action(action)(formatter)
