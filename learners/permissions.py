"""Who may do what with a person's record: named permissions, checked here.

Each capability is a model permission (``app_label.codename``) declared on the model it
guards, granted to roles by ``ensure_roles`` (the table in ``learners.roles``); superusers
hold them all. Views, menu items, buttons and services ask this module, never a group's
name or ``is_staff``, so renaming a group in the admin changes nobody's access.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.db.models import Q

# Declared on Enrolment (the report reads enrolments and what the enrolled did).
VIEW_COURSE_REPORT = "learners.view_course_report"
EXPORT_COURSE_REPORT = "learners.export_course_report"
# Django's own view permission of LearningStatement: reading other learners' statements.
VIEW_OTHERS_STATEMENTS = "learners.view_learningstatement"
# The only permission of AuditLogEntry.
VIEW_AUDIT_LOG = "learners.view_auditlogentry"


def admin_permissions():
    """For the ``register_permissions`` hook: the named permissions above, so that the
    Wagtail group editor can grant them (roles get them from ``ensure_roles``)."""
    from django.contrib.auth.models import Permission

    wanted = (VIEW_COURSE_REPORT, EXPORT_COURSE_REPORT, VIEW_OTHERS_STATEMENTS, VIEW_AUDIT_LOG)
    return Permission.objects.filter(
        content_type__app_label="learners",
        codename__in=[name.split(".", 1)[1] for name in wanted],
    )


class NotPermitted(PermissionDenied):
    """The acting user may not do this; the message says why (in the active language)."""


def has_permission(user, permission):
    """True for active accounts that hold ``permission`` (through a role, directly, or as
    superusers). Django caches a user's permissions on the user object, so asking for
    every row of a page listing costs no query after the first."""
    return user is not None and user.is_authenticated and user.has_perm(permission)


def permission_required(permission, denied):
    """View decorator: ``denied(request)`` answers people without ``permission``.

    (Wagtail sends people without admin access to its login page before this runs.)
    """

    def decorator(view):
        @functools.wraps(view)
        def guarded_view(request, *args, **kwargs):
            if not has_permission(request.user, permission):
                return denied(request)
            return view(request, *args, **kwargs)

        return guarded_view

    return decorator


def readable_statements(user):
    """The learning statements ``user`` may read back.

    Their own; with ``VIEW_OTHERS_STATEMENTS`` also other learners', except a child's
    (``learners.services.badges.is_child``) unless a guardian of theirs has agreed
    (``accounts.children_shared_by_guardians``).
    """
    from learners.models import LearningStatement
    from learners.services.accounts import children_shared_by_guardians
    from learners.services.badges import child_accounts

    own = Q(user=user)
    if not has_permission(user, VIEW_OTHERS_STATEMENTS):
        return LearningStatement.objects.filter(own)
    private_children = child_accounts().exclude(pk__in=children_shared_by_guardians())
    return LearningStatement.objects.filter(own | ~Q(user__in=private_children))
