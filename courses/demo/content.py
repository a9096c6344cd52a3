"""Read the demo curriculum's data files (courses/demo/data/) into what the demo loader builds.

The files are TOML, so that authors and translators can edit the Japanese texts without
touching Python; each says at its top how it is laid out. A file that does not say what the
loader needs raises DemoDataError naming the file and the place in it.
"""

import functools
import tomllib
from pathlib import Path

from courses.h5p_quiz_builder import build_manabi_quiz_package

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_ROOT = DATA_DIR.parents[2]
QUIZZES_FILE = DATA_DIR / "quizzes.toml"

QUIZ_KEYS = {"course", "title", "questions"}
QUIZ_OPTIONAL_KEYS = {"language", "pass_ratio", "labels"}
QUESTION_KEYS = {
    "single": ({"type", "text", "correct", "wrong"}, {"feedback"}),
    "multiple": ({"type", "text", "correct", "wrong"}, {"feedback"}),
    "truefalse": ({"type", "text", "correct"}, {"feedback"}),
}


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
    """Refuse a table with a missing key or one the loader does not know (a typo)."""
    if not isinstance(mapping, dict):
        raise DemoDataError(f"{where}: expected a table, got {mapping!r}")
    unknown = sorted(set(mapping) - set(required) - set(optional))
    if unknown:
        known = ", ".join(sorted({*required, *optional}))
        raise DemoDataError(f"{where}: unknown key {', '.join(unknown)} (known keys: {known})")
    missing = sorted(set(required) - set(mapping))
    if missing:
        raise DemoDataError(f"{where}: missing {', '.join(missing)}")


def _text_list(value, where):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DemoDataError(f"{where}: expected a list of texts, got {value!r}")
    return value


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
            correct = _text_list(data["correct"], f"{where}: correct")
        wrong = _text_list(data["wrong"], f"{where}: wrong")
        question["answers"] = shuffled_answers(correct, wrong)
    if "feedback" in data:
        question["feedback"] = data["feedback"]
    return question


def parse_quizzes(data, source):
    """{course slug: quiz} from the parsed quizzes file; ``source`` names it in errors."""
    check_keys(data, source, {"quiz"}, {"labels"})
    label_sets = data.get("labels", {})
    quizzes = {}
    for position, entry in enumerate(data["quiz"], start=1):
        where = f"{source}, quiz {position}"
        check_keys(entry, where, QUIZ_KEYS, QUIZ_OPTIONAL_KEYS)
        slug = entry["course"]
        where = f"{source}, quiz for {slug!r}"
        if slug in quizzes:
            raise DemoDataError(f"{where}: a second quiz for the same course")
        labels = entry.get("labels")
        if labels is not None and labels not in label_sets:
            raise DemoDataError(
                f"{where}: labels {labels!r} is not a [labels.<name>] set in the file"
            )
        if not isinstance(entry["questions"], list):
            raise DemoDataError(f"{where}: questions must be [[quiz.questions]] tables")
        quizzes[slug] = {
            "title": entry["title"],
            "language": entry.get("language", "ja"),
            "pass_ratio": entry.get("pass_ratio", 0.6),
            "labels": label_sets[labels] if labels else None,
            "questions": [
                _question(question, f"{where}, question {number}")
                for number, question in enumerate(entry["questions"], start=1)
            ],
        }
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
        labels=quiz["labels"],
    )


def build_demo_quiz_packages():
    """(course slug, .h5p bytes) for every demo quiz, in the file's order."""
    return [(slug, build_quiz_package(quiz)) for slug, quiz in load_quizzes().items()]
