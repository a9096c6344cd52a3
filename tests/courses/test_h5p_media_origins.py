"""H5P media from other sites: the https origins a package's video, audio and captions
come from are recorded at import, allowed in media-src on the lessons that play it
(and nowhere else), and listed on the package's admin page."""

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from courses.h5p.media import media_origins
from courses.h5p.services import import_h5p_package
from courses.h5p_quiz_builder import build_manabi_quiz_package
from courses.models import H5PPackage, LessonPage
from learners import roles
from tests.courses.h5p_packages import FIXTURES, tiny_package
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db

BACKFILL = importlib.import_module("courses.migrations.0005_h5p_package_media_origins")


def interactive_video(*files, tracks=()):
    """content.json of an InteractiveVideo playing ``files`` (path, mime) with captions."""
    return {
        "interactiveVideo": {
            "video": {
                "files": [
                    {"path": path, "mime": mime, "copyright": {"license": "U"}}
                    for path, mime in files
                ],
                "textTracks": {
                    "videoTrack": [
                        {"label": "日本語", "kind": "subtitles", "srcLang": "ja", "track": track}
                        for track in tracks
                    ]
                },
                "startScreenOptions": {"poster": {"path": "https://images.example.org/p.jpg"}},
            },
            "assets": {"interactions": []},
        }
    }


def package_playing(content, title="木場潟の動画"):
    h5p_json = {
        "title": title,
        "language": "ja",
        "mainLibrary": "H5P.Tiny",
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": "H5P.Tiny", "majorVersion": 1, "minorVersion": 0}
        ],
    }
    data = tiny_package(
        **{
            "h5p.json": json.dumps(h5p_json).encode(),
            "content/content.json": json.dumps(content).encode(),
        }
    )
    return import_h5p_package(ContentFile(data, name="video.h5p"))


def h5p_block(package):
    return ("h5p", {"package": package, "pass_mark": 60, "fallback_text": "木場潟の動画"})


def media_sources(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directive = next(part for part in policy.split(";") if part.split()[0] == "media-src")
    return directive.split()[1:]


@pytest.fixture
def video(reference_data):
    return package_playing(
        interactive_video(
            ("https://Media.Example.org/kibagata/lake.mp4", "video/mp4"),
            ("https://media.example.org/kibagata/lake.webm", "video/webm"),
            ("http://plain.example.org/lake.mp4", "video/mp4"),
            ("videos/sources-lake.mp4#tmp", "video/mp4"),
            ("javascript:alert(1)", "video/mp4"),
            ("data:video/mp4;base64,AAAA", "video/mp4"),
            tracks=[{"path": "https://captions.example.net:8443/lake.vtt", "mime": "text/vtt"}],
        )
    )


@pytest.fixture
def quiz(reference_data):
    package = build_manabi_quiz_package(
        title="木場潟クイズ",
        language="ja",
        questions=[{"type": "truefalse", "text": "木場潟は小松市にある。", "correct": True}],
    )
    return import_h5p_package(ContentFile(package, name="quiz.h5p"))


def test_import_records_the_https_origins_of_its_video_and_captions_only(video):
    video.refresh_from_db()
    # Each origin once, lower-cased, with a port only when not 443; the http file,
    # the package's own file, javascript: and data: add nothing, nor the poster image.
    assert video.media_origins == [
        "https://captions.example.net:8443",
        "https://media.example.org",
    ]


def test_the_real_course_presentation_plays_its_interactive_video_from_h5p_org(reference_data):
    with (FIXTURES / "coursepresentation-1.22.h5p").open("rb") as fixture:
        package = import_h5p_package(fixture)
    assert package.media_origins == ["https://h5p.org"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param({"files": [{"path": "audio/song.mp3", "mime": "audio/mpeg"}]}, id="relative"),
        pytest.param(
            {"files": [{"path": "http://a.example/s.mp3", "mime": "audio/mpeg"}]}, id="http"
        ),
        pytest.param({"sources": [{"path": "javascript:alert(1)"}]}, id="javascript"),
        pytest.param({"sources": [{"path": "blob:https://a.example/1"}]}, id="blob"),
        pytest.param(
            {
                "sources": [
                    {"path": "https://www.youtube.com/watch?v=abcdefghijk", "mime": "video/YouTube"}
                ]
            },
            id="youtube",
        ),
        pytest.param({"sources": [{"path": "https://youtu.be/abcdefghijk"}]}, id="youtu.be"),
        pytest.param({"sources": [{"path": "https://vimeo.com/123456"}]}, id="vimeo"),
        pytest.param(
            {"sources": [{"path": "https://evil.example; script-src *", "mime": "video/mp4"}]},
            id="policy injection",
        ),
        pytest.param(
            {"sources": [{"path": "https:///nohost.mp4", "mime": "video/mp4"}]}, id="no host"
        ),
        pytest.param(
            {"image": {"path": "https://img.example/a.png", "mime": "image/png"}}, id="image"
        ),
        pytest.param({"video": "https://h5p.org/video.mp4"}, id="plain text, not a file"),
    ],
)
def test_sources_that_are_not_https_media_files_add_no_origin(content):
    assert media_origins(content) == []


def test_audio_and_video_sources_anywhere_in_the_content_are_found():
    content = {
        "slides": [
            {"action": {"params": {"files": [{"path": "https://audio.example/a.mp3"}]}}},
            {"action": {"params": {"sources": [{"path": "https://video.example/v.mp4"}]}}},
            {"answer": {"path": "https://clip.example/c.ogg", "mime": "audio/ogg"}},
        ]
    }
    assert media_origins(content) == [
        "https://audio.example",
        "https://clip.example",
        "https://video.example",
    ]


def test_only_the_lesson_that_plays_the_video_allows_its_origins(client, video, quiz):
    video_course = make_course(lessons=[("動画", [h5p_block(video), h5p_block(quiz)])])
    quiz_course = make_course(lessons=[("クイズ", [h5p_block(quiz)])])
    reading_course = make_course(lessons=[("よみもの", [("text", "<p>ごみを減らそう。</p>")])])
    video_lesson = LessonPage.objects.child_of(video_course).get()
    quiz_lesson = LessonPage.objects.child_of(quiz_course).get()
    reading_lesson = LessonPage.objects.child_of(reading_course).get()

    assert media_sources(client, video_lesson.url) == [
        "'self'",
        "blob:",
        "https://captions.example.net:8443",
        "https://media.example.org",
    ]
    assert media_sources(client, quiz_lesson.url) == ["'self'", "blob:"]
    assert media_sources(client, reading_lesson.url) == ["'self'", "blob:"]
    assert media_sources(client, video_course.url) == ["'self'", "blob:"]
    assert media_sources(client, video_course.get_parent().url) == ["'self'", "blob:"]
    assert media_sources(client, "/") == ["'self'", "blob:"]


def test_the_video_lesson_still_lets_h5p_evaluate_code_and_nothing_else_changes(
    client, video, quiz
):
    video_course = make_course(lessons=[("動画", [h5p_block(video)])])
    quiz_course = make_course(lessons=[("クイズ", [h5p_block(quiz)])])

    def policy(course):
        url = LessonPage.objects.child_of(course).get().url
        directives = client.get(url).headers["Content-Security-Policy"].split(";")
        return {part.split()[0]: part.split()[1:] for part in directives if part.strip()}

    with_video, without = policy(video_course), policy(quiz_course)
    assert "'unsafe-eval'" in with_video["script-src"]
    assert with_video.pop("media-src") != without.pop("media-src")
    assert with_video == without


def test_the_admin_page_lists_the_origins_and_warns_of_http_media(client, video, quiz):
    client.force_login(make_learner(role=roles.FACULTY_AUTHOR))
    page = client.get(reverse("h5p_packages:detail", args=[video.pk])).content.decode()
    section = page.split('id="media-origins"', 1)[1].split("<h2", 1)[0]
    assert "<code>https://media.example.org</code>" in section
    assert "<code>https://captions.example.net:8443</code>" in section
    assert "<code>http://plain.example.org/lake.mp4</code>" in section
    assert "javascript:" not in section and "sources-lake" not in section

    quiz_page = client.get(reverse("h5p_packages:detail", args=[quiz.pk])).content.decode()
    quiz_section = quiz_page.split('id="media-origins"', 1)[1].split("<h2", 1)[0]
    assert "<code>" not in quiz_section


def test_the_migration_fills_the_origins_of_packages_imported_before_it(video, quiz):
    H5PPackage.objects.update(media_origins=[])
    BACKFILL.fill_media_origins(django_apps, None)
    video.refresh_from_db()
    quiz.refresh_from_db()
    assert video.media_origins == ["https://captions.example.net:8443", "https://media.example.org"]
    assert quiz.media_origins == []


def test_the_migration_passes_over_a_package_whose_content_is_missing_or_broken(video, quiz):
    default_storage.delete(f"{video.storage_folder}/content/content.json")
    default_storage.delete(f"{quiz.storage_folder}/content/content.json")
    default_storage.save(f"{quiz.storage_folder}/content/content.json", ContentFile(b"{not json"))
    H5PPackage.objects.update(media_origins=[])
    BACKFILL.fill_media_origins(django_apps, None)
    assert list(H5PPackage.objects.values_list("media_origins", flat=True)) == [[], []]


def test_a_youtube_video_adds_no_origin_and_the_admin_page_says_it_will_not_play(client, quiz):
    youtube = package_playing(
        interactive_video(("https://www.youtube.com/watch?v=abcdefghijk", "video/YouTube")),
        title="木場潟の YouTube",
    )
    assert youtube.media_origins == []
    course = make_course(lessons=[("動画", [h5p_block(youtube)])])
    lesson = LessonPage.objects.child_of(course).get()
    assert media_sources(client, lesson.url) == ["'self'", "blob:"]

    client.force_login(make_learner(role=roles.FACULTY_AUTHOR))
    page = client.get(reverse("h5p_packages:detail", args=[youtube.pk])).content.decode()
    section = page.split('id="media-origins"', 1)[1].split("<h2", 1)[0]
    assert "<code>https://www.youtube.com/watch?v=abcdefghijk</code>" in section
