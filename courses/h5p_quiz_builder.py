"""Build .h5p packages of Manabi's own quiz content type, H5P.ManabiQuiz 1.0.

The library lives in the repository (``courses/h5p_content_types/H5P.ManabiQuiz-1.0``) and
depends on H5P core alone, so a package built here plays in h5p-standalone with nothing
downloaded: ``load_demo_data`` builds the demo quizzes (courses/demo/data/quizzes.toml) with
it and imports them through the same importer as uploaded packages.

Question text may use the Aozora Bunko ruby notation of the lessons (｜漢字《かんじ》, or
漢字《かんじ》 after a run of kanji); the player renders it as ``<ruby>``.
"""

import io
import json
import re
import uuid
import zipfile
from pathlib import Path

from django.utils import translation
from django.utils.translation import pgettext_lazy

LIBRARY_MACHINE_NAME = "H5P.ManabiQuiz"
LIBRARY_MAJOR_VERSION = 1
LIBRARY_MINOR_VERSION = 0
LIBRARY_FOLDER_NAME = f"{LIBRARY_MACHINE_NAME}-{LIBRARY_MAJOR_VERSION}.{LIBRARY_MINOR_VERSION}"
LIBRARY_SOURCE_DIR = Path(__file__).resolve().parent / "h5p_content_types" / LIBRARY_FOLDER_NAME

# Only what the player needs; editor leftovers or stray files never reach a package.
LIBRARY_TOP_LEVEL_FILES = ("library.json", "semantics.json")
LIBRARY_ASSET_FOLDERS = ("scripts", "styles")

QUESTION_TYPES = ("single", "multiple", "truefalse")

# A fixed timestamp makes the same input produce the same bytes (ZIP's earliest date).
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o644 << 16

# Namespace for the questions' subContentIds, so that ids are stable between builds.
QUESTION_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://manabi.komatsu/h5p/manabi-quiz")

LANGUAGE_CODE_PATTERN = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")

# xAPI language maps want BCP 47 tags; Django codes are lowercase ("pt-br", "zh-hans").
XAPI_LANGUAGE_TAGS = {"pt-br": "pt-BR", "zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}

# The player's buttons and messages, translated in locale/ like every other string and
# rendered in the package's language when it is built. Short words take the context
# "quiz player" (Check, True, Correct! mean other things elsewhere); the easy set, for young
# children, takes its own context, so Japanese can say it in hiragana (labels are plain
# text and cannot carry furigana). @score, @total and @current are filled in by the player.
LABELS = {
    "check": pgettext_lazy("quiz player", "Check"),
    "retry": pgettext_lazy("quiz player", "Retry"),
    "correct": pgettext_lazy("quiz player", "Correct!"),
    "incorrect": pgettext_lazy("quiz player", "Incorrect."),
    # Translators: the quiz's score; keep @score and @total.
    "score": pgettext_lazy("quiz player", "@score / @total"),
    # Translators: keep @current and @total.
    "questionOf": pgettext_lazy("quiz player", "Question @current of @total"),
    # Translators: the answer to a true-or-false statement.
    "true": pgettext_lazy("quiz player", "True"),
    # Translators: the answer to a true-or-false statement.
    "false": pgettext_lazy("quiz player", "False"),
    "submit": pgettext_lazy("quiz player", "Submit"),
    "selectAnswer": pgettext_lazy("quiz player", "Choose an answer first."),
    "chooseAll": pgettext_lazy("quiz player", "Choose all correct answers."),
}
# The context is written out in each call: xgettext reads only literal strings.
EASY_LABELS = {
    "check": pgettext_lazy("quiz player, easy words for young children", "Check"),
    "retry": pgettext_lazy("quiz player, easy words for young children", "Retry"),
    "correct": pgettext_lazy("quiz player, easy words for young children", "Correct!"),
    "incorrect": pgettext_lazy("quiz player, easy words for young children", "Incorrect."),
    # Translators: the quiz's score; keep @score and @total.
    "score": pgettext_lazy("quiz player, easy words for young children", "@score / @total"),
    # Translators: keep @current and @total.
    "questionOf": pgettext_lazy(
        "quiz player, easy words for young children", "Question @current of @total"
    ),
    "true": pgettext_lazy("quiz player, easy words for young children", "True"),
    "false": pgettext_lazy("quiz player, easy words for young children", "False"),
    "submit": pgettext_lazy("quiz player, easy words for young children", "Submit"),
    "selectAnswer": pgettext_lazy(
        "quiz player, easy words for young children", "Choose an answer first."
    ),
    "chooseAll": pgettext_lazy(
        "quiz player, easy words for young children", "Choose all correct answers."
    ),
}


def normalise_language_code(language):
    """The lowercase Django-style code ("pt-br") for a language tag in any case or separator.

    Raises ValueError when the value is not a plausible language tag.
    """
    if not isinstance(language, str) or not LANGUAGE_CODE_PATTERN.match(language.strip()):
        raise ValueError(
            f"language must be a language code such as 'ja' or 'pt-br', got {language!r}"
        )
    return language.strip().replace("_", "-").lower()


def xapi_language_tag(language_code):
    """The BCP 47 tag used as the key of xAPI language maps, e.g. "pt-BR" for "pt-br"."""
    return XAPI_LANGUAGE_TAGS.get(language_code, language_code)


def default_labels(language, *, easy=False):
    """All player labels for a language, from its catalogue: English where it has none.

    Regional variants fall back to their base language ("ja-jp" uses "ja") before English.
    ``easy`` gives the words for young children.
    """
    language_code = normalise_language_code(language)
    with translation.override(language_code):
        labels = {key: str(label) for key, label in LABELS.items()}
        easy_labels = {key: str(label) for key, label in EASY_LABELS.items()} if easy else {}
    if easy_labels:
        with translation.override("en"):
            source = {key: str(label) for key, label in EASY_LABELS.items()}
        # Easy words where the language's catalogue has them, its ordinary labels elsewhere
        # (rather than English for a child who reads Portuguese).
        labels.update({key: text for key, text in easy_labels.items() if text != source[key]})
    return labels


def _require_text(value, what):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    return value


def _question_params(question, position, title):
    """Validated content.json parameters for one question (position counts from 1)."""
    where = f"question {position}"
    if not isinstance(question, dict):
        raise ValueError(f"{where} must be a dict")
    question_type = question.get("type")
    if question_type not in QUESTION_TYPES:
        raise ValueError(
            f"{where}: type must be one of {', '.join(QUESTION_TYPES)}, got {question_type!r}"
        )
    text = _require_text(question.get("text"), f"{where}: text")
    params = {"type": question_type, "text": text}

    if question_type == "truefalse":
        if not isinstance(question.get("correct"), bool):
            raise ValueError(f"{where}: a truefalse question needs 'correct' set to True or False")
        params["correct"] = question["correct"]
    else:
        answers = question.get("answers")
        if not isinstance(answers, list) or len(answers) < 2:
            raise ValueError(f"{where}: a {question_type} question needs at least 2 answers")
        answer_params = []
        for answer_position, answer in enumerate(answers, start=1):
            if not isinstance(answer, dict):
                raise ValueError(f"{where}, answer {answer_position} must be a dict")
            answer_text = _require_text(
                answer.get("text"), f"{where}, answer {answer_position}: text"
            )
            answer_params.append(
                {"text": answer_text, "correct": bool(answer.get("correct", False))}
            )
        correct_count = sum(answer["correct"] for answer in answer_params)
        if question_type == "single" and correct_count != 1:
            raise ValueError(
                f"{where}: a single-answer question needs exactly one correct answer, "
                f"has {correct_count}"
            )
        if question_type == "multiple" and correct_count == 0:
            raise ValueError(
                f"{where}: a multiple-answer question needs at least one correct answer"
            )
        params["answers"] = answer_params

    feedback = question.get("feedback")
    if feedback is not None:
        params["feedback"] = _require_text(feedback, f"{where}: feedback")
    # Derived from the quiz title, position and text: rebuilding the same quiz keeps the ids,
    # a changed question gets a new one, so statements about different questions never merge.
    params["subContentId"] = str(
        uuid.uuid5(QUESTION_ID_NAMESPACE, f"{title}\n{position}\n{question_type}\n{text}")
    )
    return params


def build_manabi_quiz_content(
    *, title, language, questions, pass_ratio=0.6, labels=None, easy_labels=False
):
    """The validated ``content/content.json`` parameters of a Manabi quiz.

    Raises ValueError for an empty title, no questions, an unknown question type, a question
    with fewer than 2 answers, a single-answer question without exactly one correct answer, a
    multiple-answer question without a correct answer, a pass ratio outside 0..1, or labels
    that are not strings.
    """
    _require_text(title, "title")
    language_code = normalise_language_code(language)
    if not isinstance(questions, (list, tuple)) or not questions:
        raise ValueError("a quiz needs at least one question")
    if (
        isinstance(pass_ratio, bool)
        or not isinstance(pass_ratio, (int, float))
        or not 0 <= pass_ratio <= 1
    ):
        raise ValueError(f"pass_ratio must be a number from 0 to 1, got {pass_ratio!r}")
    merged_labels = default_labels(language_code, easy=easy_labels)
    for key, value in (labels or {}).items():
        if key not in LABELS:
            raise ValueError(f"unknown label {key!r}; known labels: {', '.join(LABELS)}")
        merged_labels[key] = _require_text(value, f"label {key!r}")
    return {
        "questions": [
            _question_params(question, position, title)
            for position, question in enumerate(questions, start=1)
        ],
        "passRatio": pass_ratio,
        "language": xapi_language_tag(language_code),
        "l10n": merged_labels,
    }


def library_files():
    """(path inside the package, bytes) of the library, sorted by path.

    Only library.json, semantics.json and the files under scripts/ and styles/ are included.
    """
    files = []
    for name in LIBRARY_TOP_LEVEL_FILES:
        files.append((f"{LIBRARY_FOLDER_NAME}/{name}", (LIBRARY_SOURCE_DIR / name).read_bytes()))
    for folder in LIBRARY_ASSET_FOLDERS:
        for path in sorted((LIBRARY_SOURCE_DIR / folder).rglob("*")):
            relative = path.relative_to(LIBRARY_SOURCE_DIR)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                files.append((f"{LIBRARY_FOLDER_NAME}/{relative.as_posix()}", path.read_bytes()))
    return sorted(files)


def _json_bytes(data):
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_manabi_quiz_package(
    *, title, language, questions, pass_ratio=0.6, labels=None, easy_labels=False
):
    """A complete .h5p package (ZIP bytes) of one Manabi quiz.

    The archive holds ``h5p.json``, ``content/content.json`` and the library folder
    ``H5P.ManabiQuiz-1.0/``, so it plays with no other library installed. The same arguments
    always give the same bytes (fixed timestamps, sorted entries). ``questions`` is a list of
    ``{"type": "single"|"multiple", "text": str, "answers": [{"text": str, "correct": bool}]}``
    or ``{"type": "truefalse", "text": str, "correct": bool}``, each with optional
    ``"feedback"``. Labels come from the language's catalogue (English where it has none),
    in easy words for young children with ``easy_labels``; ``labels`` overrides single keys.
    Raises ValueError on invalid input (see ``build_manabi_quiz_content``).
    """
    content = build_manabi_quiz_content(
        title=title,
        language=language,
        questions=questions,
        pass_ratio=pass_ratio,
        labels=labels,
        easy_labels=easy_labels,
    )
    h5p_json = {
        "title": title,
        "language": normalise_language_code(language),
        "mainLibrary": LIBRARY_MACHINE_NAME,
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": [
            {
                "machineName": LIBRARY_MACHINE_NAME,
                "majorVersion": LIBRARY_MAJOR_VERSION,
                "minorVersion": LIBRARY_MINOR_VERSION,
            }
        ],
    }
    members = [("h5p.json", _json_bytes(h5p_json)), ("content/content.json", _json_bytes(content))]
    members.extend(library_files())

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ZIP_FILE_MODE
            info.create_system = 3  # Unix, so the mode bits mean the same on every build host
            archive.writestr(info, data)
    return buffer.getvalue()
