"""大学監修: authors submit, supervisors approve or request changes, learners see only what was approved."""

import pytest
from wagtail.models import WorkflowState

from courses.models import CoursePage
from curriculum.models import FacultyMember, SupervisionApproval
from curriculum.supervision import (
    SUPERVISION_WORKFLOW_NAME,
    approve_supervision,
    ensure_supervision_workflow,
    request_changes,
    submit_for_supervision,
)
from learners import roles
from tests.factories import make_catalogue, make_course, make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(reference_data):
    author = make_learner("author", display_name="金沢 大輔", role=roles.FACULTY_AUTHOR)
    supervisor = make_learner(
        "supervisor", display_name="兼六 由紀子", role=roles.CURRICULUM_SUPERVISOR
    )
    FacultyMember.objects.create(
        name_ja="兼六 由紀子", name_en="Yukiko Kenroku", title_ja="教授", user=supervisor
    )
    learner = make_learner("reader", display_name="小松 さくら")
    return author, supervisor, learner


def submit(page, user):
    assert page.get_workflow().name == SUPERVISION_WORKFLOW_NAME
    state = submit_for_supervision(page, user)
    return state, page.get_latest_revision()


def act(page, user, action, comment=""):
    if action == "approve":
        return approve_supervision(page, user, comment)
    return request_changes(page, user, comment)


def test_workflow_covers_every_page_under_the_home_page(reference_data):
    ensure_supervision_workflow()
    ensure_supervision_workflow()
    catalogue = make_catalogue()
    course = make_course(catalogue, publish=False)
    assert course.get_workflow().name == SUPERVISION_WORKFLOW_NAME
    assert catalogue.get_workflow().name == SUPERVISION_WORKFLOW_NAME


def test_author_cannot_publish(people):
    author, _supervisor, _learner = people
    course = make_course(publish=False)
    assert not course.permissions_for_user(author).can_publish()
    assert course.permissions_for_user(author).can_edit()


def test_drafts_and_reviews_are_invisible_to_learners_and_visitors(client, people):
    author, _supervisor, learner = people
    course = make_course(title="ごみダイエット入門", publish=False)
    submit(course, author)
    assert client.get(course.url or "/courses/course-1/").status_code == 404
    client.force_login(learner)
    assert client.get("/courses/course-1/").status_code == 404
    catalogue_html = client.get("/courses/").content.decode()
    assert "ごみダイエット入門" not in catalogue_html


def test_supervisor_approval_publishes_and_records_name_and_date(client, people):
    author, supervisor, learner = people
    course = make_course(title="木場潟の生きものと水", publish=False)
    _state, revision = submit(course, author)
    state = act(course, supervisor, "approve", comment="内容を確認しました。")
    assert state.status == WorkflowState.STATUS_APPROVED

    course = CoursePage.objects.get(pk=course.pk)
    assert course.live
    approval = SupervisionApproval.objects.get(page=course)
    assert approval.approved_by == supervisor
    assert approval.approver_name == "兼六 由紀子"
    assert approval.revision_id == revision.pk
    assert approval.comment == "内容を確認しました。"
    task_state = state.current_task_state or state.task_states.get()
    assert approval.approved_at == task_state.finished_at

    client.force_login(learner)
    html = client.get(course.url).content.decode()
    assert "金沢大学監修 ／ 兼六 由紀子 ／ " in html
    assert f"{approval.approved_at.astimezone().year}年" in html


def test_change_request_returns_the_page_to_the_author(people):
    author, supervisor, _learner = people
    course = make_course(title="フローラルこまつ 花と緑", publish=False)
    submit(course, author)
    state = act(
        course, supervisor, "reject", comment="レッスン2の写真に代替テキストを入れてください。"
    )
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    course = CoursePage.objects.get(pk=course.pk)
    assert not course.live
    assert not SupervisionApproval.objects.exists()
    assert state.current_task_state.comment.startswith("レッスン2")
    assert course.permissions_for_user(author).can_edit()


def test_a_newer_revision_in_review_never_replaces_the_published_one(client, people):
    author, supervisor, learner = people
    course = make_course(title="地域防災と多文化共生", summary="最初の要約です。", publish=False)
    submit(course, author)
    act(course, supervisor, "approve")

    course = CoursePage.objects.get(pk=course.pk)
    course.summary = "レビュー中の新しい要約です。"
    submit(course, author)

    client.force_login(learner)
    html = client.get(course.url).content.decode()
    assert "最初の要約です。" in html
    assert "レビュー中の新しい要約です。" not in html


def test_staff_see_the_supervision_record_but_nobody_can_type_one(client, people):
    author, supervisor, _learner = people
    course = make_course(title="里山とジビエ", publish=False)
    submit(course, author)
    act(course, supervisor, "approve", comment="確認しました。")

    client.force_login(author)
    listing = client.get("/cms/supervision_approvals/")
    assert listing.status_code == 200
    assert "里山とジビエ" in listing.content.decode()
    assert "兼六 由紀子" in listing.content.decode()
    assert client.get("/cms/supervision_approvals/new/").status_code in (302, 403)
    history = client.get(f"/cms/pages/{course.pk}/history/")
    assert history.status_code == 200
