"""The 大学監修 (university supervision) workflow: its set-up and its record."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

SUPERVISOR_GROUP_NAME = "Curriculum supervisor"
SUPERVISION_WORKFLOW_NAME = "大学監修"
SUPERVISION_TASK_NAME = "大学監修（金沢大学）"


@transaction.atomic
def ensure_supervision_workflow():
    """The 大学監修 workflow, with one approval task for the Curriculum supervisor
    group, attached to every site's root page (and its translations), so that it
    covers every curriculum and course page whenever they are created.

    Idempotent. Returns the workflow.
    """
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Site, Workflow, WorkflowPage, WorkflowTask

    supervisors, _created = Group.objects.get_or_create(name=SUPERVISOR_GROUP_NAME)
    task = GroupApprovalTask.objects.filter(name=SUPERVISION_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=SUPERVISION_TASK_NAME)
    task.groups.add(supervisors)

    workflow, _created = Workflow.objects.get_or_create(
        name=SUPERVISION_WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    for site in Site.objects.select_related("root_page"):
        for root in site.root_page.get_translations(inclusive=True):
            WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


class SupervisionError(RuntimeError):
    """A supervision step that does not fit the page's workflow state."""


def submit_for_supervision(page, user):
    """Save the page's current content as a revision and send it to 大学監修.

    What learners see does not change until a supervisor approves.
    """
    workflow = page.get_workflow()
    if workflow is None:
        raise SupervisionError(f"No supervision workflow covers {page!r}")
    page.save_revision(user=user)
    return workflow.start(page, user)


def _act_on_current_task(page, user, action, comment):
    state = page.current_workflow_state
    if state is None or state.current_task_state is None:
        raise SupervisionError(f"{page!r} is not waiting for supervision")
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, user, action, comment=comment)
    state.refresh_from_db()
    return state


def approve_supervision(page, user, comment=""):
    """Approve the revision in review: it is published and the approval recorded."""
    return _act_on_current_task(page, user, "approve", comment)


def request_changes(page, user, comment):
    """Send the page back to its author with the supervisor's comment."""
    return _act_on_current_task(page, user, "reject", comment)


def record_supervision_approval(workflow_state, user):
    """Keep who approved which revision and when, from the approved task state."""
    from wagtail.models import TaskState

    from curriculum.models import SupervisionApproval

    task_state = (
        TaskState.objects.filter(workflow_state=workflow_state, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by", "revision")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if task_state is None or task_state.finished_at is None:
        return None
    approver = task_state.finished_by or user
    approval, _created = SupervisionApproval.objects.get_or_create(
        task_state=task_state,
        defaults={
            "page_id": int(workflow_state.object_id),
            "revision": task_state.revision,
            "approved_by": approver,
            "approver_name": display_name_of(approver),
            "approved_at": task_state.finished_at,
            "comment": task_state.comment or "",
        },
    )
    return approval


def display_name_of(user):
    """A person's public name: their faculty record, their full name, or username."""
    if user is None:
        return str(_("Unknown"))
    faculty_member = getattr(user, "faculty_member", None)
    if faculty_member is not None:
        return faculty_member.name_ja
    return user.get_full_name() or user.get_username()
