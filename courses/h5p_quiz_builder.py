"""Build .h5p packages of Manabi's own quiz content type, H5P.ManabiQuiz 1.0.

The library lives in the repository (``courses/h5p_content_types/H5P.ManabiQuiz-1.0``) and
depends on H5P core alone, so a package built here plays in h5p-standalone with nothing
downloaded: ``load_demo_data`` can turn ``DEMO_QUIZZES`` into packages with
``build_demo_quiz_packages()`` and import them through the same importer as uploaded packages.

Question text uses the Aozora Bunko ruby notation of ``courses.demo_content`` (｜漢字《かんじ》,
or 漢字《かんじ》 after a run of kanji); the player renders it as ``<ruby>``.
"""

import io
import json
import re
import uuid
import zipfile
from pathlib import Path

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

ENGLISH_LABELS = {
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

DEFAULT_LABELS = {
    "ja": {
        "check": "答え合わせ",
        "retry": "もう一度",
        "correct": "正解！",
        "incorrect": "不正解",
        "score": "得点：@score / @total",
        "questionOf": "第@current問（全@total問）",
        "true": "正しい",
        "false": "まちがい",
        "submit": "送信",
        "selectAnswer": "答えを選んでください。",
        "chooseAll": "正しいものをすべて選んでください。",
    },
    "en": ENGLISH_LABELS,
    "pt-br": {
        "check": "Verificar",
        "retry": "Tentar de novo",
        "correct": "Correto!",
        "incorrect": "Incorreto.",
        "score": "@score / @total",
        "questionOf": "Pergunta @current de @total",
        "true": "Verdadeiro",
        "false": "Falso",
        "submit": "Enviar",
        "selectAnswer": "Escolha uma resposta primeiro.",
        "chooseAll": "Escolha todas as respostas corretas.",
    },
    "vi": {
        "check": "Kiểm tra",
        "retry": "Làm lại",
        "correct": "Đúng rồi!",
        "incorrect": "Chưa đúng.",
        "score": "@score / @total",
        "questionOf": "Câu @current / @total",
        "true": "Đúng",
        "false": "Sai",
        "submit": "Gửi",
        "selectAnswer": "Hãy chọn một câu trả lời trước.",
        "chooseAll": "Hãy chọn tất cả các đáp án đúng.",
    },
    "zh-hans": {
        "check": "检查",
        "retry": "重试",
        "correct": "正确！",
        "incorrect": "不正确。",
        "score": "@score / @total",
        "questionOf": "第 @current 题，共 @total 题",
        "true": "对",
        "false": "错",
        "submit": "提交",
        "selectAnswer": "请先选择一个答案。",
        "chooseAll": "请选择所有正确答案。",
    },
    "fil": {
        "check": "Suriin",
        "retry": "Subukan muli",
        "correct": "Tama!",
        "incorrect": "Mali.",
        "score": "@score / @total",
        "questionOf": "Tanong @current sa @total",
        "true": "Tama",
        "false": "Mali",
        "submit": "Isumite",
        "selectAnswer": "Pumili muna ng sagot.",
        "chooseAll": "Piliin ang lahat ng tamang sagot.",
    },
}

# Young children read hiragana; the labels are plain text, so they cannot carry furigana.
CHILDREN_JA_LABELS = {
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


def default_labels(language):
    """All player labels for a language: its own where Manabi has them, English otherwise.

    Regional variants fall back to their base language ("ja-jp" uses "ja") before English.
    """
    language_code = normalise_language_code(language)
    base_code = language_code.split("-")[0]
    own_labels = DEFAULT_LABELS.get(language_code) or DEFAULT_LABELS.get(base_code) or {}
    return {**ENGLISH_LABELS, **own_labels}


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


def build_manabi_quiz_content(*, title, language, questions, pass_ratio=0.6, labels=None):
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
    merged_labels = default_labels(language_code)
    for key, value in (labels or {}).items():
        if key not in ENGLISH_LABELS:
            raise ValueError(f"unknown label {key!r}; known labels: {', '.join(ENGLISH_LABELS)}")
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


def build_manabi_quiz_package(*, title, language, questions, pass_ratio=0.6, labels=None):
    """A complete .h5p package (ZIP bytes) of one Manabi quiz.

    The archive holds ``h5p.json``, ``content/content.json`` and the library folder
    ``H5P.ManabiQuiz-1.0/``, so it plays with no other library installed. The same arguments
    always give the same bytes (fixed timestamps, sorted entries). ``questions`` is a list of
    ``{"type": "single"|"multiple", "text": str, "answers": [{"text": str, "correct": bool}]}``
    or ``{"type": "truefalse", "text": str, "correct": bool}``, each with optional
    ``"feedback"``. Labels default to the language's own (English where Manabi has none);
    ``labels`` overrides single keys. Raises ValueError on invalid input (see
    ``build_manabi_quiz_content``).
    """
    content = build_manabi_quiz_content(
        title=title, language=language, questions=questions, pass_ratio=pass_ratio, labels=labels
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


def build_demo_quiz_packages():
    """(course slug, .h5p bytes) for every quiz in DEMO_QUIZZES, in the dict's order."""
    return [
        (
            slug,
            build_manabi_quiz_package(
                title=quiz["title"],
                language=quiz.get("language", "ja"),
                questions=quiz["questions"],
                pass_ratio=quiz.get("pass_ratio", 0.6),
                labels=quiz.get("labels"),
            ),
        )
        for slug, quiz in DEMO_QUIZZES.items()
    ]


def _single(text, correct, *wrong, feedback=None):
    """A single-answer question; the correct answer is written first, _answers reorders it."""
    return _with_feedback(
        {"type": "single", "text": text, "answers": _answers([correct], wrong)}, feedback
    )


def _multiple(text, correct, wrong, feedback=None):
    """A multiple-answer question from lists of correct and wrong answer texts."""
    return _with_feedback(
        {"type": "multiple", "text": text, "answers": _answers(correct, wrong)}, feedback
    )


def _truefalse(text, correct, feedback=None):
    """A true/false question; ``correct`` says whether the statement is true."""
    return _with_feedback({"type": "truefalse", "text": text, "correct": correct}, feedback)


def _answers(correct, wrong):
    answers = [{"text": text, "correct": True} for text in correct]
    answers += [{"text": text, "correct": False} for text in wrong]
    # Interleave deterministically so the correct answer is not always first.
    shift = sum(len(answer["text"]) for answer in answers) % len(answers)
    return answers[shift:] + answers[:shift]


def _with_feedback(question, feedback):
    if feedback:
        question["feedback"] = feedback
    return question


# Japanese quizzes for the demo courses of courses.demo_content, keyed by course slug. Every
# fact comes from that course's lesson texts; children's quizzes carry furigana like the lessons.
DEMO_QUIZZES = {
    "ohana-to-nakayoshi": {
        "title": "おはなと なかよし クイズ",
        "labels": CHILDREN_JA_LABELS,
        "questions": [
            _truefalse(
                "ちいさな たねの なかには、おはなの あかちゃんが ねむって いる。",
                True,
                feedback="たねを つちに まいて みずを あげると、めを さますよ。",
            ),
            _single(
                "おはなに みずを あげる まえに、なにを すると いいかな？",
                "つちを ゆびで そっと さわって、かわいて いるか みる",
                "みずを たくさん たくさん あげる",
                "はっぱを ぜんぶ とる",
                feedback="みずを あげすぎると ねっこが くるしく なるよ。",
            ),
            _multiple(
                "おはなは なにで「げんきだよ」と おしえて くれるかな？ ぜんぶ えらんでね。",
                ["いろ", "かたち"],
                ["こえ"],
                feedback="おはなは ことばを はなさないけれど、いろや かたちで おしえて くれるよ。",
            ),
            _truefalse(
                "こうえんや みちの おはなは、すきな だけ つんで いい。",
                False,
                feedback="こうえんの おはなは みんなの たからもの。みる だけに しようね。",
            ),
        ],
    },
    "gomi-wo-wakete-mottainai": {
        "title": "ごみを わけよう クイズ",
        "labels": CHILDREN_JA_LABELS,
        "questions": [
            _multiple(
                "きれいに して わけて だすと、あたらしい ものに うまれかわるのは どれ？",
                ["かみの はこ", "かん", "びん"],
                ["たべのこした ごはん"],
            ),
            _single(
                "ごみが あたらしい ものに うまれかわる ことを なんと いうかな？",
                "リサイクル",
                "おかわり",
                "いただきます",
            ),
            _truefalse(
                "ごみを わけないで まぜて しまうと、つかえる ものも いっしょに もやされて しまう。",
                True,
            ),
            _single(
                "ごはんを のこさず たべる ための くふうは どれ？",
                "はじめは すこしずつ よそって もらい、たりなかったら おかわりを する",
                "はじめに たくさん よそって もらう",
                "にがてな やさいは ひとくちも たべない",
                feedback="にがてな やさいも、ひとくち だけ ちょうせん して みよう。",
            ),
        ],
    },
    "kibagata-ikimono-to-mizu": {
        "title": "｜木場潟《きばがた》の｜生《い》きものと｜水《みず》 クイズ",
        "labels": CHILDREN_JA_LABELS,
        "questions": [
            _single(
                "｜木場潟《きばがた》は、｜小松市《こまつし》のどのあたりにある｜湖《みずうみ》？",
                "｜南《みなみ》",
                "｜北《きた》",
                "｜西《にし》",
            ),
            _multiple(
                "｜木場潟《きばがた》にくらす｜生《い》きものとして、｜本文《ほんぶん》に｜出《で》てきたものをすべて"
                "えらぼう。",
                ["フナ", "トンボ", "カモ"],
                ["ペンギン"],
            ),
            _truefalse(
                "｜透視度計《とうしどけい》で｜読《よ》んだ｜水《みず》の｜高《たか》さが｜高《たか》いほど、"
                "すき｜通《とお》った｜水《みず》である。",
                True,
            ),
            _single(
                "｜水《みず》のようすを｜正《ただ》しく｜知《し》るには、どうしたらよい？",
                "｜同《おな》じ｜場所《ばしょ》で｜何度《なんど》も｜記録《きろく》を｜続《つづ》ける",
                "｜大雨《おおあめ》のあとに｜一回《いっかい》だけ｜調《しら》べる",
                "においだけで｜決《き》める",
                feedback="｜天気《てんき》や｜季節《きせつ》によって、｜水《みず》は｜変《か》わります。",
            ),
            _truefalse(
                "プラスチックのごみは、｜水《みず》の｜中《なか》ですぐになくなる。",
                False,
                feedback="｜長《なが》い｜間《あいだ》なくならず、｜小《ちい》さくくだけて｜生《い》きものの"
                "｜体《からだ》に｜入《はい》ってしまうこともあります。",
            ),
        ],
    },
    "kanjincho-to-ataka-no-seki": {
        "title": "｜勧進帳《かんじんちょう》と｜安宅《あたか》の｜関《せき》 クイズ",
        "labels": CHILDREN_JA_LABELS,
        "questions": [
            _single(
                "弁慶《べんけい》が「勧進帳《かんじんちょう》」として｜読《よ》み｜上《あ》げた"
                "｜巻物《まきもの》には、｜何《なに》が｜書《か》かれていた？",
                "｜何《なに》も｜書《か》かれていなかった",
                "お｜寺《てら》の｜地図《ちず》",
                "｜義経《よしつね》の｜手紙《てがみ》",
            ),
            _truefalse(
                "｜関守《せきもり》の｜富樫《とがし》は、｜弁慶《べんけい》の｜必死《ひっし》の｜思《おも》いに"
                "｜心《こころ》を｜動《うご》かされ、｜一行《いっこう》を｜通《とお》した。",
                True,
            ),
            _single(
                "｜歌舞伎《かぶき》「｜勧進帳《かんじんちょう》」は、どの｜能《のう》をもとにつくられた？",
                "「安宅《あたか》」",
                "「｜羽衣《はごろも》」",
                "「｜道成寺《どうじょうじ》」",
            ),
            _multiple(
                "｜伝統《でんとう》を｜次《つぎ》の｜世代《せだい》へ｜受《う》けつぐ｜人《ひと》として、"
                "｜本文《ほんぶん》にあるものをすべてえらぼう。",
                [
                    "｜演《えん》じる｜人《ひと》",
                    "｜教《おし》える｜人《ひと》",
                    "｜見《み》に｜来《く》る｜人《ひと》",
                ],
                ["｜巻物《まきもの》を｜売《う》る｜人《ひと》"],
                feedback="｜見《み》る｜人《ひと》になることも、｜伝統《でんとう》をささえる｜大切《たいせつ》な"
                "｜役割《やくわり》です。",
            ),
        ],
    },
    "gomi-diet-to-shokuhin-loss": {
        "title": "ごみダイエットと食品ロス 確認クイズ",
        "questions": [
            _single(
                "3Rのうち、最も優先されるものはどれですか。",
                "リデュース（減らす）",
                "リユース（くり返し使う）",
                "リサイクル（資源として再生する）",
                feedback="リサイクルにもエネルギーを使います。まずはごみになる物を持ちこまない選択から。",
            ),
            _multiple(
                "家庭でできる「3キリ」にあたるものをすべて選びましょう。",
                ["食材を使いきる", "料理を食べきる", "生ごみの水をきる"],
                ["特売の食材をまとめて買いきる"],
            ),
            _truefalse(
                "エコロジーパークこまつは、ごみを燃やしたときの熱を利用して発電する機能を備えている。",
                True,
            ),
            _truefalse(
                "フードドライブでは、賞味期限が切れた食品を集めるのが一般的である。",
                False,
                feedback="賞味期限まで余裕があり、未開封で常温保存できる食品を対象にするのが一般的です。",
            ),
        ],
    },
    "monozukuri-to-ict": {
        "title": "ものづくりとICT 確認クイズ",
        "questions": [
            _single(
                "コマツの始まりとなった鉄工所は、何をつくるために設けられましたか。",
                "遊泉寺銅山で使う機械",
                "木場潟で使う漁船",
                "繊維工場の織機",
            ),
            _multiple(
                "ICT施工で期待される効果を、本文からすべて選びましょう。",
                ["工期の短縮", "安全性の向上", "経験の浅い人でも精度の高い作業ができる"],
                ["測量をしなくてよくなる"],
                feedback="ドローンなどで地形を測って3次元データにするので、測量はなくなりません。",
            ),
            _single(
                "ICT施工が直結するとされるSDGsの目標はどれですか。",
                "目標9「産業と技術革新の基盤をつくろう」",
                "目標2「飢餓をゼロに」",
                "目標14「海の豊かさを守ろう」",
            ),
            _truefalse(
                "本文によれば、新しい発明だけがイノベーションである。",
                False,
                feedback="すでにある技術を組み合わせて課題を解くことも、イノベーションです。",
            ),
        ],
    },
    "bosai-to-tabunka-kyosei": {
        "title": "地域防災と多文化共生 確認クイズ",
        "questions": [
            _single(
                "「高台へ避難してください」を、やさしい日本語に言い換えた例はどれですか。",
                "高いところへ逃げてください",
                "速やかに高所へ退避願います",
                "ハイグラウンドへエバキュエートしてください",
            ),
            _multiple(
                "災害時にやさしい日本語で伝えるときの基本を、すべて選びましょう。",
                ["一文を短くする", "難しい言葉を言い換える", "時間や場所を具体的に言う"],
                ["敬語を重ねてていねいに言う"],
            ),
            _truefalse(
                "小松市では246の自主防災組織が、防災訓練や備蓄品の管理などに取り組んでいる。",
                True,
            ),
            _truefalse(
                "外国人住民は、災害時に支援を受ける側でしかない。",
                False,
                feedback="防災訓練や救急の場で活躍し、母語で同じ国の出身者に情報を伝える役割も担っています。",
            ),
            _single(
                "｜避難所《ひなんじょ》という言葉を確実に伝える工夫として、本文が勧めているのはどれですか。",
                "ふりがなをつけ、実際の建物の写真を見せる",
                "漢字だけで正確に書く",
                "英語に訳して早口で伝える",
            ),
        ],
    },
    "satoyama-to-gibier": {
        "title": "里山とジビエ 確認クイズ",
        "questions": [
            _single(
                "ジビエとは何ですか。",
                "狩猟で得た野生の鳥や獣の肉",
                "里山で育てた家畜の肉",
                "山でとれる山菜",
            ),
            _multiple(
                "ジビエを安全に届けるために欠かせないことを、すべて選びましょう。",
                [
                    "捕獲後すばやく適切に処理する",
                    "衛生基準を満たした施設で解体・加工する",
                    "食べるときに中心までしっかり加熱する",
                ],
                ["新鮮なうちに生で味わう"],
            ),
            _truefalse(
                "人が手を入れなくなった林は明るくなり、下草がよく育つ。",
                False,
                feedback="手入れされない林は暗くなり、下草が育たず、山の土が流れやすくなります。",
            ),
            _single(
                "若い世代の里山へのかかわり方として、本文の考え方に合うものはどれですか。",
                "週末のボランティアや特産品の購入など、移り住まなくてもさまざまな関わり方がある",
                "移り住む以外に、里山にかかわる方法はない",
                "里山の仕事は専門家だけにまかせるべきだ",
            ),
        ],
    },
    "yasashii-nihongo-to-omotenashi": {
        "title": "やさしい日本語とおもてなし 確認クイズ",
        "questions": [
            _multiple(
                "話すときの「はさみの法則」にあたるものを、すべて選びましょう。",
                ["はっきり言う", "さいごまで言う", "みじかく言う"],
                ["遠回しに言う"],
            ),
            _single(
                "やさしい日本語で書くときの工夫として、正しいものはどれですか。",
                "一つの文に一つの情報だけを入れ、漢字には読み方をそえる",
                "カタカナ語や略語を多く使う",
                "二重否定を使ってていねいさを出す",
            ),
            _truefalse(
                "小松市は、東京オリンピック・パラリンピックのカヌー競技のホストタウンとして、"
                "木場潟を舞台に海外からの来訪者を支えてきた。",
                True,
            ),
            _truefalse(
                "来訪者を迎えるときに最も大切なのは、外国語を上手に話せることである。",
                False,
                feedback="言葉の上手さよりも、相手を理解しようとする姿勢が大切です。",
            ),
        ],
    },
    "kenko-choju-frail-yobo": {
        "title": "健康長寿とフレイル予防 確認クイズ",
        "questions": [
            _multiple(
                "フレイル予防の三つの柱を、すべて選びましょう。",
                ["栄養", "運動", "社会参加"],
                ["外出を控えること"],
                feedback="外出が減ると足腰が弱り、さらに外出がおっくうになる悪循環が起こりやすくなります。",
            ),
            _truefalse(
                "フレイルは、早めに気づいて対策をすれば、元の元気な状態に戻ることができる。",
                True,
            ),
            _single(
                "「指輪っかテスト」で、筋肉が減っている可能性があるのはどんなときですか。",
                "輪よりふくらはぎが細く、すき間ができるとき",
                "輪でふくらはぎを囲めないとき",
                "輪でふくらはぎがちょうど囲めるとき",
            ),
            _single(
                "小松市内にあるいきいきサロンの数は、本文ではいくつと紹介されていますか。",
                "189",
                "246",
                "1,000",
            ),
        ],
    },
}
