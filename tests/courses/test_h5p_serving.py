"""The files the H5P player fetches: right types, right caching, nothing outside the store."""

import pytest

from courses.h5p.services import import_h5p_package
from courses.h5p.views import player_paths
from tests.courses.h5p_packages import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def package():
    with (FIXTURES / "accordion-1.0.h5p").open("rb") as upload:
        return import_h5p_package(upload)


def fetch(client, url, **kwargs):
    """GET ``url`` and read the whole answer.

    Reading a streamed file to its end is what closes it (as a server does); a
    test that only looked at the headers would leave the file open.
    """
    response = client.get(url, **kwargs)
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    else:
        response.body = response.content
    return response


def test_the_player_paths_follow_the_url_scheme(package):
    assert player_paths(package) == {
        "h5pJsonPath": f"/h5p/packages/{package.uuid}",
        "contentJsonPath": f"/h5p/packages/{package.uuid}/content",
        "librariesPath": "/h5p/libraries",
    }


def test_h5p_json_is_served_as_json_with_a_private_cache(client, package):
    response = fetch(client, f"/h5p/packages/{package.uuid}/h5p.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert b'"mainLibrary":"H5P.Accordion"' in response.body


def test_content_json_is_served(client, package):
    response = fetch(client, f"/h5p/packages/{package.uuid}/content/content.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]
    assert response.body.startswith(b"{")


def test_library_files_are_served_with_their_types_and_a_long_public_cache(client, package):
    library = package.main_library
    response = fetch(client, "/h5p/libraries/H5P.Accordion-1.0/h5p-accordion.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "public" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]
    assert f"H5P.Accordion-1.0.{library.patch_version}" in response["ETag"]
    assert b"H5P.Accordion" in response.body

    expected = {
        "/h5p/libraries/H5P.Accordion-1.0/library.json": "application/json",
        "/h5p/libraries/H5P.Accordion-1.0/h5p-accordion.css": "text/css",
        "/h5p/libraries/H5P.Accordion-1.0/icon.svg": "image/svg+xml",
        "/h5p/libraries/FontAwesome-4.5/fontawesome-webfont.woff2": "font/woff2",
        "/h5p/libraries/FontAwesome-4.5/fontawesome-webfont.woff": "font/woff",
        "/h5p/libraries/FontAwesome-4.5/fontawesome-webfont.ttf": "font/ttf",
    }
    for url, content_type in expected.items():
        response = fetch(client, url)
        assert response.status_code == 200, url
        assert response["Content-Type"].split(";")[0] == content_type, url


def test_an_unchanged_library_file_revalidates_with_304(client, package):
    url = "/h5p/libraries/H5P.Accordion-1.0/h5p-accordion.js"
    etag = fetch(client, url)["ETag"]
    response = fetch(client, url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag


@pytest.mark.parametrize(
    "path",
    [
        "content/../h5p.json",
        "content/../../../libraries/H5P.Accordion-1.0/library.json",
        "content/%2e%2e/%2e%2e/secret.json",
        "content/..%2f..%2fsecret.json",
        "content//content.json",
        "content/./content.json",
        "content\\content.json",
        "library.json",
        "content/.hidden.json",
    ],
)
def test_paths_outside_the_stored_folder_are_refused(client, package, path):
    assert fetch(client, f"/h5p/packages/{package.uuid}/{path}").status_code == 404


def test_library_paths_outside_the_library_are_refused(client, package):
    for path in (
        "/h5p/libraries/H5P.Accordion-1.0/../FontAwesome-4.5/library.json",
        "/h5p/libraries/H5P.Accordion-1.0/%2e%2e/%2e%2e/packages/x/h5p.json",
        "/h5p/libraries/..%2fH5P.Accordion-1.0/library.json",
    ):
        assert fetch(client, path).status_code == 404, path


def test_unknown_packages_libraries_and_files_are_404(client, package):
    assert (
        fetch(client, "/h5p/packages/00000000-0000-4000-8000-000000000000/h5p.json").status_code
        == 404
    )
    assert fetch(client, "/h5p/packages/not-a-uuid/h5p.json").status_code == 404
    assert fetch(client, "/h5p/libraries/H5P.Accordion-9.9/library.json").status_code == 404
    assert fetch(client, "/h5p/libraries/H5P.Accordion/library.json").status_code == 404
    assert fetch(client, f"/h5p/packages/{package.uuid}/content/missing.json").status_code == 404


def test_writes_are_refused(client, package):
    assert client.post(f"/h5p/packages/{package.uuid}/h5p.json").status_code == 405


def test_with_storage_urls_the_view_redirects_to_storage(client, package, settings):
    settings.MANABI_H5P_REDIRECT_TO_STORAGE_URLS = True
    response = fetch(client, f"/h5p/packages/{package.uuid}/h5p.json")
    assert response.status_code == 302
    assert response["Location"] == f"/media/{package.storage_folder}/h5p.json"
