"""The demo's data files (courses/demo/data/): every lesson passes the real LessonBodyBlock,
every quiz is a package the H5P validator accepts, and a typo fails naming file and lesson."""

import io

import pytest
from django.core.exceptions import ValidationError

from courses.blocks import LessonBodyBlock
from courses.demo.content import (
    STAGES_DIR,
    DemoDataError,
    load_curriculum,
    parse_stage_file,
    read_data_file,
    source_name,
)
from courses.demo.quizzes import QUIZZES_FILE, build_demo_quiz_packages, parse_quizzes
from courses.h5p.validation import H5PValidationError, validate_h5p_archive

STAGE_FILES = sorted(STAGES_DIR.glob("*.toml"))
EARLY_CHILDHOOD = STAGES_DIR / "1-early-childhood.toml"


def test_there_is_a_stage_file_for_each_of_the_seven_stages():
    assert [path.name.split("-", 1)[0] for path in STAGE_FILES] == [str(n) for n in range(1, 8)]
    programmes, courses = load_curriculum()
    assert list(programmes) == [path.stem.split("-", 1)[1] for path in STAGE_FILES]
    assert len(courses) == 17
    assert sum(len(course["lessons"]) for course in courses) == 49


@pytest.mark.parametrize("path", STAGE_FILES, ids=lambda path: path.name)
def test_every_lesson_passes_the_lesson_body_block_as_an_editors_save_would(path):
    _stage, _programme, courses = parse_stage_file(read_data_file(path), source_name(path))
    block = LessonBodyBlock()
    for course in courses:
        for number, lesson in enumerate(course["lessons"], start=1):
            where = f"{path.name}, course {course['slug']}, lesson {number} {lesson['title']}"
            try:
                value = block.clean(block.to_python(lesson["body"]))
            except ValidationError as error:
                pytest.fail(f"{where}: {error!r}")
            # Nothing was dropped on the way: to_python skips unknown types silently.
            assert [child.block_type for child in value] == [
                item["type"] for item in lesson["body"]
            ], where
            assert len(value) >= 3, where  # a heading, a text and a closing reflection at least
            assert value[-1].block_type == "reflection", where


@pytest.mark.django_db
def test_every_demo_quiz_is_a_package_the_h5p_validator_accepts(tmp_path):
    # No library is installed in the test database: each package must bring its own.
    packages = build_demo_quiz_packages()
    assert len(packages) >= 8
    for slug, package_bytes in packages:
        try:
            validated = validate_h5p_archive(io.BytesIO(package_bytes), tmp_path / slug)
        except H5PValidationError as error:
            pytest.fail(f"{source_name(QUIZZES_FILE)}, quiz for {slug!r}: {error}")
        assert validated.main_library == ("H5P.ManabiQuiz", 1, 0), slug
        assert validated.h5p_json["language"] == "ja", slug


def broken_copy(tmp_path, old, new):
    """A stage directory holding the early-childhood file with its first ``old`` replaced."""
    text = EARLY_CHILDHOOD.read_text(encoding="utf-8")
    assert old in text, old
    (tmp_path / EARLY_CHILDHOOD.name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def load_error(stages_dir):
    with pytest.raises(DemoDataError) as raised:
        load_curriculum(stages_dir)
    return str(raised.value)


def test_the_unchanged_copy_loads(tmp_path):
    (tmp_path / EARLY_CHILDHOOD.name).write_bytes(EARLY_CHILDHOOD.read_bytes())
    programmes, courses = load_curriculum(tmp_path)
    assert list(programmes) == ["early-childhood"]
    assert [course["slug"] for course in courses] == [
        "ohana-to-nakayoshi",
        "gomi-wo-wakete-mottainai",
    ]


def test_a_missing_coordinate_fails_naming_file_course_lesson_and_block(tmp_path):
    message = load_error(broken_copy(tmp_path, "value.latitude = 36.405\n", ""))
    assert str(tmp_path / EARLY_CHILDHOOD.name) in message
    assert "course 'ohana-to-nakayoshi', lesson 2 'おはなに みずを あげよう'" in message
    assert "block 3 (field_activity).latitude" in message


def test_a_misspelt_block_type_fails_instead_of_vanishing(tmp_path):
    message = load_error(broken_copy(tmp_path, 'type = "heading"', 'type = "heding"'))
    assert "course 'ohana-to-nakayoshi', lesson 1 'たねって なあに？', block 1" in message
    assert "unknown block type 'heding'" in message


def test_a_misspelt_field_fails_instead_of_vanishing(tmp_path):
    message = load_error(broken_copy(tmp_path, "value.safety_note", "value.safty_note"))
    assert "lesson 2 'おはなに みずを あげよう', block 3 (field_activity)" in message
    assert "unknown key safty_note" in message


def test_incomplete_furigana_fails_as_in_the_editor(tmp_path):
    message = load_error(broken_copy(tmp_path, "てのひらに、", "｜手《て"))
    assert "lesson 1 'たねって なあに？', block 2 (text)" in message


def test_a_wrong_reference_code_fails(tmp_path):
    message = load_error(broken_copy(tmp_path, '"ENV-GREEN"', '"ENV-GRENE"'))
    assert "course 'ohana-to-nakayoshi': competencies" in message
    assert "ENV-GRENE" in message


def test_a_programme_course_that_no_file_holds_fails(tmp_path):
    message = load_error(broken_copy(tmp_path, '"gomi-wo-wakete-mottainai"]', '"gomi"]'))
    assert "[programme]" in message and "'gomi'" in message


def test_broken_toml_fails_naming_the_file_and_line(tmp_path):
    message = load_error(broken_copy(tmp_path, 'life_stage = "', "life_stage = "))
    assert str(tmp_path / EARLY_CHILDHOOD.name) in message
    assert "not valid TOML" in message and "line 4" in message


def quiz_file(**question):
    return {
        "quiz": [
            {
                "course": "ohana-to-nakayoshi",
                "title": "クイズ",
                "questions": [{"type": "truefalse", "text": "はな", "correct": True}, question],
            }
        ]
    }


def test_the_quiz_file_loads_with_every_quiz_buildable():
    quizzes = parse_quizzes(read_data_file(QUIZZES_FILE), "quizzes.toml")
    assert len(quizzes) >= 8


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            {"type": "multiple", "text": "どれ？", "correct": [], "wrong": ["a", "b"]},
            "question 2: a multiple-answer question needs at least one correct answer",
        ),
        (
            {"type": "single", "text": "どれ？", "correct": "a", "wrong": ["b"], "feedbak": "x"},
            "question 2: unknown key feedbak",
        ),
        ({"type": "choice", "text": "どれ？"}, "question 2: type must be one of"),
        ({"type": "single", "text": "どれ？", "correct": ["a"], "wrong": ["b"]}, "correct must"),
    ],
)
def test_a_broken_quiz_fails_naming_the_file_quiz_and_question(question, message):
    with pytest.raises(DemoDataError) as raised:
        parse_quizzes(quiz_file(**question), "quizzes.toml")
    assert str(raised.value).startswith("quizzes.toml, quiz for 'ohana-to-nakayoshi'")
    assert message in str(raised.value)
