"""Open Badges in a browser, tried as a new learner would.

A learner signs in, finishes a one-lesson course (the TrueFalse fixture, answered
right, read to the end) whose completion earns a badge, finds the badge in the
portfolio and downloads the baked PNG. The test then reads the PNG itself, chunk
by chunk, and checks the baked assertion, and the hosted assertion, badge class and
issuer it points to, against the Open Badges 2.0 specification
(https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html),
fetched from the live server as a verifier would (anonymous, Accept:
application/ld+json). Finally the PNG is checked on the verify page, once while
the badge is valid and once after it was revoked.
"""

import hashlib
import json
import re
import struct
import zlib
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from curriculum.badge_rules import COMPLETE_COURSE
from curriculum.models import BadgeDefinition
from learners.models import BadgeAward, CourseCompletion
from learners.services.badges import revoke_badge
from tests.e2e.test_learning_records import (
    all_sent,
    answer_truefalse,
    course_with,
    h5p_block,
    lesson_done,
    log_in,
    open_lesson,
    reach_the_end,
    result_for,
    wait_for,
)
from tests.factories import make_learner

OB_CONTEXT = "https://w3id.org/openbadges/v2"
JSON_LD = {"Accept": "application/ld+json"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ISO_DATETIME_WITH_ZONE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$"
)
REVOCATION_REASON = "講座の記録に誤りがあったため取り消しました。"

# Open Badges 2.0, required properties of each class.
ASSERTION_REQUIRED = ("id", "type", "recipient", "badge", "verification", "issuedOn")
IDENTITY_REQUIRED = ("type", "identity", "hashed")
BADGE_CLASS_REQUIRED = ("id", "type", "name", "description", "image", "criteria", "issuer")
ISSUER_REQUIRED = ("id", "type", "name", "url", "email")


# Reading a PNG -----------------------------------------------------------------


def png_chunks(data):
    """[(type, data)] of a PNG: the signature, every chunk's length and CRC checked."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG: the signature is wrong"
    chunks, position = [], 8
    while True:
        assert position + 8 <= len(data), "the PNG ends inside a chunk header"
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        assert len(body) == length, f"chunk {kind!r} is cut short"
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"chunk {kind!r} has a wrong CRC"
        chunks.append((kind.decode("ascii"), body))
        position += 12 + length
        if kind == b"IEND":
            break
    assert position == len(data), "bytes after IEND"
    assert chunks[0][0] == "IHDR", "the first chunk must be IHDR"
    return chunks


def itxt_fields(body):
    """An iTXt chunk: keyword, compression flag and method, language, translated
    keyword and text, split at their NUL separators."""
    keyword, rest = body.split(b"\x00", 1)
    flag, method, rest = rest[0], rest[1], rest[2:]
    language, translated, text = rest.split(b"\x00", 2)
    return {
        "keyword": keyword.decode("latin-1"),
        "compressed": flag,
        "method": method,
        "language": language.decode("ascii"),
        "translated": translated.decode("utf-8"),
        "text": zlib.decompress(text).decode("utf-8") if flag else text.decode("utf-8"),
    }


def baked_assertion(png):
    baked = [
        fields
        for kind, body in png_chunks(png)
        if kind == "iTXt" and (fields := itxt_fields(body))["keyword"] == "openbadges"
    ]
    assert len(baked) == 1, f"expected one openbadges iTXt chunk, found {len(baked)}"
    assert baked[0]["compressed"] == 0 and baked[0]["method"] == 0
    return json.loads(baked[0]["text"])


# Checking the JSON-LD against the specification ------------------------------------


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_iri(value):
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https")


def fetch_json_ld(verifier, url, status=200):
    response = verifier.get(url, headers=JSON_LD)
    assert response.status == status, f"GET {url}: {response.status}"
    assert "json" in response.headers["content-type"]
    return response.json()


def check_assertion(assertion, url, email):
    assert assertion["@context"] == OB_CONTEXT
    assert all(key in assertion for key in ASSERTION_REQUIRED), sorted(assertion)
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == url
    recipient = assertion["recipient"]
    assert all(key in recipient for key in IDENTITY_REQUIRED), sorted(recipient)
    assert recipient["type"] == "email"
    assert recipient["hashed"] is True
    assert isinstance(recipient["salt"], str) and recipient["salt"]
    digest = hashlib.sha256((email + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == "sha256$" + digest
    assert is_iri(assertion["badge"])
    assert assertion["verification"] == {"type": "HostedBadge"}
    assert ISO_DATETIME_WITH_ZONE.match(assertion["issuedOn"]), assertion["issuedOn"]
    assert datetime.fromisoformat(assertion["issuedOn"]).tzinfo is not None
    assert "revoked" not in assertion or assertion["revoked"] is False


def check_badge_class(badge_class, url, verifier):
    assert badge_class["@context"] == OB_CONTEXT
    assert all(key in badge_class for key in BADGE_CLASS_REQUIRED), sorted(badge_class)
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["id"] == url
    assert badge_class["name"].strip() and badge_class["description"].strip()
    assert is_iri(badge_class["image"])
    image = verifier.get(badge_class["image"])
    assert image.status == 200
    assert image.headers["content-type"].split(";")[0] == "image/png"
    png_chunks(image.body())
    criteria = badge_class["criteria"]
    if isinstance(criteria, dict):
        assert criteria.get("narrative", "").strip()
        assert "id" not in criteria or is_iri(criteria["id"])
    else:
        assert is_iri(criteria)
    assert is_iri(badge_class["issuer"])


def check_issuer(issuer, url):
    assert issuer["@context"] == OB_CONTEXT
    assert all(key in issuer for key in ISSUER_REQUIRED), sorted(issuer)
    assert issuer["type"] in ("Issuer", "Profile")
    assert issuer["id"] == url
    assert issuer["name"].strip()
    assert is_iri(issuer["url"])
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", issuer["email"])


# What the pages say -------------------------------------------------------------


def page_says(page, message):
    """``message`` as the page shows it, in the page's language (translations may
    or may not exist yet: ask the same catalogues the server uses)."""
    with translation.override(page.locator("html").get_attribute("lang")):
        return translation.gettext(message)


def check_on_verify_page(page, site, png_path, email=""):
    page.goto(site.url + "/badges/verify/")
    page.locator("input[name=badge_file]").set_input_files(png_path)
    if email:
        page.locator("input[name=email]").fill(email)
    page.locator("form.form button[type=submit]").click()
    result = page.locator("#verify-result")
    expect(result).to_be_visible()
    return result


# The learner ---------------------------------------------------------------------


@pytest.fixture
def verifier(playwright, site):
    """Someone checking the badge from elsewhere: no cookies, only the public URLs."""
    request = playwright.request.new_context()
    yield request
    request.dispose()


def test_a_completed_course_earns_one_open_badge_that_verifies_until_revoked(
    site, page, verifier, screenshots_dir, tmp_path
):
    course, (lesson,) = course_with(("木場潟クイズ", [h5p_block("truefalse-1.6.h5p")]))
    badge = BadgeDefinition.objects.create(
        name_ja="木場潟クイズ修了",
        name_en="Kibagata quiz",
        description="木場潟クイズに正しく答えました。",
        criteria_narrative="講座「木場潟クイズ」のレッスンをすべて修了しました。",
        rule_type=COMPLETE_COURSE,
        course=course,
    )
    learner = make_learner()
    log_in(page, site, learner)

    # The learner finishes the course: the badge follows, once.
    frame = open_lesson(page, site, lesson)
    answer_truefalse(frame)
    reach_the_end(page)
    wait_for(page, lambda: lesson_done(learner, lesson), "the lesson to complete")
    award = wait_for(
        page,
        lambda: BadgeAward.objects.filter(user=learner, badge=badge).first(),
        "the badge to be awarded",
    )
    wait_for(page, lambda: all_sent(page), "the queue to empty")

    frame = open_lesson(page, site, lesson)  # back again, answered again, read again
    answer_truefalse(frame)
    reach_the_end(page)
    wait_for(page, lambda: result_for(learner, lesson).attempts == 2, "the second answer")
    wait_for(page, lambda: all_sent(page), "the queue to empty")
    assert BadgeAward.objects.filter(user=learner).count() == 1

    # The portfolio shows it, and the baked PNG downloads from there.
    page.goto(site.url + "/me/portfolio/")
    item = page.locator(".timeline__item").filter(has_text=badge.name_ja)
    expect(item).to_have_count(1)
    expect(item.locator(".revoked")).to_have_count(0)
    picture = item.locator(f"img[src*='/badges/classes/{badge.uuid}/image.png']")
    wait_for(page, lambda: picture.evaluate("img => img.complete"), "the badge picture to load")
    assert picture.evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=str(screenshots_dir / "open-badges-portfolio.png"), full_page=True)
    with page.expect_download() as download_info:
        item.locator(f"a[href$='/badges/{award.uuid}/badge.png']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".png")
    png_path = tmp_path / download.suggested_filename
    download.save_as(png_path)
    png = Path(png_path).read_bytes()

    # What the PNG carries, and what the server hosts, is an Open Badges 2.0 badge.
    baked = baked_assertion(png)
    assertion_url = baked["id"]
    assert is_iri(assertion_url) and assertion_url.startswith(site.url + "/")
    hosted = fetch_json_ld(verifier, assertion_url)
    check_assertion(hosted, assertion_url, learner.email)
    check_assertion(baked, assertion_url, learner.email)
    assert {key: baked[key] for key in ("id", "recipient", "badge", "issuedOn")} == {
        key: hosted[key] for key in ("id", "recipient", "badge", "issuedOn")
    }
    completion = CourseCompletion.objects.get(user=learner)
    # Dated to the whole second of the completion (a restore keeps no finer fraction).
    assert datetime.fromisoformat(hosted["issuedOn"]) == completion.completed_at.replace(
        microsecond=0
    )

    badge_class = fetch_json_ld(verifier, hosted["badge"])
    check_badge_class(badge_class, hosted["badge"], verifier)
    issuer = fetch_json_ld(verifier, badge_class["issuer"])
    check_issuer(issuer, badge_class["issuer"])

    scope = origin(issuer["id"])  # hosted verification: everything under the issuer's origin
    ids = [hosted["id"], badge_class["id"], badge_class["image"], issuer["id"]]
    assert {origin(url) for url in ids} == {scope}

    # Checked on the verify page while valid, with the learner's email address.
    result = check_on_verify_page(page, site, png_path, email=learner.email)
    expect(result).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(result).to_contain_text(page_says(page, "Valid"))
    expect(result).to_contain_text(page_says(page, "It was issued to the email address you typed."))
    page.screenshot(path=str(screenshots_dir / "open-badges-verify-valid.png"), full_page=True)

    # Revoked: the hosted assertion is gone (410, with the reason), the PNG no longer verifies.
    revoke_badge(award, reason=REVOCATION_REASON, acting_user=None)
    gone = fetch_json_ld(verifier, assertion_url, status=410)
    assert gone["id"] == assertion_url
    assert gone["revoked"] is True
    assert gone["revocationReason"] == REVOCATION_REASON

    result = check_on_verify_page(page, site, png_path)
    expect(result).to_have_class(re.compile(r"\bnotice--error\b"))
    expect(result).to_contain_text(page_says(page, "Revoked"))
    expect(result).to_contain_text(REVOCATION_REASON)
    page.screenshot(path=str(screenshots_dir / "open-badges-verify-revoked.png"), full_page=True)

    page.goto(site.url + "/me/portfolio/")
    expect(item.locator(".revoked")).to_have_count(1)
    expect(item.locator("a[href$='/badge.png']")).to_have_count(0)
    assert BadgeAward.objects.filter(user=learner).count() == 1
