import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from courses.models import CoursePage
from learners.demo import DEMO_PASSWORD
from learners.models import (
    ActivityResult,
    ConsentRecord,
    CourseCompletion,
    LearnerProfile,
    LearningStatement,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_demo_data_loads_once_shows_progress_and_accounts_log_in(client, capsys):
    call_command("load_demo_data", "--learners", "20", "--courses", "2", "--seed", "7")
    first_output = capsys.readouterr().out
    counts = (User.objects.count(), LearnerProfile.objects.count(), ConsentRecord.objects.count())
    assert counts[0] == 8 + 20
    assert counts[1] == counts[0]
    assert "[4/7] Demo learners" in first_output
    assert "learners: 20/20" in first_output
    assert "faculty@demo.manabi.example" in first_output

    call_command("load_demo_data", "--learners", "20", "--courses", "2", "--seed", "7")
    second_output = capsys.readouterr().out
    assert (
        User.objects.count(),
        LearnerProfile.objects.count(),
        ConsentRecord.objects.count(),
    ) == counts
    assert "(already there)" in second_output
    assert "0 new demo learners" in second_output
    assert "0 learners with new learning records" in second_output

    faculty = User.objects.get(username="faculty")
    assert faculty.groups.filter(name="Faculty author").exists()
    response = client.post(
        "/accounts/login/", {"login": "faculty@demo.manabi.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/cms/").status_code == 200


def test_demo_learners_span_stages_districts_and_languages(capsys):
    call_command("load_demo_data", "--learners", "40", "--courses", "1", "--seed", "3")
    profiles = LearnerProfile.objects.filter(user__username__startswith="demo-learner-")
    assert profiles.count() == 40
    stages = {profile.life_stage.slug for profile in profiles}
    assert {"adult", "senior"} <= stages and len(stages) >= 4
    assert profiles.values("district").distinct().count() >= 8
    assert profiles.filter(languages__code__in=["pt", "vi", "zh", "fil"]).distinct().count() >= 5


def test_the_demo_learner_has_a_real_record_to_look_at(client, capsys):
    call_command("load_demo_data", "--learners", "10", "--courses", "4", "--seed", "7")
    assert "[6/7] Learning records" in capsys.readouterr().out
    learner = User.objects.get(username="learner")
    assert CourseCompletion.objects.filter(user=learner).count() >= 1
    assert LearningStatement.objects.filter(user__username__startswith="demo-learner-").exists()
    assert ActivityResult.objects.filter(best_scaled_score__isnull=False).exists()
    client.force_login(learner)
    dashboard = client.get("/me/").content.decode()
    completed = CourseCompletion.objects.filter(user=learner).first()
    title = CoursePage.objects.get(translation_key=completed.course_key, locale__language_code="ja")
    completed_section = dashboard[dashboard.index('id="courses-completed"') :]
    assert title.title.split("《")[0].lstrip("｜")[:2] in completed_section
    assert 'role="progressbar"' in dashboard  # and a course in progress
