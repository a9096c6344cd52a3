"""Demo people for a realistic Komatsu site, created through learners.services.

Everything here is fictional. Re-running finds the accounts it made before (by
username) and leaves them alone, so the demo never holds duplicates.
"""

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from curriculum.models import SustainableDevelopmentGoal
from learners import roles
from learners.models import ConsentPurpose, ConsentRecord, District, SpokenLanguage
from learners.services import accounts, progress
from learners.services.statements import record_statements

# Documented in the README as demo-only. Never use these accounts outside a demo.
DEMO_PASSWORD = "manabi-demo-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.manabi.example"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    birth_year: int
    district: str
    languages: tuple
    staff_superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("learner", "小松 さくら", roles.LEARNER, 1988, "rojo", ("ja", "en")),
    DemoAccount("guardian", "安宅 健一", roles.GUARDIAN, 1982, "ataka", ("ja",)),
    DemoAccount("teacher", "板津 美穂", roles.TEACHER, 1979, "itazu", ("ja", "en")),
    DemoAccount("faculty", "金沢 大輔", roles.FACULTY_AUTHOR, 1975, "kiba", ("ja", "en")),
    DemoAccount(
        "supervisor", "兼六 由紀子", roles.CURRICULUM_SUPERVISOR, 1968, "wakamatsu", ("ja", "en")
    ),
    DemoAccount("coordinator", "木場 直樹", roles.COORDINATOR, 1985, "kiba", ("ja", "pt")),
    DemoAccount("citystaff", "粟津 恵", roles.CITY_STAFF, 1990, "awazu", ("ja",)),
    DemoAccount(
        "admin", "Manabi 管理者", roles.CITY_STAFF, 1980, "rojo", ("ja", "en"), staff_superuser=True
    ),
)

JAPANESE_FAMILY_NAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "山本",
    "中村",
    "小林",
    "吉田",
    "山田",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "山口",
    "北村",
    "西田",
    "前田",
    "坂井",
    "辻",
]
JAPANESE_GIVEN_NAMES = [
    "陽翔",
    "蓮",
    "湊",
    "結衣",
    "陽菜",
    "葵",
    "大輝",
    "美咲",
    "翔太",
    "さくら",
    "健太",
    "由美",
    "和子",
    "正雄",
    "幸子",
    "博",
    "恵子",
    "誠",
    "花子",
    "翼",
]
FOREIGN_RESIDENTS = [
    ("Ana Souza", ("pt", "ja")),
    ("Lucas Oliveira", ("pt",)),
    ("Mariana Santos", ("pt", "es")),
    ("Nguyễn Thị Lan", ("vi", "ja")),
    ("Trần Văn Minh", ("vi",)),
    ("Phạm Thu Hà", ("vi", "en")),
    ("王 芳", ("zh", "ja")),
    ("李 明", ("zh",)),
    ("Maria Santos Reyes", ("fil", "en")),
    ("Jose dela Cruz", ("fil", "en", "ja")),
    ("Siti Rahmawati", ("id", "en")),
    ("Bishnu Thapa", ("ne", "en")),
]


def demo_email(username):
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


@transaction.atomic
def _create_demo_person(
    *, username, display_name, birth_year, district, languages, interests, consents, password_hash
):
    user = accounts.create_account_with_verified_email(
        username=username, email=demo_email(username), password_hash=password_hash
    )
    accounts.register_learner(
        user,
        display_name=display_name,
        birth_year=birth_year,
        district=district,
        languages=languages,
        interests=interests,
        consents=consents,
        source=ConsentRecord.Source.DEMO,
        acting_user=None,  # the demo loader
    )
    return user


def can_use_admin(account):
    """Whether the demo account's role (or superuser flag) opens the admin."""
    role = roles.ROLES_BY_NAME[account.role]
    return account.staff_superuser or "wagtailadmin.access_admin" in role.model_permissions


def create_demo_accounts(rng, password_hash=None, random_staff_passwords=False):
    """One account per role. Returns [(account, created, one_time_password)].

    With ``random_staff_passwords`` (a deployed demo), every account that can use the
    admin gets its own random password instead of the public demo one, returned once
    here and stored only hashed; an existing one that still has the public password
    gets a new one too. ``one_time_password`` is None for every other account.
    """
    password_hash = password_hash or make_password(DEMO_PASSWORD)
    user_model = get_user_model()
    districts = {district.code: district for district in District.objects.all()}
    languages = {language.code: language for language in SpokenLanguage.objects.all()}
    goals = list(SustainableDevelopmentGoal.objects.all())
    results = []
    for account in DEMO_ACCOUNTS:
        private = random_staff_passwords and can_use_admin(account)
        existing = user_model.objects.filter(username=account.username).first()
        if existing is not None:
            one_time_password = None
            if private and existing.check_password(DEMO_PASSWORD):
                one_time_password = secrets.token_urlsafe(12)
                existing.set_password(one_time_password)
                existing.save(update_fields=["password"])
            results.append((account, False, one_time_password))
            continue
        one_time_password = secrets.token_urlsafe(12) if private else None
        with transaction.atomic():
            user = _create_demo_person(
                username=account.username,
                display_name=account.display_name,
                birth_year=account.birth_year,
                district=districts[account.district],
                languages=[languages[code] for code in account.languages],
                interests=rng.sample(goals, 3),
                consents={
                    ConsentPurpose.TERMS_AND_PRIVACY: True,
                    ConsentPurpose.OPPORTUNITY_MATCHING: True,
                    ConsentPurpose.NEWS_EMAIL: False,
                },
                password_hash=make_password(one_time_password) if private else password_hash,
            )
            accounts.add_to_role(user, account.role, acting_user=None)
            if account.staff_superuser:
                user.is_staff = True
                user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        results.append((account, True, one_time_password))
    return results


def _random_birth_year(rng, this_year):
    # Ages 13 to 92, weighted like a town where a third of people are over 65.
    age = rng.choice(
        [
            rng.randint(13, 18),
            rng.randint(19, 29),
            rng.randint(30, 64),
            rng.randint(30, 64),
            rng.randint(65, 92),
            rng.randint(65, 92),
        ]
    )
    return this_year - age


def create_demo_learners(rng, count, *, on_progress=lambda: None, password_hash=None):
    """``count`` learners across ages, districts and languages; a quarter are
    residents from abroad. Returns how many were created (the rest existed)."""
    password_hash = password_hash or make_password(DEMO_PASSWORD)
    user_model = get_user_model()
    this_year = timezone.localdate().year
    districts = list(District.objects.all())
    languages = {language.code: language for language in SpokenLanguage.objects.all()}
    goals = list(SustainableDevelopmentGoal.objects.all())
    existing = set(
        user_model.objects.filter(username__startswith="demo-learner-").values_list(
            "username", flat=True
        )
    )
    created = 0
    for number in range(1, count + 1):
        username = f"demo-learner-{number:03d}"
        # Draw the same values whether or not the learner exists, so that a
        # re-run with the same seed describes the same people.
        if number % 4 == 0:
            display_name, language_codes = rng.choice(FOREIGN_RESIDENTS)
        else:
            display_name = f"{rng.choice(JAPANESE_FAMILY_NAMES)} {rng.choice(JAPANESE_GIVEN_NAMES)}"
            language_codes = ("ja", "en") if rng.random() < 0.3 else ("ja",)
        birth_year = _random_birth_year(rng, this_year)
        district = rng.choice(districts)
        interests = rng.sample(goals, rng.randint(1, 4))
        matching = rng.random() < 0.6
        news = rng.random() < 0.3
        if username not in existing:
            _create_demo_person(
                username=username,
                display_name=display_name,
                birth_year=birth_year,
                district=district,
                languages=[languages[code] for code in language_codes],
                interests=interests,
                consents={
                    ConsentPurpose.TERMS_AND_PRIVACY: True,
                    ConsentPurpose.OPPORTUNITY_MATCHING: matching,
                    ConsentPurpose.NEWS_EMAIL: news,
                },
                password_hash=password_hash,
            )
            created += 1
        on_progress()
    return created


def new_random(seed):
    return random.Random(seed)  # noqa: S311 - demo data, not security


# Learning records -------------------------------------------------------------

DEMO_STATEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://manabi.komatsu/demo/statements")
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
DEMO_HISTORY_DAYS = 90


def _demo_courses():
    """[(course, [(lesson, outline activities)])] of the live demo courses in Japanese."""
    from courses.models import CoursePage, LessonOutline, LessonPage

    outlines = {
        outline.lesson_key: list(outline.activities.all())
        for outline in LessonOutline.objects.prefetch_related("activities")
    }
    courses = []
    for course in CoursePage.objects.live().filter(locale__language_code="ja").order_by("path"):
        lessons = [
            (lesson, outlines.get(lesson.translation_key, []))
            for lesson in LessonPage.objects.child_of(course).live().order_by("path")
        ]
        if lessons:
            courses.append((course, lessons))
    return courses


def _statement(statement_id, verb, object_id, at, scaled=None):
    statement = {
        "id": str(statement_id),
        "actor": {"objectType": "Agent", "mbox": "mailto:demo@demo.manabi.example"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[1]}},
        "object": {"objectType": "Activity", "id": object_id},
        "timestamp": min(at, timezone.now()).isoformat(),
    }
    if scaled is not None:
        statement["result"] = {
            "score": {"scaled": scaled, "raw": round(scaled * 10), "min": 0, "max": 10},
            "completion": True,
        }
    return statement


def _take_course(rng, user, course, lessons, *, started_at, finish_ratio):
    """Record the statements (and field visits) of a learner working through a course."""
    from courses.activity_ids import block_activity_iri, lesson_activity_iri

    progress.enrol_learner(user, course.translation_key)
    lessons_to_do = max(1, round(len(lessons) * finish_ratio))
    at = started_at
    statements = []
    for lesson, activities in lessons[:lessons_to_do]:
        for activity in activities:
            at += timedelta(minutes=rng.randint(3, 25))
            if activity.kind == "field":
                if rng.random() < 0.7:
                    progress.record_field_visit(
                        user, lesson=lesson, block_id=activity.block_id, place_name=activity.title
                    )
                continue
            attempts = 1 if rng.random() < 0.6 else 2
            for attempt in range(attempts):
                scaled = round(rng.uniform(0.4 + 0.3 * attempt, 1.0), 2)
                verb = COMPLETED if activity.scored else EXPERIENCED
                statements.append(
                    _statement(
                        uuid.uuid5(
                            DEMO_STATEMENT_NAMESPACE, f"{user.pk}/{activity.block_id}/{attempt}"
                        ),
                        verb,
                        block_activity_iri(activity.block_id),
                        at,
                        scaled if activity.scored else None,
                    )
                )
        at += timedelta(minutes=rng.randint(5, 20))
        statements.append(
            _statement(
                uuid.uuid5(DEMO_STATEMENT_NAMESPACE, f"{user.pk}/{lesson.translation_key}/end"),
                EXPERIENCED,
                lesson_activity_iri(lesson.translation_key),
                at,
            )
        )
        at += timedelta(days=rng.randint(0, 3))
    if statements:
        record_statements(user, statements)


def _showcase_courses(courses):
    """For the ``learner`` demo account: a quiz course finished, another half done and a
    course with a field visit, so every part of the dashboard has something to show."""

    def having(kind):
        return [
            item
            for item in courses
            if any(activity.kind == kind for _lesson, acts in item[1] for activity in acts)
        ]

    quiz_courses, field_courses = having("h5p"), having("field")
    chosen = quiz_courses[:2] + [
        course for course in field_courses[:1] if course not in quiz_courses[:2]
    ]
    plans = [(1.0, 40), (0.5, 12), (1.0, 25)][: len(chosen)]
    return chosen, plans


def create_demo_learning_records(rng, *, on_progress=lambda: None):
    """Courses taken by the demo learners (and the ``learner`` demo account), through the
    same services as real statements, so that dashboards and reports have real numbers.
    Returns how many learners got records; those who already have some are left alone."""
    from learners.models import LearningStatement

    courses = _demo_courses()
    user_model = get_user_model()
    people = list(
        user_model.objects.filter(username__startswith="demo-learner-").order_by("username")
    )
    learner = user_model.objects.filter(username="learner").first()
    if learner is not None:
        people.insert(0, learner)
    already = set(
        LearningStatement.objects.filter(user__in=people).values_list("user_id", flat=True)
    )
    now = timezone.now()
    given = 0
    for person in people:
        # One generator per person, drawn in a fixed order: a re-run with the same seed
        # makes the same choices whether or not a person already has records.
        person_rng = random.Random(rng.getrandbits(64))  # noqa: S311 - demo data
        chosen = person_rng.sample(courses, min(len(courses), person_rng.randint(1, 4)))
        plans = [
            (
                person_rng.uniform(0.3, 1.0) if person_rng.random() < 0.5 else 1.0,
                person_rng.randint(5, DEMO_HISTORY_DAYS),
            )
            for _course in chosen
        ]
        if person.username == "learner":
            chosen, plans = _showcase_courses(courses)
        takes_courses = person.username == "learner" or person_rng.random() < 0.85
        if person.pk not in already and takes_courses:
            for (course, lessons), (finish_ratio, days_ago) in zip(chosen, plans, strict=True):
                _take_course(
                    person_rng,
                    person,
                    course,
                    lessons,
                    started_at=now - timedelta(days=days_ago),
                    finish_ratio=finish_ratio,
                )
            given += 1
        on_progress()
    return given
