"""Factories for tests. Learners are made through learners.services, as real ones are."""

import itertools

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from learners.models import ConsentPurpose, District
from learners.services import accounts

TEST_PASSWORD = "komatsu-Kibagata-2026"
_learner_numbers = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    """An account without a learner profile (as `createsuperuser` makes)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda number: f"user{number}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.jp")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(user, create, _extracted, **_kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def make_learner(
    username=None,
    *,
    display_name="小松 花子",
    birth_year=1990,
    district_code="rojo",
    role=None,
    consents=None,
):
    """A user with a verified email, a learner profile and (optionally) another role."""
    username = username or f"learner{next(_learner_numbers)}"
    user = accounts.create_account_with_verified_email(
        username=username, email=f"{username}@example.jp", password=TEST_PASSWORD
    )
    accounts.register_learner(
        user,
        display_name=display_name,
        birth_year=birth_year,
        district=District.objects.filter(code=district_code).first(),
        consents=consents or {ConsentPurpose.TERMS_AND_PRIVACY: True},
        acting_user=user,
    )
    if role:
        accounts.add_to_role(user, role, acting_user=None)
    return user


def make_catalogue(home=None, *, title="講座をさがす", slug="courses"):
    """The course catalogue page under the Japanese home page (published)."""
    from courses.models import CourseIndexPage
    from home.models import HomePage

    home = home or HomePage.objects.get(locale__language_code="ja")
    existing = CourseIndexPage.objects.child_of(home).first()
    if existing:
        return existing
    catalogue = home.add_child(instance=CourseIndexPage(title=title, slug=slug))
    catalogue.save_revision().publish()
    return catalogue


def make_course(
    catalogue=None,
    *,
    title="木場潟の生きものと水",
    slug=None,
    stages=("elementary",),
    sdgs=(6, 14),
    themes=("renaissance",),
    minutes=40,
    summary="木場潟の水と生きものを調べて、きれいな水を守る方法を考えます。",
    description="<p>木場潟は小松市の大切な水辺です。</p>",
    publish=True,
    lessons=(),
):
    """A course with its lessons, published unless ``publish`` is False.

    ``lessons`` is a list of (title, body) where body is StreamField data,
    e.g. [("text", "<p>…</p>")].
    """
    from courses.models import CoursePage, LessonPage
    from curriculum.models import CityTheme, LifeStage, SustainableDevelopmentGoal

    catalogue = catalogue or make_catalogue()
    course = CoursePage(
        title=title,
        slug=slug or f"course-{CoursePage.objects.count() + 1}",
        summary=summary,
        description=description,
        estimated_minutes=minutes,
        live=False,
    )
    catalogue.add_child(instance=course)
    course.life_stages.set(LifeStage.objects.filter(slug__in=stages))
    course.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=sdgs))
    course.themes.set(CityTheme.objects.filter(code__in=themes))
    revision = course.save_revision()
    if publish:
        revision.publish()
    for number, (lesson_title, body) in enumerate(lessons, start=1):
        lesson = course.add_child(
            instance=LessonPage(title=lesson_title, slug=f"lesson-{number}", body=body, live=False)
        )
        lesson_revision = lesson.save_revision()
        if publish:
            lesson_revision.publish()
    return CoursePage.objects.get(pk=course.pk)


def make_course_badge(course, **fields):
    """An active badge awarded for completing ``course`` (a rule the platform checks itself)."""
    from curriculum.badge_rules import COMPLETE_COURSE
    from curriculum.models import BadgeDefinition

    values = {
        "name_ja": "木場潟の生きもの",
        "name_en": "Kibagata wildlife",
        "description": "木場潟の水と生きものを学びました。",
        "criteria_narrative": "講座のすべてのレッスンを修了しました。",
        "rule_type": COMPLETE_COURSE,
        "course": course,
        **fields,
    }
    return BadgeDefinition.objects.create(**values)
