"""H5P import: every real package imports, the library store keeps libraries once,
every broken package is refused by name with nothing left behind, and only
trusted staff may upload.

(Past 400 lines on purpose: every real package and every kind of broken one, each
refusal checked for leaving nothing behind, share one set of package builders.)
"""

import io
import json
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from wagtail.models import Revision

from courses.h5p import selectors
from courses.h5p.services import (
    H5PPackageInUse,
    H5PValidationError,
    delete_h5p_package,
    import_h5p_package,
)
from courses.models import H5PLibrary, H5PPackage, LessonPage
from learners import roles
from tests.courses.h5p_packages import (
    FIXTURE_FILES,
    FIXTURES,
    TINY_H5P_JSON,
    TINY_LIBRARY,
    build_zip,
    rename_member,
    rewrite_fixture,
    stored_files,
    tiny_members,
    tiny_package,
    understate_size,
)
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_uploader():
    """These uploaders use English; test_rejections_speak_the_uploaders_language checks ja."""
    with translation.override("en"):
        yield


def test_rejections_speak_the_uploaders_language(reference_data):
    from courses.h5p.services import H5PValidationError, import_h5p_package

    with translation.override("ja"), pytest.raises(H5PValidationError) as refusal:
        import_h5p_package(SimpleUploadedFile("not-a-zip.h5p", b"plain text, not a zip"))
    assert "ZIP形式ではありません" in refusal.value.message


def import_bytes(data, **kwargs):
    return import_h5p_package(io.BytesIO(data), **kwargs)


def folder_names_in_zip(path):
    with zipfile.ZipFile(path) as archive:
        return {name.split("/")[0] for name in archive.namelist() if "/" in name} - {"content"}


# Importing the real packages -------------------------------------------------


def test_the_fixtures_are_there():
    assert len(FIXTURE_FILES) == 8, FIXTURES


def test_every_fixture_package_imports_and_libraries_are_stored_once(
    django_capture_on_commit_callbacks,
):
    all_folders = set()
    for path in FIXTURE_FILES:
        # Fixtures bundle different patches of some libraries: upgrades remove
        # the replaced folder once committed.
        with path.open("rb") as upload, django_capture_on_commit_callbacks(execute=True):
            package = import_h5p_package(upload)
        all_folders |= folder_names_in_zip(path)
        assert package.main_library.machine_name == package.h5p_json["mainLibrary"]
        assert package.main_library in package.libraries.all()
    assert H5PPackage.objects.count() == len(FIXTURE_FILES)
    assert {library.folder_name for library in H5PLibrary.objects.all()} == all_folders
    # Each stored library has exactly one folder of files in storage.
    stored_library_folders = {
        path.parts[path.parts.index("libraries") + 1]
        for path in stored_files()
        if "libraries" in path.parts
    }
    assert len(stored_library_folders) == H5PLibrary.objects.count()


def test_a_library_shared_by_two_packages_is_stored_once():
    for name in ("multichoice-1.16.h5p", "truefalse-1.6.h5p"):
        with (FIXTURES / name).open("rb") as upload:
            import_h5p_package(upload)
    font_awesome = H5PLibrary.objects.get(machine_name="FontAwesome", major_version=4)
    assert font_awesome.packages.count() == 2
    assert H5PLibrary.objects.filter(machine_name="H5P.JoubelUI").count() == 1
    library_json = [
        path
        for path in stored_files()
        if path.name == "library.json" and "FontAwesome" in str(path)
    ]
    assert len(library_json) == 1


def test_the_package_records_what_it_is_and_who_uploaded_it(reference_data):
    author = make_learner(role=roles.FACULTY_AUTHOR)
    with (FIXTURES / "multichoice-1.16.h5p").open("rb") as upload:
        package = import_h5p_package(upload, uploaded_by=author)
    assert package.uploaded_by == author
    assert package.title
    assert package.main_library.folder_name == "H5P.MultiChoice-1.16"
    assert package.main_library.runnable
    assert "js/multichoice.js" in package.main_library.preloaded_js
    assert {d.machine_name for d in package.main_library.dependencies.all()} >= {
        "FontAwesome",
        "H5P.JoubelUI",
        "H5P.Question",
    }
    # Editor-only libraries are stored but are not "used" by the content.
    used = {library.machine_name for library in package.libraries.all()}
    assert not any(name.startswith("H5PEditor.") for name in used)


def test_a_newer_patch_version_upgrades_the_stored_library(django_capture_on_commit_callbacks):
    with (FIXTURES / "accordion-1.0.h5p").open("rb") as upload:
        import_h5p_package(upload)
    accordion = H5PLibrary.objects.get(machine_name="H5P.Accordion")
    old_patch, old_folder = accordion.patch_version, accordion.storage_folder

    def bump_patch(members):
        data = json.loads(members["H5P.Accordion-1.0/library.json"])
        data["patchVersion"] = old_patch + 1
        members["H5P.Accordion-1.0/library.json"] = json.dumps(data).encode()
        members["H5P.Accordion-1.0/h5p-accordion.js"] += b"\n// patched"

    with django_capture_on_commit_callbacks(execute=True):
        import_bytes(rewrite_fixture("accordion-1.0.h5p", bump_patch))
    accordion.refresh_from_db()
    assert accordion.patch_version == old_patch + 1
    assert accordion.storage_folder != old_folder
    assert H5PLibrary.objects.filter(machine_name="H5P.Accordion").count() == 1
    assert not [path for path in stored_files() if old_folder.split("/")[-1] in str(path)]
    patched = [path for path in stored_files() if path.name == "h5p-accordion.js"]
    assert len(patched) == 1 and patched[0].read_bytes().endswith(b"// patched")


def test_an_older_or_equal_patch_does_not_replace_the_stored_library():
    import_bytes(tiny_package())
    library = H5PLibrary.objects.get(machine_name="H5P.Tiny")
    older = dict(TINY_LIBRARY, patchVersion=1)
    import_bytes(tiny_package(**{"H5P.Tiny-1.0/library.json": json.dumps(older).encode()}))
    refreshed = H5PLibrary.objects.get(machine_name="H5P.Tiny")
    assert (refreshed.patch_version, refreshed.storage_folder) == (3, library.storage_folder)


def test_a_dependency_already_installed_need_not_be_bundled():
    import_bytes(tiny_package())
    members = tiny_members()
    for name in [name for name in members if name.startswith("H5P.Tiny-1.0/")]:
        del members[name]
    package = import_bytes(build_zip(members))
    assert package.main_library.machine_name == "H5P.Tiny"


def test_hidden_and_underscore_members_are_skipped():
    package = import_bytes(
        tiny_package(**{"__MACOSX/._h5p.json": b"junk", "content/.DS_Store": b"junk"})
    )
    names = [str(path) for path in stored_files()]
    assert not any("__MACOSX" in name or ".DS_Store" in name for name in names)
    assert any(name.endswith(f"{package.uuid}/content/content.json") for name in names)


# Refusing broken packages ------------------------------------------------------


def assert_refused(data, rule, member=None, *, message_contains=None):
    with pytest.raises(H5PValidationError) as refusal:
        import_bytes(data)
    assert refusal.value.rule == rule, refusal.value.message
    if member is not None:
        assert refusal.value.member == member
        assert member.replace("\x00", "\\0") in refusal.value.message
    if message_contains:
        assert message_contains in refusal.value.message
    assert H5PPackage.objects.count() == 0
    assert H5PLibrary.objects.count() == 0
    assert stored_files() == []
    return refusal.value


def with_member(name_or_info, data=b"{}"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in tiny_members().items():
            archive.writestr(name, content)
        archive.writestr(name_or_info, data)
    return buffer.getvalue()


def test_not_a_zip_is_refused():
    assert_refused(b"<?php echo 'hello'; ?>", "not_a_zip", message_contains="ZIP")


@pytest.mark.parametrize(
    ("member", "rule"),
    [
        ("../x.json", "path_traversal"),
        ("content/../../x.json", "path_traversal"),
        ("/etc/x.json", "absolute_path"),
        ("content\\x.json", "backslash"),
        ("C:/x.json", "drive_letter"),
    ],
)
def test_unsafe_member_paths_are_refused(member, rule):
    assert_refused(with_member(zipfile.ZipInfo(member)), rule, member)


def test_a_nul_byte_in_a_member_name_is_refused():
    data = rename_member(
        with_member("content/ab_cd.json"), "content/ab_cd.json", "content/ab\x00cd.json"
    )
    assert_refused(data, "nul_byte", "content/ab\x00cd.json")


def test_a_symlink_member_is_refused():
    link = zipfile.ZipInfo("H5P.Tiny-1.0/link.js")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert_refused(with_member(link, b"/etc/passwd"), "symlink", "H5P.Tiny-1.0/link.js")


@pytest.mark.parametrize(
    "member",
    [
        "content/run.js",
        "content/page.html",
        "H5P.Tiny-1.0/hack.php",
        "content/noextension",
        "run.exe",
    ],
)
def test_disallowed_extensions_are_refused(member):
    assert_refused(with_member(member), "disallowed_extension", member)


def test_library_files_may_be_code_but_content_may_not():
    import_bytes(with_member("H5P.Tiny-1.0/icon.svg", b"<svg/>"))
    assert H5PPackage.objects.count() == 1


def test_missing_h5p_json_is_refused():
    assert_refused(tiny_package(**{"h5p.json": None}), "missing_h5p_json", "h5p.json")


def test_malformed_h5p_json_is_refused():
    assert_refused(
        tiny_package(**{"h5p.json": b"{'title': oops"}), "malformed_h5p_json", "h5p.json"
    )


@pytest.mark.parametrize(
    "field", ["title", "language", "mainLibrary", "embedTypes", "preloadedDependencies"]
)
def test_h5p_json_missing_a_required_field_is_refused(field):
    h5p_json = {key: value for key, value in TINY_H5P_JSON.items() if key != field}
    error = assert_refused(
        tiny_package(**{"h5p.json": json.dumps(h5p_json).encode()}), "missing_field", "h5p.json"
    )
    assert f"“{field}”" in error.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mainLibrary": "H5P Tiny!"}, "mainLibrary"),
        ({"embedTypes": ["object"]}, "embedTypes"),
        (
            {
                "preloadedDependencies": [
                    {"machineName": "H5P.Tiny", "majorVersion": "one", "minorVersion": 0}
                ]
            },
            "preloadedDependencies.majorVersion",
        ),
    ],
)
def test_h5p_json_with_an_invalid_field_is_refused(change, field):
    h5p_json = dict(TINY_H5P_JSON, **change)
    error = assert_refused(
        tiny_package(**{"h5p.json": json.dumps(h5p_json).encode()}), "invalid_field", "h5p.json"
    )
    assert f"“{field}”" in error.message


def test_main_library_not_among_the_dependencies_is_refused():
    h5p_json = dict(TINY_H5P_JSON, mainLibrary="H5P.Other")
    assert_refused(
        tiny_package(**{"h5p.json": json.dumps(h5p_json).encode()}),
        "main_library_not_preloaded",
        "h5p.json",
        message_contains="H5P.Other",
    )


def test_missing_content_json_is_refused():
    assert_refused(
        tiny_package(**{"content/content.json": None}),
        "missing_content_json",
        "content/content.json",
    )


def test_malformed_content_json_is_refused():
    assert_refused(
        tiny_package(**{"content/content.json": b"[1, 2"}),
        "malformed_content_json",
        "content/content.json",
    )


def test_a_missing_library_is_refused():
    h5p_json = dict(
        TINY_H5P_JSON,
        preloadedDependencies=[
            *TINY_H5P_JSON["preloadedDependencies"],
            {"machineName": "H5P.JoubelUI", "majorVersion": 1, "minorVersion": 3},
        ],
    )
    assert_refused(
        tiny_package(**{"h5p.json": json.dumps(h5p_json).encode()}),
        "missing_library",
        "H5P.JoubelUI-1.3",
    )


def test_a_missing_dependency_of_a_bundled_library_is_refused():
    def drop_question(members):
        for name in [name for name in members if name.startswith("H5P.Question-1.5/")]:
            del members[name]

    assert_refused(
        rewrite_fixture("multichoice-1.16.h5p", drop_question),
        "missing_library",
        "H5P.Question-1.5",
        message_contains="H5P.MultiChoice-1.16",
    )


def test_a_missing_dynamic_dependency_is_refused():
    library = dict(
        TINY_LIBRARY,
        dynamicDependencies=[{"machineName": "H5P.Video", "majorVersion": 1, "minorVersion": 5}],
    )
    assert_refused(
        tiny_package(**{"H5P.Tiny-1.0/library.json": json.dumps(library).encode()}),
        "missing_library",
        "H5P.Video-1.5",
    )


def test_a_library_folder_not_matching_its_library_json_is_refused():
    library = dict(TINY_LIBRARY, minorVersion=1)
    error = assert_refused(
        tiny_package(**{"H5P.Tiny-1.0/library.json": json.dumps(library).encode()}),
        "library_folder_mismatch",
        "H5P.Tiny-1.0/library.json",
    )
    assert "H5P.Tiny-1.1" in error.message


def test_a_library_json_missing_a_field_is_refused():
    library = {key: value for key, value in TINY_LIBRARY.items() if key != "runnable"}
    assert_refused(
        tiny_package(**{"H5P.Tiny-1.0/library.json": json.dumps(library).encode()}),
        "missing_field",
        "H5P.Tiny-1.0/library.json",
    )


def test_a_library_folder_without_library_json_is_refused():
    assert_refused(
        tiny_package(**{"H5P.Tiny-1.0/library.json": None}),
        "missing_library_json",
        "H5P.Tiny-1.0/library.json",
    )


def test_listed_javascript_missing_is_refused():
    assert_refused(
        tiny_package(**{"H5P.Tiny-1.0/tiny.js": None}),
        "missing_library_file",
        "H5P.Tiny-1.0/tiny.js",
    )


def test_listed_css_missing_is_refused():
    assert_refused(
        tiny_package(**{"H5P.Tiny-1.0/tiny.css": None}),
        "missing_library_file",
        "H5P.Tiny-1.0/tiny.css",
    )


def test_a_folder_that_is_not_a_library_is_refused():
    assert_refused(with_member("scripts/x.json"), "unexpected_folder", "scripts/x.json")


def test_a_zip_bomb_by_compression_ratio_is_refused():
    assert_refused(
        with_member("content/zeros.txt", b"0" * (5 * 1024 * 1024)),
        "compression_ratio",
        "content/zeros.txt",
    )


def test_a_zip_bomb_that_inflates_more_than_its_directory_declares_is_refused():
    # The directory claims 100 bytes (ratio ~0.02, so it passes the ratio check):
    # only the count of bytes actually inflated catches it.
    data = understate_size(
        with_member("content/zeros.txt", b"0" * (5 * 1024 * 1024)), "content/zeros.txt", 100
    )
    assert_refused(data, "inflated_too_large", "content/zeros.txt", message_contains="ZIP bomb")


def test_too_many_members_are_refused(settings):
    settings.MANABI_H5P_MAX_MEMBERS = 5
    assert_refused(tiny_package(), "too_many_members", "", message_contains="at most 5")


def test_a_member_too_large_is_refused(settings):
    settings.MANABI_H5P_MAX_MEMBER_BYTES = 20
    assert_refused(tiny_package(), "member_too_large")


def test_a_package_too_large_in_total_is_refused(settings):
    settings.MANABI_H5P_MAX_TOTAL_BYTES = 300
    assert_refused(tiny_package(), "total_too_large")


def test_absolute_media_urls_in_content_json_are_allowed():
    package = import_bytes(tiny_package())
    assert package.title == "Tiny quiz"


# Deleting ------------------------------------------------------------------------


H5P_BLOCK = {
    "type": "h5p",
    "value": {"package": None, "title": "クイズ"},
    "id": "8c1f1c0e-7f5b-4c11-9c0e-1b3c1f2a9d10",
}


def lesson_with_h5p_block(package):
    """A published lesson whose pending draft holds an H5P block of ``package``.

    The block's stored data is written straight into the revision, exactly as
    a draft keeps it; the live body has no H5P block.
    """
    course = make_course(lessons=[("木場潟クイズ", [("text", "<p>クイズの前に</p>")])])
    lesson = LessonPage.objects.child_of(course).get()
    revision = lesson.save_revision()
    block = {**H5P_BLOCK, "value": {**H5P_BLOCK["value"], "package": package.pk}}
    Revision.objects.filter(pk=revision.pk).update(
        content={**revision.content, "body": json.dumps([block])}
    )
    return lesson


# Finding uses in live bodies, drafts and nested blocks: tests/courses/test_h5p_usage.py.


def test_deleting_a_package_used_by_a_draft_lesson_is_refused(reference_data):
    package = import_bytes(tiny_package())
    lesson = lesson_with_h5p_block(package)
    assert [found.pk for found in selectors.lessons_using_package(package)] == [lesson.pk]
    with pytest.raises(H5PPackageInUse) as refusal:
        delete_h5p_package(package)
    assert [found.pk for found in refusal.value.lessons] == [lesson.pk]
    assert H5PPackage.objects.filter(pk=package.pk).exists()
    assert stored_files()


def test_an_unused_package_is_deleted_with_its_content(
    reference_data, django_capture_on_commit_callbacks
):
    used = import_bytes(tiny_package())
    lesson_with_h5p_block(used)
    unused = import_bytes(tiny_package())
    assert selectors.lessons_using_package(unused) == []
    with django_capture_on_commit_callbacks(execute=True):
        delete_h5p_package(unused)
    assert not H5PPackage.objects.filter(pk=unused.pk).exists()
    names = [str(path) for path in stored_files()]
    assert not any(str(unused.uuid) in name for name in names)
    assert any(str(used.uuid) in name for name in names)
    assert H5PLibrary.objects.filter(machine_name="H5P.Tiny").exists()


# The admin -------------------------------------------------------------------


def upload(data, name="tiny.h5p"):
    return {"file": SimpleUploadedFile(name, data, content_type="application/zip")}


def test_a_learner_cannot_reach_the_upload_view(client, reference_data):
    client.force_login(make_learner())
    url = reverse("h5p_packages:upload")
    for response in (client.get(url), client.post(url, upload(tiny_package()))):
        # Wagtail refuses anyone without admin access before our view runs.
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert H5PPackage.objects.count() == 0
    assert stored_files() == []


def test_staff_without_the_upload_permission_cannot_upload(client, reference_data):
    client.force_login(make_learner(role=roles.COORDINATOR))
    response = client.post(reverse("h5p_packages:upload"), upload(tiny_package()))
    assert response.status_code == 403
    assert "アップロードできるのは" in response.content.decode()
    assert H5PPackage.objects.count() == 0


def test_a_faculty_author_uploads_and_sees_the_detail_page(client, reference_data):
    author = make_learner(role=roles.FACULTY_AUTHOR)
    client.force_login(author)
    assert client.get(reverse("h5p_packages:upload")).status_code == 200
    with (FIXTURES / "accordion-1.0.h5p").open("rb") as fixture:
        response = client.post(reverse("h5p_packages:upload"), upload(fixture.read(), "a.h5p"))
    package = H5PPackage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("h5p_packages:detail", args=[package.pk])
    assert package.uploaded_by == author
    page = client.get(response["Location"]).content.decode()
    assert "Accordion" in page
    assert "H5P.Accordion 1.0" in page
    assert "FontAwesome" in page
    listing = client.get(reverse("h5p_packages:index")).content.decode()
    assert package.title in listing


def test_a_refused_upload_shows_the_rule_and_the_member(client, reference_data):
    client.force_login(make_learner(role=roles.CURRICULUM_SUPERVISOR))
    response = client.post(
        reverse("h5p_packages:upload"), upload(tiny_package(**{"H5P.Tiny-1.0/tiny.js": None}))
    )
    assert response.status_code == 400
    assert "H5P.Tiny-1.0" in response.content.decode()
    assert "tiny.js" in response.content.decode()
    assert H5PPackage.objects.count() == 0


def test_the_admin_refuses_to_delete_a_package_in_use(client, reference_data):
    client.force_login(make_learner(role=roles.FACULTY_AUTHOR))
    package = import_bytes(tiny_package())
    lesson = lesson_with_h5p_block(package)
    detail = client.get(reverse("h5p_packages:detail", args=[package.pk])).content.decode()
    assert lesson.title in detail
    response = client.post(reverse("h5p_packages:delete", args=[package.pk]))
    assert response.status_code == 302
    assert H5PPackage.objects.filter(pk=package.pk).exists()


def test_the_admin_deletes_an_unused_package(client, reference_data):
    client.force_login(make_learner(role=roles.FACULTY_AUTHOR))
    package = import_bytes(tiny_package())
    assert client.get(reverse("h5p_packages:delete", args=[package.pk])).status_code == 200
    response = client.post(reverse("h5p_packages:delete", args=[package.pk]))
    assert response["Location"] == reverse("h5p_packages:index")
    assert not H5PPackage.objects.exists()


# The management command ---------------------------------------------------------------


def test_the_command_prints_a_line_per_file_and_fails_if_any_failed(tmp_path):
    broken = tmp_path / "broken.h5p"
    broken.write_bytes(tiny_package(**{"h5p.json": None}))
    output = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_h5p", str(FIXTURES / "truefalse-1.6.h5p"), str(broken), stdout=output)
    lines = output.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("OK ") and "truefalse-1.6.h5p" in lines[0]
    assert lines[1].startswith("FAILED ") and "[missing_h5p_json]" in lines[1]
    assert H5PPackage.objects.count() == 1


def test_the_command_succeeds_when_every_file_imports():
    output = io.StringIO()
    call_command("import_h5p", str(FIXTURES / "accordion-1.0.h5p"), stdout=output)
    assert output.getvalue().startswith("OK ")
