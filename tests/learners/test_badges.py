"""Open Badges 2.0: awards, hosted JSON-LD, baked PNGs, the verify page and the portfolio.

(Past 400 lines on purpose: one standard's whole chain, from award to verification, with
the fixtures its steps share.)
"""

import io
import json
import socket
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image, PngImagePlugin

from curriculum.badge_rules import COMPLETE_COURSE, COMPLETE_PROGRAMME
from curriculum.models import BadgeDefinition, SustainableDevelopmentGoal
from learners.models import BadgeAward
from learners.open_badges import png_chunks, recipient_identity
from learners.services.accounts import link_guardian
from learners.services.badges import (
    BadgeNotAwardable,
    award_badge,
    revoke_badge,
    set_badge_public,
    share_child_badge,
)
from learners.services.progress import complete_course
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db
BASE = "https://manabi.example.jp"
JSON_LD = {"HTTP_ACCEPT": "application/ld+json"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Nothing here may open a connection anywhere (the verify page never fetches)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"an outgoing connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def course(reference_data):
    return make_course(lessons=[("一", [("text", "<p>読む</p>")])])


@pytest.fixture
def badge(course):
    badge = BadgeDefinition.objects.create(
        name_ja="木場潟の生きもの",
        name_en="Kibagata wildlife",
        description="木場潟の水と生きものを学びました。",
        criteria_narrative="講座「木場潟の生きものと水」のすべてのレッスンを修了しました。",
        rule_type=COMPLETE_COURSE,
        course=course,
        tags="SDGs, 木場潟",
    )
    badge.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=[6, 14]))
    return badge


def learner(username="sakura", birth_year=1990):
    """A learner whose email address is <username>@example.jp."""
    return make_learner(username, birth_year=birth_year)


def verify(client, **data):
    return client.post("/badges/verify/", data)


# Awarding ------------------------------------------------------------------------


def test_completing_a_course_awards_its_badge_once_and_tells_the_learner(
    badge, course, mailoutbox, django_capture_on_commit_callbacks
):
    person = learner()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(person, course.translation_key)
        complete_course(person, course.translation_key)
    award = BadgeAward.objects.get()
    assert (award.user, award.badge, award.awarded_by) == (person, badge, None)
    assert len(mailoutbox) == 1 and "木場潟の生きもの" in mailoutbox[0].subject
    assert award.notified_at is not None
    assert award_badge(person, badge) == (award, False)


def test_a_programme_badge_needs_every_course_of_the_programme(
    reference_data, django_capture_on_commit_callbacks
):
    from curriculum.models import LifeStage, ProgrammeCourse, ProgrammePage
    from tests.factories import make_catalogue

    catalogue = make_catalogue()
    first = make_course(catalogue, title="一つめ")
    second = make_course(catalogue, title="二つめ")
    stage = LifeStage.objects.get(slug="elementary")
    programme = ProgrammePage(
        title="小学生のプログラム", slug="elementary", life_stage=stage, introduction="<p>…</p>"
    )
    catalogue.get_parent().add_child(instance=programme)
    for step in (first, second):
        ProgrammeCourse.objects.create(programme=programme, course=step)
    BadgeDefinition.objects.create(
        name_ja="小学生プログラム修了",
        description="…",
        criteria_narrative="…",
        rule_type=COMPLETE_PROGRAMME,
        programme=programme,
    )
    person = learner()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(person, first.translation_key)
    assert not BadgeAward.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(person, second.translation_key)
    assert BadgeAward.objects.get().badge.programme == programme


def test_staff_award_by_hand_with_evidence_and_revoke_with_a_reason(client, badge):
    person = learner()
    staff = make_learner("staff", role="City staff")
    award, created = award_badge(
        person,
        badge,
        awarded_by=staff,
        narrative="木場潟の清掃活動で観察記録をまとめた。",
        evidence_url="https://manabi.example.jp/evidence/1",
    )
    assert created
    data = client.get(f"/badges/assertions/{award.uuid}", **JSON_LD).json()
    assert data["narrative"] == "木場潟の清掃活動で観察記録をまとめた。"
    assert data["evidence"][0]["id"] == "https://manabi.example.jp/evidence/1"

    with pytest.raises(ValueError):
        revoke_badge(award, reason=" ", acting_user=staff)
    revoke_badge(award, reason="誤って授与しました", acting_user=staff)
    response = client.get(f"/badges/assertions/{award.uuid}", **JSON_LD)
    assert response.status_code == 410
    assert response.json()["revoked"] is True
    assert response.json()["revocationReason"] == "誤って授与しました"
    html = client.get(f"/badges/assertions/{award.uuid}", HTTP_ACCEPT="text/html")
    assert html.status_code == 410 and "誤って授与しました" in html.content.decode()


def test_inactive_badges_are_not_awarded(badge):
    badge.active = False
    badge.save()
    with pytest.raises(BadgeNotAwardable):
        award_badge(learner(), badge)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_award_one_badge(badge, course):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    person = learner()
    barrier = threading.Barrier(2)
    errors = []

    def complete():
        try:
            barrier.wait()
            complete_course(person, course.translation_key)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert BadgeAward.objects.filter(user=person, badge=badge).count() == 1


# Hosted verification ----------------------------------------------------------------


def test_assertion_badge_class_and_issuer_are_open_badges_2_json_ld(client, badge):
    award, _created = award_badge(learner(), badge)
    response = client.get(f"/badges/assertions/{award.uuid}", **JSON_LD)
    assert response["Content-Type"].startswith("application/ld+json")
    assertion = response.json()
    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == f"{BASE}/badges/assertions/{award.uuid}"
    assert assertion["verification"] == {"type": "HostedBadge"}
    recipient = assertion["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    assert recipient["identity"] == recipient_identity("sakura@example.jp", recipient["salt"])
    assert "sakura" not in json.dumps(assertion)
    assert assertion["issuedOn"].startswith(str(timezone.localdate(award.issued_on).year))

    badge_class = client.get(assertion["badge"].removeprefix(BASE), **JSON_LD).json()
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["id"] == assertion["badge"]
    for field in ("name", "description", "image", "criteria", "issuer"):
        assert badge_class[field]
    assert badge_class["criteria"]["narrative"].startswith("講座")
    assert {item["targetCode"] for item in badge_class["alignment"]} == {"6", "14"}
    assert badge_class["tags"] == ["SDGs", "木場潟"]

    issuer = client.get(badge_class["issuer"].removeprefix(BASE), **JSON_LD).json()
    assert issuer["type"] == "Issuer" and issuer["id"] == badge_class["issuer"]
    assert issuer["name"] and issuer["url"] and issuer["email"]
    for url in (assertion["id"], badge_class["id"], issuer["id"], badge_class["image"]):
        assert url.startswith(BASE + "/")  # inside the issuer's verification scope
    image = client.get(badge_class["image"].removeprefix(BASE))
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (512, 512)


def test_browsers_get_html_and_verifiers_get_json(client, badge):
    award, _created = award_badge(learner(), badge)
    html = client.get(
        f"/badges/assertions/{award.uuid}", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*"
    )
    assert html["Content-Type"].startswith("text/html")
    assert "木場潟の生きもの" in html.content.decode()
    as_json = client.get(f"/badges/assertions/{award.uuid}", HTTP_ACCEPT="application/json")
    assert as_json.json()["type"] == "Assertion"


def test_a_childs_badge_is_published_only_once_a_guardian_shares_it(client, badge):
    child = make_learner("kota", birth_year=2018)
    award, _created = award_badge(child, badge)
    assert client.get(f"/badges/assertions/{award.uuid}", **JSON_LD).status_code == 404
    with pytest.raises(BadgeNotAwardable):
        set_badge_public(award, True, acting_user=child)
    mama = make_learner("mama")
    link_guardian(child, mama, acting_user=None)
    share_child_badge(award, identity_email="parent@example.jp", acting_user=mama)
    data = client.get(f"/badges/assertions/{award.uuid}", **JSON_LD).json()
    assert data["recipient"]["identity"] == recipient_identity(
        "parent@example.jp", data["recipient"]["salt"]
    )


# Baked PNGs and the verify page -------------------------------------------------------


def baked(client, person, award):
    client.force_login(person)
    response = client.get(f"/me/badges/{award.uuid}/badge.png")
    assert response["Content-Type"] == "image/png"
    return response.content


def openbadges_chunks(data):
    return [
        payload
        for kind, payload in png_chunks(data)
        if kind == b"iTXt" and payload.startswith(b"openbadges\x00")
    ]


def test_the_downloaded_png_carries_exactly_one_uncompressed_assertion(client, badge):
    person = learner()
    award, _created = award_badge(person, badge)
    data = baked(client, person, award)
    (chunk,) = openbadges_chunks(data)
    _keyword, rest = chunk.split(b"\x00", 1)
    assert rest[0] == 0  # compression flag: not compressed
    text = rest[2:].split(b"\x00", 2)[2].decode()
    assert json.loads(text)["id"] == f"{BASE}/badges/assertions/{award.uuid}"


def test_an_uploaded_image_with_its_own_text_chunks_still_gets_one_badge_chunk(client, badge):
    from wagtail.images import get_image_model

    source = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", '{"id": "https://elsewhere.example/old"}', zip=False)
    info.add_text("Comment", "made elsewhere")
    Image.new("RGB", (64, 64), "#26bde2").save(source, format="PNG", pnginfo=info)
    badge.image = get_image_model().objects.create(
        title="badge", file=ContentFile(source.getvalue(), name="badge.png")
    )
    badge.save()
    person = learner()
    award, _created = award_badge(person, badge)
    data = baked(client, person, award)
    assert len(openbadges_chunks(data)) == 1
    assert [kind for kind, _payload in png_chunks(data) if kind == b"tEXt"] == []


def test_the_verify_page_answers_every_kind_of_upload_clearly(client, badge):
    person = learner()
    award, _created = award_badge(person, badge)
    good = baked(client, person, award)
    client.logout()

    def upload(data, name="badge.png", **extra):
        return verify(
            client, badge_file=SimpleUploadedFile(name, data, content_type="image/png"), **extra
        )

    response = upload(good, email="sakura@example.jp")
    page = response.content.decode()
    assert response.status_code == 200
    assert "有効" in page or "Valid" in page
    assert "入力したメールアドレス" in page or "issued to the email address you typed" in page

    other_email = upload(good, email="someone@example.jp").content.decode()
    assert "was not issued to" in other_email or "発行されたものではありません" in other_email

    plain = io.BytesIO()
    Image.new("RGB", (8, 8)).save(plain, format="PNG")
    assert upload(plain.getvalue()).status_code == 400

    # Tampered: the recipient changed inside the chunk (CRC recomputed, so a valid PNG).
    assertion = json.loads(
        json.dumps(client.get(f"/badges/assertions/{award.uuid}", **JSON_LD).json())
    )
    assertion["recipient"]["identity"] = "sha256$" + "0" * 64
    image = Image.open(io.BytesIO(good))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", json.dumps(assertion), zip=False)
    tampered = io.BytesIO()
    image.save(tampered, format="PNG", pnginfo=info)
    tampered_page = upload(tampered.getvalue()).content.decode()
    assert (
        "changed" in tampered_page or "改ざん" in tampered_page or "一致しません" in tampered_page
    )

    assert upload(b"this is not an image at all", name="notes.png").status_code == 400
    damaged = bytearray(good)
    damaged[40] ^= 0xFF
    assert upload(bytes(damaged)).status_code == 400
    big = upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024 + 1))
    assert big.status_code == 400

    elsewhere = verify(client, assertion_url="https://badges.example.org/assertions/1")
    assert elsewhere.status_code == 200
    assert "https://manabi.example.jp" in elsewhere.content.decode()
    by_url = verify(client, assertion_url=f"{BASE}/badges/assertions/{award.uuid}")
    assert "Valid" in by_url.content.decode() or "有効" in by_url.content.decode()

    revoke_badge(award, reason="誤って授与しました", acting_user=None)
    revoked = upload(good).content.decode()
    assert "誤って授与しました" in revoked


# The portfolio ---------------------------------------------------------------------------


def test_portfolio_queries_stay_constant_as_badges_grow(client, course, reference_data):
    person = learner()
    client.force_login(person)

    def make_badges(count, start):
        for number in range(start, start + count):
            badge = BadgeDefinition.objects.create(
                name_ja=f"バッジ{number}", description="…", criteria_narrative="…"
            )
            award_badge(person, badge)

    make_badges(2, 0)
    complete_course(person, course.translation_key)
    client.get("/me/portfolio/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/me/portfolio/").status_code == 200
    make_badges(12, 2)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/me/portfolio/").content.decode()
    assert len(many) == len(few)
    assert page.count('class="timeline__item"') == 15


def test_a_learner_makes_one_badge_public(client, badge):
    person = learner()
    award, _created = award_badge(person, badge)
    url = f"/badges/assertions/{award.uuid}"
    assert "小松 花子" not in client.get(url, HTTP_ACCEPT="text/html").content.decode()
    client.force_login(person)
    client.post(f"/me/badges/{award.uuid}/visibility/", {"public": "1"})
    award.refresh_from_db()
    assert award.public
    client.logout()
    assert "小松 花子" in client.get(url, HTTP_ACCEPT="text/html").content.decode()
    other = learner("taro")
    client.force_login(other)
    assert client.post(f"/me/badges/{award.uuid}/visibility/", {"public": "0"}).status_code == 404


def test_the_transcript_is_a_pdf_with_japanese_text_and_the_bundle_is_json(client, badge):
    person = learner()
    award_badge(person, badge)
    client.force_login(person)
    pdf = client.get("/me/portfolio/transcript.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"HeiseiKakuGo-W5" in pdf.content
    bundle = json.loads(client.get("/me/portfolio/badges.json").content)
    assert bundle["issuer"]["type"] == "Issuer"
    assert [item["type"] for item in bundle["assertions"]] == ["Assertion"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_awards_of_one_badge_make_one_assertion(badge):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    person = learner()
    barrier = threading.Barrier(4)
    created = []

    def award():
        try:
            barrier.wait()
            created.append(award_badge(person, badge)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=award) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [False, False, False, True]
    assert BadgeAward.objects.filter(user=person, badge=badge).count() == 1


def test_the_dashboard_announces_a_new_badge_until_the_portfolio_is_opened(client, badge):
    person = learner()
    award, _created = award_badge(person, badge)
    client.force_login(person)
    assert "木場潟の生きもの" in client.get("/me/").content.decode()
    # The notice's button into the portfolio (a POST: a GET changes nothing).
    opened = client.post("/me/badges/seen/", {"award": [award.uuid], "then": "portfolio"})
    assert opened["Location"] == "/me/portfolio/"
    assert "木場潟の生きもの" not in client.get("/me/").content.decode()


def test_looking_changes_nothing_only_the_notices_post_does(badge):
    from django.test import Client

    person = learner()
    award, _created = award_badge(person, badge)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    for _visit in range(2):
        assert "木場潟の生きもの" in browser.get("/me/").content.decode()
    browser.get("/me/portfolio/")
    assert "木場潟の生きもの" in browser.get("/me/").content.decode()
    award.refresh_from_db()
    assert award.seen_at is None

    assert browser.get("/me/badges/seen/").status_code == 405
    assert browser.post("/me/badges/seen/", {"award": [award.uuid]}).status_code == 403  # CSRF
    token = browser.cookies["csrftoken"].value
    refused = browser.post("/me/badges/seen/", {"award": ["not-a-uuid"]}, HTTP_X_CSRFTOKEN=token)
    assert refused.status_code == 400
    award.refresh_from_db()
    assert award.seen_at is None

    dismissed = browser.post("/me/badges/seen/", {"award": [award.uuid]}, HTTP_X_CSRFTOKEN=token)
    assert dismissed["Location"] == "/me/"
    assert "木場潟の生きもの" not in browser.get("/me/").content.decode()
    award.refresh_from_db()
    assert award.seen_at is not None


def test_the_notice_marks_only_the_badges_it_showed_and_only_ones_own(client, badge):
    person, other = learner(), learner("taro")
    shown, _created = award_badge(person, badge)
    others, _created = award_badge(other, badge)
    later_badge = BadgeDefinition.objects.create(
        name_ja="あとから届いたバッジ", description="…", criteria_narrative="…"
    )
    arrived_meanwhile, _created = award_badge(person, later_badge)
    client.force_login(person)
    client.post("/me/badges/seen/", {"award": [shown.uuid, others.uuid]})
    assert BadgeAward.objects.filter(seen_at__isnull=False).get() == shown
    page = client.get("/me/").content.decode()
    assert "あとから届いたバッジ" in page and arrived_meanwhile.seen_at is None


def test_a_competency_badge_needs_a_course_that_teaches_the_level(
    course, django_capture_on_commit_callbacks
):
    from courses.models import CourseCompetency
    from curriculum.badge_rules import REACH_COMPETENCY_LEVEL
    from curriculum.models import Competency

    competency = Competency.objects.first()
    CourseCompetency.objects.create(course=course, competency=competency, level=2)

    def competency_badge(level):
        return BadgeDefinition.objects.create(
            name_ja=f"レベル{level}",
            description="…",
            criteria_narrative="…",
            rule_type=REACH_COMPETENCY_LEVEL,
            competency=competency,
            competency_level=level,
        )

    reached, beyond = competency_badge(2), competency_badge(3)
    person = learner()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(person, course.translation_key)
    assert set(BadgeAward.objects.values_list("badge", flat=True)) == {reached.pk}
    assert beyond.pk not in set(BadgeAward.objects.values_list("badge", flat=True))


def test_checking_badges_on_completion_costs_the_same_however_many_badges_exist(
    reference_data, django_capture_on_commit_callbacks
):
    from tests.factories import make_catalogue

    catalogue = make_catalogue()

    def completion_queries():
        done = make_course(catalogue, title="講座")
        person = learner(f"p{BadgeDefinition.objects.count()}")
        with CaptureQueriesContext(connection) as queries:
            with django_capture_on_commit_callbacks(execute=True):
                complete_course(person, done.translation_key)
        return len(queries)

    def more_badges(count):
        for number in range(count):
            other = make_course(catalogue, title=f"別の講座{number}")
            BadgeDefinition.objects.create(
                name_ja=f"別のバッジ{number}",
                description="…",
                criteria_narrative="…",
                rule_type=COMPLETE_COURSE,
                course=other,
            )

    more_badges(1)
    few = completion_queries()
    more_badges(6)
    assert completion_queries() == few
