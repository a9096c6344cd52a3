"""The builder of H5P.ManabiQuiz packages: archive layout, metadata, determinism, validation."""

import io
import json
import re
import zipfile

import pytest
from django.utils import translation

from courses.h5p_quiz_builder import (
    LABELS,
    LIBRARY_SOURCE_DIR,
    build_manabi_quiz_package,
    default_labels,
)

QUESTIONS = [
    {
        "type": "single",
        "text": "｜木場潟《きばがた》はどこ？",
        "answers": [{"text": "南", "correct": True}, {"text": "北", "correct": False}],
    },
    {
        "type": "multiple",
        "text": "3キリは？",
        "answers": [
            {"text": "使いきる", "correct": True},
            {"text": "食べきる", "correct": True},
            {"text": "買いきる", "correct": False},
        ],
        "feedback": "水をきる、もあります。",
    },
    {"type": "truefalse", "text": "フレイルは戻れる。", "correct": True},
]

LIBRARY_FILES = {
    "H5P.ManabiQuiz-1.0/library.json",
    "H5P.ManabiQuiz-1.0/semantics.json",
    "H5P.ManabiQuiz-1.0/scripts/manabi-quiz.js",
    "H5P.ManabiQuiz-1.0/styles/manabi-quiz.css",
}


def open_package(package_bytes):
    archive = zipfile.ZipFile(io.BytesIO(package_bytes))
    assert archive.testzip() is None
    return archive


def read_json(archive, name):
    return json.loads(archive.read(name).decode("utf-8"))


def build(**overrides):
    arguments = {"title": "テストクイズ", "language": "ja", "questions": QUESTIONS, **overrides}
    return build_manabi_quiz_package(**arguments)


def test_package_holds_exactly_h5p_json_content_and_the_library():
    archive = open_package(build())

    assert set(archive.namelist()) == {"h5p.json", "content/content.json", *LIBRARY_FILES}
    for name in archive.namelist():
        assert not name.startswith("/") and ".." not in name.split("/")


def test_h5p_json_names_the_quiz_library_as_main_and_only_dependency():
    h5p_json = read_json(open_package(build(language="pt-br")), "h5p.json")

    assert h5p_json == {
        "title": "テストクイズ",
        "language": "pt-br",
        "mainLibrary": "H5P.ManabiQuiz",
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": "H5P.ManabiQuiz", "majorVersion": 1, "minorVersion": 0}
        ],
    }


def test_library_files_are_copied_unchanged_and_library_json_matches_the_dependency():
    archive = open_package(build())

    for name in LIBRARY_FILES:
        relative = name.split("/", 1)[1]
        assert archive.read(name) == (LIBRARY_SOURCE_DIR / relative).read_bytes()
    library = read_json(archive, "H5P.ManabiQuiz-1.0/library.json")
    assert (library["machineName"], library["majorVersion"], library["minorVersion"]) == (
        "H5P.ManabiQuiz",
        1,
        0,
    )
    assert library["runnable"] == 1
    assert library["license"] == "MIT"
    assert library["embedTypes"] == ["div"]
    assert "preloadedDependencies" not in library, "the quiz must depend on H5P core alone"
    for asset in library["preloadedJs"] + library["preloadedCss"]:
        assert f"H5P.ManabiQuiz-1.0/{asset['path']}" in archive.namelist()


def test_semantics_declare_every_label_the_builder_fills_in():
    semantics = json.loads((LIBRARY_SOURCE_DIR / "semantics.json").read_text(encoding="utf-8"))
    l10n = next(field for field in semantics if field["name"] == "l10n")

    assert {field["name"] for field in l10n["fields"]} == set(LABELS)
    assert {field["name"] for field in semantics} >= {"questions", "passRatio", "l10n"}


def test_content_json_holds_questions_pass_ratio_and_labels_in_the_language():
    content = read_json(open_package(build(pass_ratio=0.75)), "content/content.json")

    assert content["passRatio"] == 0.75
    assert content["language"] == "ja"
    assert content["l10n"]["check"] == "答え合わせ"
    assert [question["type"] for question in content["questions"]] == [
        "single",
        "multiple",
        "truefalse",
    ]
    assert content["questions"][0]["text"] == "｜木場潟《きばがた》はどこ？"
    assert content["questions"][0]["answers"][0] == {"text": "南", "correct": True}
    assert content["questions"][1]["feedback"] == "水をきる、もあります。"
    assert content["questions"][2]["correct"] is True
    sub_content_ids = [question["subContentId"] for question in content["questions"]]
    assert len(set(sub_content_ids)) == 3
    assert all(re.fullmatch(r"[0-9a-f-]{36}", sub_content_id) for sub_content_id in sub_content_ids)


@pytest.mark.parametrize(
    ("language", "check_label", "xapi_language"),
    [
        ("ja", "答え合わせ", "ja"),
        ("en", "Check", "en"),
        ("pt-br", "Verificar", "pt-BR"),
        ("vi", "Kiểm tra", "vi"),
        ("zh-hans", "检查", "zh-Hans"),
        ("fil", "Suriin", "fil"),
        ("ko", "Check", "ko"),
    ],
)
def test_labels_follow_the_package_language_with_english_fallback(
    language, check_label, xapi_language
):
    content = read_json(open_package(build(language=language)), "content/content.json")

    assert content["l10n"]["check"] == check_label
    assert set(content["l10n"]) == set(LABELS)
    assert content["language"] == xapi_language


@pytest.mark.parametrize("easy", [False, True])
def test_every_default_label_set_is_complete_and_keeps_its_placeholders(easy):
    for language in ("ja", "en", "pt-br", "vi", "zh-hans", "fil"):
        labels = default_labels(language, easy=easy)
        assert set(labels) == set(LABELS)
        assert all(isinstance(label, str) and label.strip() for label in labels.values())
        assert "@score" in labels["score"] and "@total" in labels["score"]
        assert "@current" in labels["questionOf"] and "@total" in labels["questionOf"]


ENGLISH = {
    "check": "Check",
    "retry": "Retry",
    "correct": "Correct!",
    "incorrect": "Incorrect.",
    "score": "@score / @total",
    "questionOf": "Question @current of @total",
    "true": "True",
    "false": "False",
    "submit": "Submit",
    "selectAnswer": "Choose an answer first.",
    "chooseAll": "Choose all correct answers.",
}


def test_english_labels_are_the_source_text_for_children_too():
    assert default_labels("en") == ENGLISH
    assert default_labels("en", easy=True) == ENGLISH


def test_easy_words_fall_back_to_the_languages_own_labels_not_to_english():
    # Only Japanese has easy words; a Portuguese-reading child gets Portuguese.
    assert default_labels("pt-br", easy=True) == default_labels("pt-br")
    assert default_labels("pt-br", easy=True)["retry"] == "Tentar de novo"


def test_young_children_read_the_labels_in_hiragana():
    assert default_labels("ja", easy=True) == {
        "check": "こたえあわせ",
        "retry": "もういちど",
        "correct": "せいかい！",
        "incorrect": "ざんねん",
        "score": "@score / @total もん せいかい",
        "questionOf": "@current もんめ（ぜんぶで @total もん）",
        "true": "ほんとう",
        "false": "ちがう",
        "submit": "おくる",
        "selectAnswer": "こたえを えらんでね。",
        "chooseAll": "あてはまる ものを ぜんぶ えらんでね。",
    }
    content = read_json(open_package(build(easy_labels=True)), "content/content.json")
    assert content["l10n"]["check"] == "こたえあわせ"


def test_labels_are_in_the_package_language_whatever_language_is_active():
    with translation.override("en"):
        assert default_labels("ja")["check"] == "答え合わせ"
        assert translation.get_language() == "en"
    with translation.override("ja"):
        assert default_labels("vi")["check"] == "Kiểm tra"
        assert default_labels("ko")["check"] == "Check"


def test_regional_variants_use_their_base_language():
    assert default_labels("ja-JP") == default_labels("ja")
    assert default_labels("ja-jp", easy=True) == default_labels("ja", easy=True)
    assert default_labels("pt_BR") == default_labels("pt-br")


def test_given_labels_override_single_keys():
    content = read_json(
        open_package(build(labels={"check": "こたえあわせ"})), "content/content.json"
    )

    assert content["l10n"]["check"] == "こたえあわせ"
    assert content["l10n"]["retry"] == "もう一度"


def test_same_input_gives_the_same_bytes():
    assert build() == build()
    assert build() != build(title="別のクイズ")


def test_zip_entries_have_fixed_timestamps():
    for info in open_package(build()).infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"questions": []}, "at least one question"),
        ({"title": "  "}, "title"),
        ({"language": "日本語"}, "language"),
        ({"pass_ratio": 1.5}, "pass_ratio"),
        ({"questions": [{"type": "essay", "text": "?"}]}, "type must be one of"),
        ({"questions": [{"type": "single", "text": "", "answers": []}]}, "text"),
        (
            {
                "questions": [
                    {"type": "single", "text": "?", "answers": [{"text": "a", "correct": True}]}
                ]
            },
            "at least 2 answers",
        ),
        (
            {
                "questions": [
                    {
                        "type": "single",
                        "text": "?",
                        "answers": [{"text": "a", "correct": True}, {"text": "b", "correct": True}],
                    }
                ]
            },
            "exactly one correct answer",
        ),
        (
            {
                "questions": [
                    {
                        "type": "single",
                        "text": "?",
                        "answers": [
                            {"text": "a", "correct": False},
                            {"text": "b", "correct": False},
                        ],
                    }
                ]
            },
            "exactly one correct answer",
        ),
        (
            {
                "questions": [
                    {
                        "type": "multiple",
                        "text": "?",
                        "answers": [
                            {"text": "a", "correct": False},
                            {"text": "b", "correct": False},
                        ],
                    }
                ]
            },
            "at least one correct answer",
        ),
        ({"questions": [{"type": "truefalse", "text": "?"}]}, "'correct' set to True or False"),
        ({"labels": {"unknown": "x"}}, "unknown label"),
    ],
)
def test_invalid_input_raises_value_error_with_a_clear_message(overrides, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        build(**overrides)
