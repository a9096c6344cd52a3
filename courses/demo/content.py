"""Read the demo curriculum's data files (courses/demo/data/stages/) into what the loader builds.

The files are TOML, so that authors and translators can edit the Japanese texts without
touching Python (courses/demo/data/README.md says how they are laid out). Everything is
checked as it is read, each lesson by the real LessonBodyBlock as an editor's save would, so
a typo raises DemoDataError naming the file and the place in it before anything is created.
"""

import functools
import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError
from wagtail import blocks

from courses.blocks import LessonBodyBlock
from courses.demo_images import MOTIFS
from courses.models import CoursePage, LessonPage
from curriculum import services as reference
from curriculum.models import ProgrammePage

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_ROOT = DATA_DIR.parents[2]
STAGES_DIR = DATA_DIR / "stages"

STAGE_FILE_KEYS = ({"life_stage", "programme"}, {"courses"})
PROGRAMME_KEYS = {"title", "introduction", "learning_goals", "courses"}
COURSE_KEYS = {
    *("slug", "title", "life_stages", "sdgs", "themes", "competencies"),
    *("estimated_minutes", "summary", "description", "image", "lessons"),
}
LESSON_KEYS = ({"title", "body"}, {"summary"})

# What curriculum.services creates as reference data, so that a misspelt code fails here
# rather than silently dropping a stage, goal, theme or competency from a course.
LIFE_STAGE_SLUGS = [slug for slug, *_rest in reference.LIFE_STAGES]
SDG_NUMBERS = {number for number, *_rest in reference.SUSTAINABLE_DEVELOPMENT_GOALS}
THEME_CODES = {code for code, *_rest in reference.CITY_THEMES}
COMPETENCY_CODES = {code for *_area, items in reference.COMPETENCY_FRAMEWORK for code, *_ in items}
COMPETENCY_LEVELS = {level for level, *_rest in reference.COMPETENCY_LEVELS}


class DemoDataError(ValueError):
    """A demo data file the loader cannot use; the message names the file and the place."""


def source_name(path):
    """The file's path as an editor sees it in the repository (courses/demo/data/...)."""
    path = Path(path).resolve()
    return str(path.relative_to(SOURCE_ROOT)) if path.is_relative_to(SOURCE_ROOT) else str(path)


def read_data_file(path):
    """The parsed TOML of one data file, or DemoDataError naming the file and the line."""
    try:
        with open(path, "rb") as data_file:
            return tomllib.load(data_file)
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{source_name(path)}: not valid TOML: {error}") from error


def check_keys(mapping, where, required, optional=frozenset()):
    """Refuse a table with a missing key or with one the loader does not know (a typo)."""
    if not isinstance(mapping, dict):
        raise DemoDataError(f"{where}: expected a table, got {mapping!r}")
    unknown = sorted(set(mapping) - set(required) - set(optional))
    if unknown:
        known = ", ".join(sorted({*required, *optional}))
        raise DemoDataError(f"{where}: unknown key {', '.join(unknown)} (known keys: {known})")
    missing = sorted(set(required) - set(mapping))
    if missing:
        raise DemoDataError(f"{where}: missing {', '.join(missing)}")


def text_list(value, where):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DemoDataError(f"{where}: expected a list of texts, got {value!r}")
    return value


def _codes(values, allowed, where):
    if not isinstance(values, list) or not values:
        raise DemoDataError(f"{where}: expected a non-empty list, got {values!r}")
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise DemoDataError(f"{where}: unknown {unknown!r} (known: {sorted(allowed)})")
    return values


def _page_field(model, name, value, where):
    """The value as the page model's own field accepts it from an editor's form."""
    try:
        return model._meta.get_field(name).clean(value, None)
    except ValidationError as error:
        raise DemoDataError(f"{where}: {name}: {' '.join(error.messages)}") from error


def _error_lines(error, place):
    """'place: message' lines of a block's ValidationError, nested ones included."""
    nested = getattr(error, "block_errors", None)
    if nested is None:
        return [f"{place}: {message}" for message in error.messages]
    lines = [f"{place}: {message}" for item in error.non_block_errors.as_data() for message in item]
    for name, child in nested.items():
        lines += _error_lines(child, f"{place}.{name}")
    return lines


def _check_stream_shape(stream_block, raw, where):
    """What to_python lets through: it drops unknown block types and struct fields without a
    word, so a misspelt name would silently lose text."""
    if not isinstance(raw, list):
        raise DemoDataError(f"{where}: expected a list of blocks")
    for number, item in enumerate(raw, start=1):
        place = f"{where}, block {number}"
        check_keys(item, place, {"type", "value"})
        child = stream_block.child_blocks.get(item["type"])
        if child is None:
            known = ", ".join(stream_block.child_blocks)
            raise DemoDataError(f"{place}: unknown block type {item['type']!r} (known: {known})")
        if isinstance(child, blocks.StructBlock):
            check_keys(item["value"], f"{place} ({item['type']})", set(), set(child.child_blocks))
        elif not isinstance(item["value"], str):
            raise DemoDataError(f"{place} ({item['type']}): value must be a text")


def validated_stream(stream_block, raw, where):
    """The StreamValue of raw stream data (``[{"type": …, "value": …}]``, as Wagtail stores
    it) after ``to_python`` and ``clean``: what saving it in the editor checks."""
    _check_stream_shape(stream_block, raw, where)
    value = stream_block.to_python(raw)
    try:
        return stream_block.clean(value)
    except ValidationError as error:
        # Stream errors are keyed by position from 0; an editor counts blocks from 1.
        lines = [f"{where}: {message}" for message in getattr(error, "non_block_errors", [])]
        for index, child in getattr(error, "block_errors", {}).items():
            place = f"{where}, block {index + 1} ({raw[index]['type']})"
            lines += _error_lines(child, place)
        raise DemoDataError("; ".join(lines or [f"{where}: {error}"])) from error


def lesson_body(raw, where):
    """A lesson body of a data file, validated by LessonBodyBlock (a StreamValue)."""
    return validated_stream(LessonBodyBlock(), raw, where)


def _lesson(data, where):
    check_keys(data, where, *LESSON_KEYS)
    title = _page_field(LessonPage, "title", data["title"], where)
    where = f"{where} {title!r}"
    lesson = {
        "title": title,
        "summary": _page_field(LessonPage, "summary", data.get("summary", ""), where),
        "body": data["body"],
    }
    lesson_body(lesson["body"], where)
    return lesson


def _competencies(items, where):
    if not isinstance(items, list) or not items:
        raise DemoDataError(f"{where}: expected a list of {{ code = …, level = … }}")
    competencies = []
    for item in items:
        check_keys(item, where, {"code", "level"})
        _codes([item["code"]], COMPETENCY_CODES, where)
        _codes([item["level"]], COMPETENCY_LEVELS, f"{where}: {item['code']} level")
        competencies.append((item["code"], item["level"]))
    return competencies


def _course(data, source, number):
    check_keys(data, f"{source}, course {number}", COURSE_KEYS)
    slug = _page_field(CoursePage, "slug", data["slug"], f"{source}, course {number}")
    where = f"{source}, course {slug!r}"
    check_keys(data["image"], f"{where}: image", {"motif", "alt"})
    if data["image"]["motif"] not in MOTIFS:
        raise DemoDataError(f"{where}: image.motif must be one of {', '.join(MOTIFS)}")
    if not isinstance(data["lessons"], list) or not data["lessons"]:
        raise DemoDataError(f"{where}: a course needs its [[courses.lessons]]")
    return {
        "slug": slug,
        "title": _page_field(CoursePage, "title", data["title"], where),
        "life_stages": _codes(data["life_stages"], LIFE_STAGE_SLUGS, f"{where}: life_stages"),
        "sdgs": _codes(data["sdgs"], SDG_NUMBERS, f"{where}: sdgs"),
        "themes": _codes(data["themes"], THEME_CODES, f"{where}: themes"),
        "competencies": _competencies(data["competencies"], f"{where}: competencies"),
        "estimated_minutes": _page_field(
            CoursePage, "estimated_minutes", data["estimated_minutes"], where
        ),
        "summary": _page_field(CoursePage, "summary", data["summary"], where),
        "description": _page_field(CoursePage, "description", data["description"], where),
        "image": {
            "motif": data["image"]["motif"],
            "alt": _page_field(CoursePage, "cover_image_alt", data["image"]["alt"], where),
        },
        "lessons": [
            _lesson(lesson, f"{where}, lesson {position}")
            for position, lesson in enumerate(data["lessons"], start=1)
        ],
        "source": source,
    }


def _programme(data, where):
    check_keys(data, where, PROGRAMME_KEYS)
    goals = text_list(data["learning_goals"], f"{where}: learning_goals")
    validated_stream(
        ProgrammePage._meta.get_field("learning_goals").stream_block,
        [{"type": "goal", "value": goal} for goal in goals],
        f"{where}: learning_goals",
    )
    return {
        "title": _page_field(ProgrammePage, "title", data["title"], where),
        "introduction": _page_field(ProgrammePage, "introduction", data["introduction"], where),
        "learning_goals": goals,
        "courses": text_list(data["courses"], f"{where}: courses"),
    }


def parse_stage_file(data, source):
    """(life stage slug, programme, [course]) of one parsed stage file; ``source`` names
    the file in errors."""
    check_keys(data, source, *STAGE_FILE_KEYS)
    stage = _codes([data["life_stage"]], LIFE_STAGE_SLUGS, f"{source}: life_stage")[0]
    programme = _programme(data["programme"], f"{source}, [programme]")
    if not isinstance(data.get("courses", []), list):
        raise DemoDataError(f"{source}: courses must be [[courses]] tables")
    courses = [
        _course(course, source, number)
        for number, course in enumerate(data.get("courses", []), start=1)
    ]
    return stage, programme, courses


@functools.cache
def load_curriculum(stages_dir=STAGES_DIR):
    """(programmes by life stage slug, courses in order) from every stage file, read in
    file-name order. Read once per process; callers must not change what they get."""
    programmes, programme_sources, courses, course_sources = {}, {}, [], {}
    paths = sorted(Path(stages_dir).glob("*.toml"))
    if not paths:
        raise DemoDataError(f"{source_name(stages_dir)}: no stage files (*.toml)")
    for path in paths:
        source = source_name(path)
        stage, programme, stage_courses = parse_stage_file(read_data_file(path), source)
        if stage in programmes:
            raise DemoDataError(f"{source}: {stage!r} is also in {programme_sources[stage]}")
        programmes[stage], programme_sources[stage] = programme, source
        for course in stage_courses:
            if course["slug"] in course_sources:
                raise DemoDataError(
                    f"{source}: course {course['slug']!r} is also in "
                    f"{course_sources[course['slug']]}"
                )
            course_sources[course["slug"]] = source
            courses.append(course)
    for stage, programme in programmes.items():
        unknown = [slug for slug in programme["courses"] if slug not in course_sources]
        if unknown:
            raise DemoDataError(
                f"{programme_sources[stage]}, [programme]: courses {unknown!r} are in no stage file"
            )
    return programmes, courses


def load_programmes():
    """{life stage slug: programme} of the demo."""
    return load_curriculum()[0]


def load_courses():
    """Every demo course, in the order the demo builds them."""
    return load_curriculum()[1]
