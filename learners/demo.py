"""Demo people for a realistic Komatsu site, created through learners.services.

Everything here is fictional. Re-running finds the accounts it made before (by
username) and leaves them alone, so the demo never holds duplicates.
"""

import random
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from curriculum.models import SustainableDevelopmentGoal
from learners import roles
from learners.models import ConsentPurpose, ConsentRecord, District, SpokenLanguage
from learners.services import accounts

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
# Taken only when every resident above is already a demo learner (never drawn at random,
# so that adding to it changes nobody else).
MORE_FOREIGN_RESIDENTS = [
    ("Gabriel Ferreira", ("pt", "ja")),
    ("Beatriz Lima", ("pt",)),
    ("Lê Hoàng Nam", ("vi", "ja")),
    ("Đỗ Minh Anh", ("vi",)),
    ("陈 静", ("zh", "ja")),
    ("Angelica Bautista", ("fil", "ja")),
    ("Kim Min-jun", ("ko", "ja")),
    ("Aung Ko Ko", ("my", "en")),
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


def _unused_japanese_name(name, taken):
    """``name``, or when another demo learner has it already the same family name with the
    next free given name (two people of one name would look like one person in a
    coordinator's list). No random draw, so that the people drawn after stay the same."""
    family, given = name.split(" ", 1)
    start = JAPANESE_GIVEN_NAMES.index(given)
    for offset in range(len(JAPANESE_GIVEN_NAMES)):
        candidate = f"{family} {JAPANESE_GIVEN_NAMES[(start + offset) % len(JAPANESE_GIVEN_NAMES)]}"
        if candidate not in taken:
            return candidate
    return name


def _unused_foreign_resident(drawn, taken):
    """The drawn (name, languages), or the next free resident of the list and then of the
    spare list, for the same reason and in the same way."""
    everyone = FOREIGN_RESIDENTS + MORE_FOREIGN_RESIDENTS
    start = everyone.index(drawn)
    for offset in range(len(everyone)):
        candidate = everyone[(start + offset) % len(everyone)]
        if candidate[0] not in taken:
            return candidate
    return drawn


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
    names_taken = set()
    for number in range(1, count + 1):
        username = f"demo-learner-{number:03d}"
        # Draw the same values whether or not the learner exists, so that a
        # re-run with the same seed describes the same people.
        if number % 4 == 0:
            drawn = rng.choice(FOREIGN_RESIDENTS)
            display_name, language_codes = _unused_foreign_resident(drawn, names_taken)
        else:
            display_name = f"{rng.choice(JAPANESE_FAMILY_NAMES)} {rng.choice(JAPANESE_GIVEN_NAMES)}"
            display_name = _unused_japanese_name(display_name, names_taken)
            language_codes = ("ja", "en") if rng.random() < 0.3 else ("ja",)
        names_taken.add(display_name)
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
