"""The demo curriculum, built through the same steps faculty and supervisors take.

Courses and lessons are written as drafts by the demo faculty author, sent to
大学監修, and approved by the demo supervisor; only then are they live. The
texts and quizzes are data files in courses/demo/data/ (read by courses.demo.content
and courses.demo.quizzes). Re-running skips what exists.
"""

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Site

from courses.demo.content import lesson_body, load_curriculum
from courses.demo.quizzes import build_quiz_package, load_quizzes
from courses.demo_images import draw_cover
from courses.h5p.services import import_h5p_package
from courses.models import CourseCompetency, CourseIndexPage, CoursePage, H5PPackage, LessonPage
from curriculum.models import (
    CityTheme,
    Competency,
    CurriculumIndexPage,
    FacultyMember,
    LifeStage,
    ProgrammeCourse,
    ProgrammePage,
    SustainableDevelopmentGoal,
)
from curriculum.ruby import strip_ruby
from curriculum.supervision import approve_supervision, submit_for_supervision

DEMO_FACULTY = {
    "author": {
        "name_ja": "金沢 大輔",
        "name_en": "Daisuke Kanazawa",
        "title_ja": "准教授",
        "title_en": "Associate Professor",
        "department": "金沢大学 人間社会研究域",
    },
    "supervisor": {
        "name_ja": "兼六 由紀子",
        "name_en": "Yukiko Kenroku",
        "title_ja": "教授",
        "title_en": "Professor",
        "department": "金沢大学 SDGs推進室",
    },
}
APPROVAL_COMMENT = "内容と対象年齢を確認しました。公開を承認します。"


def lesson_stream(body, where="lesson"):
    """(block type, value) pairs of a lesson body from the data files, as LessonBodyBlock
    reads and validates it, ready for a LessonPage's body."""
    return [(child.block_type, child.value) for child in lesson_body(body, where)]


def demo_quiz_package(slug, author_user):
    """The course's demo quiz as an imported H5P package (built with our own
    H5P.ManabiQuiz content type, imported through the same importer as uploads),
    or None when the course has no quiz."""
    quiz = load_quizzes().get(slug)
    if quiz is None:
        return None
    existing = H5PPackage.objects.filter(title=quiz["title"]).first()
    if existing:
        return existing
    package_bytes = build_quiz_package(quiz)
    return import_h5p_package(
        ContentFile(package_bytes, name=f"{slug}-quiz.h5p"), uploaded_by=author_user
    )


def ensure_demo_faculty(author_user, supervisor_user):
    members = {}
    for key, user in (("author", author_user), ("supervisor", supervisor_user)):
        member, _created = FacultyMember.objects.get_or_create(
            name_en=DEMO_FACULTY[key]["name_en"], defaults={**DEMO_FACULTY[key], "user": user}
        )
        members[key] = member
    return members


def _supervised_publish(page, author_user, supervisor_user):
    submit_for_supervision(page, author_user)
    approve_supervision(page, supervisor_user, APPROVAL_COMMENT)


def _index_pages(home, author_user, supervisor_user):
    catalogue = CourseIndexPage.objects.child_of(home).first()
    if catalogue is None:
        catalogue = home.add_child(
            instance=CourseIndexPage(
                title="講座をさがす",
                slug="courses",
                introduction="<p>ライフステージやSDGsの目標から、あなたに合った講座をさがしましょう。"
                "すべての講座は金沢大学の監修を受けています。</p>",
                live=False,
            )
        )
        _supervised_publish(catalogue, author_user, supervisor_user)
    curriculum = CurriculumIndexPage.objects.child_of(home).first()
    if curriculum is None:
        curriculum = home.add_child(
            instance=CurriculumIndexPage(
                title="カリキュラム",
                slug="curriculum",
                introduction="<p>幼児からシニアまで、7つのライフステージごとに、"
                "金沢大学が監修する一貫したSDGsの学びのプログラムです。</p>",
                live=False,
            )
        )
        _supervised_publish(curriculum, author_user, supervisor_user)
    return catalogue, curriculum


def _cover_image(course_data, sdgs, stage):
    colours = [goal.colour for goal in sdgs] or [stage.colour]
    png = draw_cover(course_data["image"]["motif"], colours, seed=course_data["slug"])
    image_model = get_image_model()
    title = f"{course_data['title']}（表紙）"
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    from io import BytesIO

    return image_model.objects.create(
        title=title,
        file=ImageFile(BytesIO(png), name=f"demo-{course_data['slug']}.png"),
        description=course_data["image"]["alt"],
    )


@transaction.atomic
def _create_course(catalogue, course_data, faculty, author_user, supervisor_user):
    stages = list(LifeStage.objects.filter(slug__in=course_data["life_stages"]))
    sdgs = list(SustainableDevelopmentGoal.objects.filter(number__in=course_data["sdgs"]))
    cover = _cover_image(course_data, sdgs, stages[0])
    course = catalogue.add_child(
        instance=CoursePage(
            title=course_data["title"],
            slug=course_data["slug"],
            summary=course_data["summary"],
            description=course_data["description"],
            estimated_minutes=course_data["estimated_minutes"],
            cover_image=cover,
            cover_image_alt=course_data["image"]["alt"],
            live=False,
        )
    )
    course.life_stages.set(stages)
    course.sdgs.set(sdgs)
    course.themes.set(CityTheme.objects.filter(code__in=course_data["themes"]))
    course.faculty_authors.set([faculty["author"]])
    competencies = {
        competency.code: competency
        for competency in Competency.objects.filter(
            code__in=[code for code, _level in course_data["competencies"]]
        )
    }
    course.competencies.set(
        [
            CourseCompetency(competency=competencies[code], level=level, sort_order=order)
            for order, (code, level) in enumerate(course_data["competencies"])
        ]
    )
    course.save()
    _supervised_publish(course, author_user, supervisor_user)
    quiz_package = demo_quiz_package(course_data["slug"], author_user)
    last_lesson = len(course_data["lessons"])
    for number, lesson_data in enumerate(course_data["lessons"], start=1):
        body = lesson_stream(lesson_data["body"], f"{course_data['slug']} lesson {number}")
        if quiz_package is not None and number == last_lesson:
            # The course's quiz comes before the closing reflection.
            body.insert(
                max(len(body) - 1, 0),
                ("h5p", {"package": quiz_package, "pass_mark": 60, "fallback_text": ""}),
            )
        lesson = course.add_child(
            instance=LessonPage(
                title=lesson_data["title"],
                slug=f"lesson-{number}",
                summary=lesson_data.get("summary", ""),
                estimated_minutes=max(
                    5, course_data["estimated_minutes"] // len(course_data["lessons"])
                ),
                body=body,
                live=False,
            )
        )
        _supervised_publish(lesson, author_user, supervisor_user)
    return course


@transaction.atomic
def _create_programme(curriculum, stage, programme_data, courses_by_slug, faculty, users):
    programme = curriculum.add_child(
        instance=ProgrammePage(
            title=programme_data["title"],
            slug=stage.slug,
            life_stage=stage,
            introduction=programme_data["introduction"],
            learning_goals=[("goal", goal) for goal in programme_data["learning_goals"]],
            supervisor=faculty["supervisor"],
            live=False,
        )
    )
    programme.recommended_courses.set(
        [
            ProgrammeCourse(course=courses_by_slug[slug], sort_order=order)
            for order, slug in enumerate(programme_data["courses"])
            if slug in courses_by_slug
        ]
    )
    programme.save()
    _supervised_publish(programme, *users)
    return programme


def build_demo_curriculum(
    *,
    author_user,
    supervisor_user,
    on_progress=lambda: None,
    course_limit=None,
    curriculum_data=None,
):
    """Catalogue, curriculum, the demo courses with their lessons (the first
    ``course_limit`` of them, or all), and the seven stage programmes, each
    approved through 大学監修. Returns counts of what was new.

    ``curriculum_data`` is (programmes, courses) as load_curriculum() gives them, which
    is the default; the data files are read, and checked, before anything is created."""
    programmes_data, courses_data = curriculum_data or load_curriculum()
    home = Site.objects.get(is_default_site=True).root_page.specific
    faculty = ensure_demo_faculty(author_user, supervisor_user)
    catalogue, curriculum = _index_pages(home, author_user, supervisor_user)
    existing = {course.slug: course for course in CoursePage.objects.child_of(catalogue)}
    created_courses = 0
    for course_data in courses_data[:course_limit]:
        if course_data["slug"] not in existing:
            existing[course_data["slug"]] = _create_course(
                catalogue, course_data, faculty, author_user, supervisor_user
            )
            created_courses += 1
        on_progress()
    programmes = set(ProgrammePage.objects.child_of(curriculum).values_list("slug", flat=True))
    created_programmes = 0
    for stage in LifeStage.objects.all():
        if stage.slug in programmes or stage.slug not in programmes_data:
            continue
        _create_programme(
            curriculum,
            stage,
            programmes_data[stage.slug],
            existing,
            faculty,
            (author_user, supervisor_user),
        )
        created_programmes += 1
    badges = ensure_demo_badges(catalogue, curriculum)
    return {"courses": created_courses, "programmes": created_programmes, "badges": badges}


def ensure_demo_badges(catalogue, curriculum):
    """A badge for every demo course and every stage programme (drawn artwork, aligned to
    the course's SDGs); returns how many were new."""
    from curriculum.badge_rules import COMPLETE_COURSE, COMPLETE_PROGRAMME
    from curriculum.models import BadgeDefinition

    created = 0
    have_course = set(BadgeDefinition.objects.values_list("course_id", flat=True))
    have_programme = set(BadgeDefinition.objects.values_list("programme_id", flat=True))
    for course in (
        CoursePage.objects.child_of(catalogue).live().prefetch_related("sdgs", "life_stages")
    ):
        if course.pk in have_course:
            continue
        title = strip_ruby(course.title)
        badge = BadgeDefinition.objects.create(
            name_ja=title,
            name_en="",
            description=course.summary,
            criteria_narrative=f"講座「{title}」のすべてのレッスンを修了し、クイズでは合格点に達しました。",
            rule_type=COMPLETE_COURSE,
            course=course,
            life_stage=course.life_stages.first(),
            tags="SDGs, 小松市, " + ", ".join(stage.name_ja for stage in course.life_stages.all()),
        )
        badge.sdgs.set(course.sdgs.all())
        created += 1
    for programme in ProgrammePage.objects.child_of(curriculum).live().select_related("life_stage"):
        if programme.pk in have_programme:
            continue
        badge = BadgeDefinition.objects.create(
            name_ja=f"{programme.life_stage.name_ja}のSDGsプログラム修了",
            name_en=f"SDGs programme for {programme.life_stage.name_en}",
            description=f"{strip_ruby(programme.title)}のおすすめ講座をすべて修了しました。",
            criteria_narrative=f"「{strip_ruby(programme.title)}」のおすすめ講座をすべて修了しました。",
            rule_type=COMPLETE_PROGRAMME,
            programme=programme,
            life_stage=programme.life_stage,
            tags="SDGs, 小松市, 金沢大学",
        )
        goals = {
            goal.pk
            for item in programme.recommended_courses.all()
            for goal in item.course.specific.sdgs.all()
        }
        badge.sdgs.set(sorted(goals)[:6])
        created += 1
    return created
