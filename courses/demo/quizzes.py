"""Read the demo quizzes (courses/demo/data/quizzes.toml) and build them into H5P packages.

Each quiz is built with build_manabi_quiz_package, Manabi's own H5P.ManabiQuiz content type,
and imported through the same importer as an uploaded package.
"""

import functools

from courses.demo.content import (
    DATA_DIR,
    DemoDataError,
    check_keys,
    read_data_file,
    source_name,
    text_list,
)
from courses.h5p_quiz_builder import build_manabi_quiz_content, build_manabi_quiz_package

QUIZZES_FILE = DATA_DIR / "quizzes.toml"

QUIZ_KEYS = {"course", "title", "questions"}
QUIZ_OPTIONAL_KEYS = {"language", "pass_ratio", "easy_labels"}
QUESTION_KEYS = {
    "single": ({"type", "text", "correct", "wrong"}, {"feedback"}),
    "multiple": ({"type", "text", "correct", "wrong"}, {"feedback"}),
    "truefalse": ({"type", "text", "correct"}, {"feedback"}),
}


def shuffled_answers(correct, wrong):
    """The builder's answer list, the correct ones moved off the front the same way each
    build (a rotation by the texts' total length), so the right answer is not always first."""
    answers = [{"text": text, "correct": True} for text in correct]
    answers += [{"text": text, "correct": False} for text in wrong]
    shift = sum(len(answer["text"]) for answer in answers) % len(answers)
    return answers[shift:] + answers[:shift]


def _question(data, where):
    """One question of a quiz file in the builder's terms (see build_manabi_quiz_package)."""
    question_type = data.get("type") if isinstance(data, dict) else None
    if question_type not in QUESTION_KEYS:
        raise DemoDataError(
            f"{where}: type must be one of {', '.join(QUESTION_KEYS)}, got {question_type!r}"
        )
    check_keys(data, where, *QUESTION_KEYS[question_type])
    question = {"type": question_type, "text": data["text"]}
    if question_type == "truefalse":
        question["correct"] = data["correct"]
    else:
        if question_type == "single":
            if not isinstance(data["correct"], str):
                raise DemoDataError(f"{where}: correct must be the one right answer's text")
            correct = [data["correct"]]
        else:
            correct = text_list(data["correct"], f"{where}: correct")
        wrong = text_list(data["wrong"], f"{where}: wrong")
        question["answers"] = shuffled_answers(correct, wrong)
    if "feedback" in data:
        question["feedback"] = data["feedback"]
    return question


def parse_quizzes(data, source):
    """{course slug: quiz} from the parsed quizzes file; ``source`` names it in errors."""
    check_keys(data, source, {"quiz"}, set())
    quizzes = {}
    for position, entry in enumerate(data["quiz"], start=1):
        where = f"{source}, quiz {position}"
        check_keys(entry, where, QUIZ_KEYS, QUIZ_OPTIONAL_KEYS)
        slug = entry["course"]
        where = f"{source}, quiz for {slug!r}"
        if slug in quizzes:
            raise DemoDataError(f"{where}: a second quiz for the same course")
        easy_labels = entry.get("easy_labels", False)
        if not isinstance(easy_labels, bool):
            raise DemoDataError(f"{where}: easy_labels must be true or false")
        if not isinstance(entry["questions"], list):
            raise DemoDataError(f"{where}: questions must be [[quiz.questions]] tables")
        quiz = {
            "title": entry["title"],
            "language": entry.get("language", "ja"),
            "pass_ratio": entry.get("pass_ratio", 0.6),
            "easy_labels": easy_labels,
            "questions": [
                _question(question, f"{where}, question {number}")
                for number, question in enumerate(entry["questions"], start=1)
            ],
        }
        try:
            build_manabi_quiz_content(**quiz)
        except ValueError as error:
            raise DemoDataError(f"{where}: {error}") from error
        quizzes[slug] = quiz
    return quizzes


@functools.cache
def load_quizzes():
    """{course slug: quiz} of every demo quiz, in the file's order. Read once per process;
    callers must not change what they get."""
    return parse_quizzes(read_data_file(QUIZZES_FILE), source_name(QUIZZES_FILE))


def build_quiz_package(quiz):
    """The .h5p bytes of one loaded demo quiz (ValueError from the builder when invalid)."""
    return build_manabi_quiz_package(
        title=quiz["title"],
        language=quiz["language"],
        questions=quiz["questions"],
        pass_ratio=quiz["pass_ratio"],
        easy_labels=quiz["easy_labels"],
    )


def build_demo_quiz_packages():
    """(course slug, .h5p bytes) for every demo quiz, in the file's order."""
    return [(slug, build_quiz_package(quiz)) for slug, quiz in load_quizzes().items()]
