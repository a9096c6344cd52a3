"""Steps that write a person's record. Views, forms, commands and tests call these."""

import contextlib
import hashlib
import secrets
import uuid

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import LessonActivity, LessonOutline
from courses.outlines import parse_activity_iri
from learners import roles
from learners.models import (
    ActivityResult,
    BadgeAward,
    ConsentPurpose,
    ConsentRecord,
    CourseCompletion,
    District,
    Enrolment,
    FieldVisit,
    LearnerProfile,
    LearningStatement,
    LessonProgress,
    SpokenLanguage,
    XAPICredential,
)
from learners.signals import course_completed
from learners.xapi import StatementInvalid, read_statement, same_statement, validate_statement

# The version of the terms and privacy policy a consent refers to. Bump it when
# the texts change; earlier records keep the version they were given under.
CONSENT_POLICY_VERSION = "2026-11"
REQUIRED_CONSENTS = (ConsentPurpose.TERMS_AND_PRIVACY,)

# (code, Japanese, kana, romanised) — districts (地区) of Komatsu City.
KOMATSU_DISTRICTS = [
    ("rojo", "芦城", "ろじょう", "Rojo"),
    ("wakamatsu", "稚松", "わかまつ", "Wakamatsu"),
    ("shoyo", "松陽", "しょうよう", "Shoyo"),
    ("nawashiro", "苗代", "なわしろ", "Nawashiro"),
    ("miyuki", "御幸", "みゆき", "Miyuki"),
    ("mukaimotoori", "向本折", "むかいもとおり", "Mukaimotoori"),
    ("ataka", "安宅", "あたか", "Ataka"),
    ("itazu", "板津", "いたづ", "Itazu"),
    ("imae", "今江", "いまえ", "Imae"),
    ("awazu", "粟津", "あわづ", "Awazu"),
    ("nata", "那谷", "なた", "Nata"),
    ("kiba", "木場", "きば", "Kiba"),
    ("tsukizu", "月津", "つきづ", "Tsukizu"),
    ("yatano", "矢田野", "やたの", "Yatano"),
    ("fuzu", "符津", "ふづ", "Fuzu"),
    ("rendaiji", "蓮代寺", "れんだいじ", "Rendaiji"),
    ("kokufu", "国府", "こくふ", "Kokufu"),
    ("nakaumi", "中海", "なかうみ", "Nakaumi"),
    ("nishio", "西尾", "にしお", "Nishio"),
    ("kushi", "串", "くし", "Kushi"),
    ("araya", "荒屋", "あらや", "Araya"),
    ("hizue", "日末", "ひずえ", "Hizue"),
]

# (code, own name, Japanese, English) — languages residents speak.
SPOKEN_LANGUAGES = [
    ("ja", "日本語", "日本語", "Japanese"),
    ("en", "English", "英語", "English"),
    ("pt", "Português", "ポルトガル語", "Portuguese"),
    ("vi", "Tiếng Việt", "ベトナム語", "Vietnamese"),
    ("zh", "中文", "中国語", "Chinese"),
    ("fil", "Filipino", "フィリピノ語", "Filipino"),
    ("ko", "한국어", "韓国語", "Korean"),
    ("id", "Bahasa Indonesia", "インドネシア語", "Indonesian"),
    ("ne", "नेपाली", "ネパール語", "Nepali"),
    ("my", "မြန်မာဘာသာ", "ミャンマー語", "Burmese"),
    ("th", "ไทย", "タイ語", "Thai"),
    ("es", "Español", "スペイン語", "Spanish"),
    ("jsl", "日本手話", "日本手話", "Japanese Sign Language"),
]


WAGTAIL_STARTER_GROUPS = ("Editors", "Moderators")


class RoleSetupError(RuntimeError):
    """A role names a permission that does not exist."""


@transaction.atomic
def ensure_districts():
    """Create Komatsu's districts; rows staff have edited are left as they are."""
    for sort_order, (code, name_ja, name_kana, name_en) in enumerate(KOMATSU_DISTRICTS, 1):
        District.objects.get_or_create(
            code=code,
            defaults={
                "name_ja": name_ja,
                "name_kana": name_kana,
                "name_en": name_en,
                "sort_order": sort_order,
            },
        )


@transaction.atomic
def ensure_spoken_languages():
    """Create the spoken-language list; rows staff have edited are left as they are."""
    for sort_order, (code, name_native, name_ja, name_en) in enumerate(SPOKEN_LANGUAGES, 1):
        SpokenLanguage.objects.get_or_create(
            code=code,
            defaults={
                "name_native": name_native,
                "name_ja": name_ja,
                "name_en": name_en,
                "sort_order": sort_order,
            },
        )


def _permissions_by_name(names):
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(
            codename__in={codename for _, codename in wanted}
        ).select_related("content_type")
    }
    missing = sorted(".".join(key) for key in wanted - found.keys())
    if missing:
        raise RoleSetupError(f"Unknown permissions in learners.roles: {', '.join(missing)}")
    return [found[key] for key in wanted]


@transaction.atomic
def ensure_roles():
    """Make every role group exist with at least the permissions ``learners.roles`` lists.

    Idempotent. Permissions staff added to a group by hand are kept. Page
    permissions are granted on the page tree's root and collection permissions
    on the root collection, so they cover everything created later.
    """
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    # Permissions are normally created after migrate, app by app; create them
    # for every app now so that roles may name any app's permissions.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    tree_root = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for role in roles.ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        group.permissions.add(*_permissions_by_name(role.model_permissions))
        if role.page_permissions:
            if tree_root is None:
                raise RoleSetupError("The Wagtail page tree has no root; run migrate first.")
            for permission in _permissions_by_name(role.page_permissions):
                GroupPagePermission.objects.get_or_create(
                    group=group, page=tree_root, permission=permission
                )
        if role.collection_permissions:
            if root_collection is None:
                raise RoleSetupError("Wagtail has no root collection; run migrate first.")
            for permission in _permissions_by_name(role.collection_permissions):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
        groups[role.name] = group
    # Wagtail's migrations create starter groups whose members may publish
    # anything, which would bypass university supervision. Remove them while
    # nobody belongs to them.
    Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS, user__isnull=True).delete()
    return groups


def ensure_learner_reference_data():
    ensure_districts()
    ensure_spoken_languages()
    ensure_roles()


def add_to_role(user, role_name):
    if role_name not in roles.ROLES_BY_NAME:
        raise ValueError(f"Unknown role {role_name!r}")
    group, _ = Group.objects.get_or_create(name=role_name)
    user.groups.add(group)


@transaction.atomic
def create_account_with_verified_email(*, username, email, password=None, password_hash=None):
    """An account whose email address is already confirmed (made by staff or the demo).

    Give ``password`` in clear, or ``password_hash`` (from ``make_password``)
    to create many accounts without hashing the same password each time.
    """
    user = get_user_model()(username=username, email=email)
    if password_hash is not None:
        user.password = password_hash
    else:
        user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def current_consents(user):
    """The latest decision for every purpose the user has decided on: {purpose: bool}."""
    decisions = {}
    for record in ConsentRecord.objects.filter(user=user).order_by("recorded_at", "id"):
        decisions[record.purpose] = record.granted
    return decisions


def record_consents(user, decisions, *, source):
    """Record each decision that differs from the user's current one. Returns the new rows."""
    current = current_consents(user)
    records = [
        ConsentRecord(
            user=user,
            purpose=purpose,
            granted=granted,
            policy_version=CONSENT_POLICY_VERSION,
            source=source,
        )
        for purpose, granted in decisions.items()
        if current.get(purpose) != granted
    ]
    return ConsentRecord.objects.bulk_create(records)


@transaction.atomic
def register_learner(
    user,
    *,
    display_name,
    birth_year,
    district=None,
    languages=(),
    interests=(),
    consents,
    source=ConsentRecord.Source.SIGNUP,
):
    """Give a new account its learner profile, its consents and the Learner role.

    Guarantees: the profile, the consent records and the group membership are
    written together or not at all, and no profile exists without a recorded
    agreement to the terms and privacy policy.
    """
    for purpose in REQUIRED_CONSENTS:
        if not consents.get(purpose):
            raise ValueError(f"Consent {purpose!r} is required to register")
    profile = LearnerProfile.objects.create(
        user=user, display_name=display_name, birth_year=birth_year, district=district
    )
    profile.languages.set(languages)
    profile.interests.set(interests)
    record_consents(user, consents, source=source)
    add_to_role(user, roles.LEARNER)
    return profile


@transaction.atomic
def update_learner_profile(
    profile, *, display_name, birth_year, district, languages, interests, consents
):
    """Save the learner's edits and record any consent they changed."""
    profile.display_name = display_name
    profile.birth_year = birth_year
    profile.district = district
    profile.save()
    profile.languages.set(languages)
    profile.interests.set(interests)
    record_consents(profile.user, consents, source=ConsentRecord.Source.PROFILE)
    return profile


# Learning records ------------------------------------------------------------

# Verbs with which our page script reports a lesson read to its end.
LESSON_END_VERBS = {
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/completed",
}
SCORE_TOLERANCE = 1e-9
CREDENTIAL_USE_PRECISION = timezone.timedelta(minutes=1)


class StatementConflict(Exception):
    """A statement id that is already stored with different content (HTTP 409)."""


def account_agent(user):
    """The xAPI agent for a Manabi account: never the learner's name or email."""
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.MANABI_BASE_URL, "name": str(user.pk)},
    }


def _authority():
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.MANABI_BASE_URL, "name": "manabi"},
    }


def enrol_learner(user, course_key, *, source=Enrolment.Source.EXPLICIT):
    """Enrol the learner in the course (any translation of it); idempotent. Return the row."""
    enrolment = Enrolment.objects.filter(user=user, course_key=course_key).first()
    if enrolment is not None:
        return enrolment
    try:
        with transaction.atomic():
            return Enrolment.objects.create(user=user, course_key=course_key, source=source)
    except IntegrityError:  # enrolled by a concurrent request
        return Enrolment.objects.get(user=user, course_key=course_key)


def record_statements(user, statements, *, statement_id=None):
    """Validate, store and learn from xAPI statements sent for ``user``; return their ids.

    All or nothing: one invalid statement raises ``StatementInvalid`` (naming its position)
    and a reused id with other content raises ``StatementConflict``; either way nothing is
    stored. The actor is always replaced by the learner's account agent. A statement whose id
    is already stored with the same content is not stored again (a retry).
    """
    if not isinstance(statements, list) or not statements:
        raise StatementInvalid(_("statements: send a statement or a non-empty list of them"))
    prepared = []
    now = timezone.now()
    for position, statement in enumerate(statements):
        where = _("statement %(number)d") % {"number": position + 1}
        try:
            validate_statement(statement)
        except StatementInvalid as error:
            raise StatementInvalid(f"{where}: {error}") from error
        statement = dict(statement)
        statement["id"] = str(uuid.UUID(statement["id"])) if "id" in statement else None
        if statement_id is not None:
            if statement["id"] not in (None, str(uuid.UUID(statement_id))):
                raise StatementInvalid(_("id: must match the statementId parameter"))
            statement["id"] = str(uuid.UUID(statement_id))
        statement["id"] = statement["id"] or str(uuid.uuid4())
        statement["actor"] = account_agent(user)
        statement.pop("stored", None)
        statement["authority"] = _authority()
        statement.setdefault("version", "1.0.0")
        prepared.append(statement)
    ids = [statement["id"] for statement in prepared]
    if len(set(ids)) != len(ids):
        raise StatementInvalid(_("id: the same statement id appears twice in one request"))

    rows = [_statement_row(user, dict(statement), now) for statement in prepared]
    # One statement that moves no progress (a sub-question) is a single INSERT, atomic by
    # itself; everything else is stored together with its progress, or not at all.
    moves_progress = any(row.is_root and (row.block_id or row.lesson_key) for row in rows)
    alone = len(rows) == 1 and not moves_progress
    with contextlib.nullcontext() if alone else transaction.atomic():
        try:
            inserted = _insert_new_statements(rows)
        except IntegrityError as error:  # the same ids sent concurrently (COPY)
            raise StatementConflict(
                _("These statements are being stored by another request; send them again.")
            ) from error
        if len(inserted) < len(rows):  # retries (or a conflict): compare with what is stored
            sent = {statement["id"]: statement for statement in prepared}
            missing = [row.id for row in rows if row.id not in inserted]
            stored_rows = LearningStatement.objects.filter(id__in=missing).only(
                "id", "user", "statement"
            )
            for stored in stored_rows:
                incoming = sent[str(stored.id)]
                if stored.user_id != user.pk or not same_statement(stored.statement, incoming):
                    raise StatementConflict(
                        _("A different statement with the id %(id)s is already stored.")
                        % {"id": str(stored.id)}
                    )
        new_rows = [row for row in rows if row.id in inserted]
        if new_rows:
            update_progress_from_statements(user, new_rows)
    return ids


def _insert_new_statements(rows):
    """Store the rows whose id is not stored yet; return the set of ids inserted.

    A large batch on PostgreSQL: one query for the ids already there, then one COPY.
    Otherwise one ``INSERT … ON CONFLICT (id) DO NOTHING RETURNING id``.
    """
    if len(rows) > 10 and connection.vendor == "postgresql":
        existing = set(
            LearningStatement.objects.filter(id__in=[row.id for row in rows]).values_list(
                "id", flat=True
            )
        )
        new = [row for row in rows if row.id not in existing]
        with transaction.atomic():
            _insert_statements(new)
        return {row.id for row in new}
    fields = LearningStatement._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(LearningStatement._meta.db_table)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_save(getattr(row, field.attname), connection)
        for row in rows
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            # Names come from the model's meta (quoted); every value is a parameter.
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))} "  # noqa: S608
            "ON CONFLICT (id) DO NOTHING RETURNING id",
            params,
        )
        # PostgreSQL returns UUIDs; SQLite the 32 hex digits Django stores there.
        return {uuid.UUID(str(row[0])) for row in cursor.fetchall()}


def _insert_statements(rows):
    """Insert new LearningStatement rows: one COPY on PostgreSQL, bulk_create elsewhere.

    Django's bulk_create sends the rows as UNNEST arrays, and psycopg escapes each
    statement's JSON for the array literal in Python, character by character.
    """
    if connection.vendor != "postgresql" or len(rows) < 2:
        LearningStatement.objects.bulk_create(rows)
        return
    fields = LearningStatement._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(LearningStatement._meta.db_table)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        field.get_db_prep_save(getattr(row, field.attname), connection)
                        for field in fields
                    ]
                )


def _statement_row(user, statement, now):
    values = read_statement(statement)
    statement["stored"] = now.isoformat()
    statement.setdefault("timestamp", statement["stored"])
    parsed = parse_activity_iri(values.object_id)
    block_id = lesson_key = None
    if parsed and parsed[0] == "block":
        block_id = parsed[1]
    elif parsed and parsed[0] == "lesson":
        lesson_key = parsed[1]
    return LearningStatement(
        id=uuid.UUID(statement["id"]),
        user=user,
        verb_id=values.verb_id[:255],
        object_id=values.object_id[:500],
        block_id=block_id,
        lesson_key=lesson_key,
        is_root=values.is_root,
        score_scaled=values.score_scaled,
        success=values.success,
        completion=values.completion,
        timestamp=values.timestamp or now,
        stored=now,
        statement=statement,
    )


def update_progress_from_statements(user, rows):
    """Turn newly stored statements into activity results and lesson progress.

    Only root statements count: a sub-question of composite content (it has a
    ``context.contextActivities.parent``) is stored but never scores on its own.
    """
    rows = sorted((row for row in rows if row.is_root), key=lambda row: row.timestamp)
    block_ids = {row.block_id for row in rows if row.block_id}
    reached_end = {
        row.lesson_key: row.timestamp
        for row in rows
        if row.lesson_key and row.verb_id in LESSON_END_VERBS
    }
    activities_by_block = {}
    if block_ids:
        for activity in LessonActivity.objects.filter(
            block_id__in=block_ids, kind=LessonActivity.Kind.H5P
        ).select_related("outline"):
            activities_by_block.setdefault(activity.block_id, []).append(activity)
    if not activities_by_block and not reached_end:
        return

    results = {
        (result.lesson_key, result.block_id): result
        for result in ActivityResult.objects.filter(user=user, block_id__in=activities_by_block)
    }
    created, changed = {}, {}
    for row in rows:
        for activity in activities_by_block.get(row.block_id, ()):
            key = (activity.outline.lesson_key, activity.block_id)
            result = results.get(key)
            if result is None:
                result = ActivityResult(
                    user=user,
                    block_id=activity.block_id,
                    lesson_key=activity.outline.lesson_key,
                    first_at=row.timestamp,
                    last_at=row.timestamp,
                )
                results[key] = created[key] = result
            elif key not in created:
                changed[key] = result
            _apply_statement(result, activity, row)
    if created:
        ActivityResult.objects.bulk_create(created.values())
    fields = ["best_scaled_score", "success", "completed", "viewed", "attempts", "last_at"]
    if len(changed) == 1:
        (result,) = changed.values()
        result.save(update_fields=fields)
    elif changed:
        ActivityResult.objects.bulk_update(changed.values(), fields)
    lesson_keys = {key[0] for key in results} | set(reached_end)
    known_outlines = {
        activity.outline.lesson_key: activity.outline
        for activities in activities_by_block.values()
        for activity in activities
    }
    refresh_lesson_progress(
        user,
        lesson_keys,
        reached_end=reached_end,
        at=max(row.timestamp for row in rows),
        outlines=known_outlines if set(known_outlines) >= lesson_keys else None,
    )


def _apply_statement(result, activity, row):
    result.viewed = True
    result.last_at = max(result.last_at, row.timestamp)
    if not activity.scored:
        result.completed = True
        result.success = True
        return
    if row.score_scaled is not None:
        result.attempts += 1
        if result.best_scaled_score is None or row.score_scaled > result.best_scaled_score:
            result.best_scaled_score = row.score_scaled
        result.completed = True
        result.success = result.best_scaled_score * 100 + SCORE_TOLERANCE >= activity.pass_mark
    elif row.completion:
        result.completed = True


def refresh_lesson_progress(user, lesson_keys, *, reached_end=None, at=None, outlines=None):
    """Recompute the learner's progress in these lessons and complete what is now done.

    A lesson completes when the learner reached its end, passed every scored activity,
    viewed every unscored one and visited every field activity; a course completes (through
    ``complete_course``) when every lesson of it has. ``at`` is when the learner did what
    completes them (a statement's timestamp; queued statements may arrive later).
    ``outlines`` ({lesson key: LessonOutline}) may be passed when the caller has them.

    Few queries: the learner's progress rows; outlines only for lessons without a row yet;
    what a lesson asks for only while it is reached but not completed.
    """
    reached_end = reached_end or {}
    at = min(at or timezone.now(), timezone.now())
    lesson_keys = set(lesson_keys)
    progress = {
        row.lesson_key: row
        for row in LessonProgress.objects.filter(user=user, lesson_key__in=lesson_keys)
    }
    without_row = lesson_keys - set(progress)
    if outlines is None and without_row:
        outlines = {
            outline.lesson_key: outline
            for outline in LessonOutline.objects.filter(lesson_key__in=without_row)
        }
    created, changed, open_keys = [], [], []
    for key in lesson_keys:
        row = progress.get(key)
        if row is None:
            outline = (outlines or {}).get(key)
            if outline is None:
                continue  # not (or no longer) a published lesson
            row = progress[key] = LessonProgress(
                user=user, lesson_key=key, course_key=outline.course_key
            )
            created.append(row)
        if key in reached_end and row.reached_end_at is None:
            row.reached_end_at = reached_end[key]
            if row.pk is not None:
                changed.append(row)
        if row.reached_end_at is not None and row.completed_at is None:
            open_keys.append(key)
    newly_completed_courses = set()
    if open_keys:
        for outline, finished in _finished_lessons(user, open_keys):
            if finished:
                row = progress[outline.lesson_key]
                row.completed_at = at
                newly_completed_courses.add(row.course_key)
                if row.pk is not None and row not in changed:
                    changed.append(row)
    if created:
        LessonProgress.objects.bulk_create(created)
        Enrolment.objects.bulk_create(
            [
                Enrolment(user=user, course_key=key, source=Enrolment.Source.LESSON_VISIT)
                for key in {row.course_key for row in created}
            ],
            ignore_conflicts=True,
        )
    if changed:
        LessonProgress.objects.bulk_update(
            changed, ["reached_end_at", "completed_at", "updated_at"]
        )
    if newly_completed_courses:
        _complete_finished_courses(user, newly_completed_courses, at)


def _finished_lessons(user, lesson_keys):
    """(outline, whether the learner did everything it asks) for these published lessons."""
    outlines = list(
        LessonOutline.objects.filter(lesson_key__in=lesson_keys).prefetch_related("activities")
    )
    required = [activity for outline in outlines for activity in outline.activities.all()]
    done = set()
    if any(activity.kind == LessonActivity.Kind.H5P for activity in required):
        done |= set(
            ActivityResult.objects.filter(
                user=user, lesson_key__in=lesson_keys, success=True
            ).values_list("lesson_key", "block_id")
        )
    if any(activity.kind == LessonActivity.Kind.FIELD for activity in required):
        done |= set(
            FieldVisit.objects.filter(user=user, lesson_key__in=lesson_keys).values_list(
                "lesson_key", "block_id"
            )
        )
    return [
        (
            outline,
            all(
                (outline.lesson_key, activity.block_id) in done
                for activity in outline.activities.all()
            ),
        )
        for outline in outlines
    ]


def _complete_finished_courses(user, course_keys, at):
    lessons = {}
    for lesson_key, course_key in LessonOutline.objects.filter(
        course_key__in=course_keys
    ).values_list("lesson_key", "course_key"):
        lessons.setdefault(course_key, set()).add(lesson_key)
    completed = set(
        LessonProgress.objects.filter(
            user=user, course_key__in=course_keys, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )
    for course_key, lesson_keys in lessons.items():
        if lesson_keys <= completed:
            complete_course(user, course_key, completed_at=at)


def complete_course(user, course_key, *, completed_at=None):
    """Record that the learner completed the course, once; return (completion, created).

    The one place a course completion is written: ``course_completed`` is sent only when
    the record is new, so badges and the portfolio hear of each completion exactly once.
    """
    completion = CourseCompletion.objects.filter(user=user, course_key=course_key).first()
    if completion is not None:
        return completion, False
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(
                user=user, course_key=course_key, completed_at=completed_at or timezone.now()
            )
    except IntegrityError:  # completed by a concurrent request
        return CourseCompletion.objects.get(user=user, course_key=course_key), False
    transaction.on_commit(
        lambda: course_completed.send(
            sender=CourseCompletion, user=user, course_key=course_key, completion=completion
        )
    )
    return completion, True


def record_field_visit(user, *, lesson, block_id, place_name=""):
    """Record the learner's visit to a field activity once; return (visit, created)."""
    block_id = uuid.UUID(str(block_id))
    with transaction.atomic():
        visit, created = FieldVisit.objects.get_or_create(
            user=user,
            block_id=block_id,
            defaults={"lesson_key": lesson.translation_key, "place_name": place_name[:255]},
        )
        if created:
            refresh_lesson_progress(user, [lesson.translation_key])
    return visit, created


def create_xapi_credential(user, *, label):
    """A key and secret for an external xAPI tool; return (credential, secret).

    The secret is random (256 bits), so a fast hash is enough to keep it safely.
    """
    secret = secrets.token_urlsafe(32)
    credential = XAPICredential.objects.create(
        user=user,
        label=label,
        key=secrets.token_hex(12),
        secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
    )
    return credential, secret


def authenticate_xapi_credential(key, secret):
    """The learner a key and secret belong to, or None."""
    credential = (
        XAPICredential.objects.select_related("user")
        .filter(key=key, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if credential is None:
        return None
    expected = hashlib.sha256(secret.encode()).hexdigest()
    if not secrets.compare_digest(expected, credential.secret_hash):
        return None
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > CREDENTIAL_USE_PRECISION:
        # To the minute is enough: no write on every statement a tool sends.
        XAPICredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return credential.user


# Badges ------------------------------------------------------------------------


class BadgeNotAwardable(Exception):
    """The badge is inactive, or the learner already holds it revoked."""


def is_child(user):
    """Children (under the self sign-up age, or without an email address of their own)
    have their badges published only once a guardian shares them."""
    profile = getattr(user, "learner_profile", None)
    if profile is not None and profile.birth_year:
        if profile.age_this_year < settings.MANABI_MINIMUM_SELF_SIGNUP_AGE:
            return True
    return not user.email


def award_badge(user, badge, *, awarded_by=None, narrative="", evidence_url="", issued_on=None):
    """Award ``badge`` to ``user`` once; return (award, created).

    Idempotent, also under concurrent calls (a unique constraint decides). A new award is
    announced in-app (until the learner has seen it) and by email, after the commit.
    """
    if not badge.active:
        raise BadgeNotAwardable(_("This badge is no longer awarded."))
    existing = BadgeAward.objects.filter(user=user, badge=badge).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                user=user,
                badge=badge,
                awarded_by=awarded_by,
                narrative=narrative,
                evidence_url=evidence_url,
                recipient_email="" if is_child(user) else user.email,
                recipient_salt=secrets.token_hex(16),
                issued_on=issued_on or timezone.now(),
            )
    except IntegrityError:  # awarded by a concurrent call
        return BadgeAward.objects.get(user=user, badge=badge), False
    transaction.on_commit(lambda: tell_learner_about_badge(award))
    return award, True


def tell_learner_about_badge(award):
    """Email the learner (when they have an address) about a new badge."""
    from learners.notifications import send_badge_email

    if award.user.email:
        send_badge_email(award)
    BadgeAward.objects.filter(pk=award.pk).update(notified_at=timezone.now())


def revoke_badge(award, *, reason):
    """Revoke an award with a reason shown to verifiers; idempotent."""
    if not reason or not reason.strip():
        raise ValueError(_("Give a reason for revoking the badge."))
    if award.revoked_at is None:
        award.revoked_at = timezone.now()
        award.revocation_reason = reason.strip()[:255]
        award.save(update_fields=["revoked_at", "revocation_reason"])
    return award


def set_badge_public(award, public):
    """The learner shows or hides one badge on a public page. Children's never go public."""
    if public and is_child(award.user):
        raise BadgeNotAwardable(_("Children's badges cannot be made public."))
    award.public = public
    award.save(update_fields=["public"])
    return award


def share_child_badge(award, *, identity_email, shared_by):
    """A guardian publishes a child's badge under an email address the guardian chooses."""
    if not identity_email:
        raise ValueError(_("Choose the email address the badge is issued to."))
    award.recipient_email = identity_email
    award.guardian_shared = True
    award.save(update_fields=["recipient_email", "guardian_shared"])
    return award


def award_badges_for_completion(user, course_key, *, completed_at=None):
    """Award every active badge whose rule ``complete_course`` just made true, dated
    when the course was completed."""
    from learners.badge_rules import badges_earned_after_completion

    return [
        award_badge(user, badge, issued_on=completed_at)[0]
        for badge in badges_earned_after_completion(user, course_key)
    ]
