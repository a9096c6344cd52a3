"""Badge and issuer pictures are drawn once and served from the cache until what they
depend on changes."""

import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from PIL import Image

from curriculum.models import BadgeDefinition, BadgeIssuer
from learners import open_badges

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def drawings(monkeypatch):
    """Every call of the drawing function, which still draws."""
    calls = []
    real = open_badges.draw_badge_png

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(open_badges, "draw_badge_png", counting)
    return calls


def uploaded_image(colour):
    from wagtail.images import get_image_model

    source = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(source, format="PNG")
    return get_image_model().objects.create(
        title="issuer", file=ContentFile(source.getvalue(), name="issuer.png")
    )


def picture_size(response):
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).size


def test_two_requests_for_the_issuer_image_draw_it_once(client, drawings):
    first = client.get("/badges/issuer/image.png")
    second = client.get("/badges/issuer/image.png")
    assert len(drawings) == 1
    assert first.content == second.content
    assert picture_size(first) == (512, 512)


def test_a_changed_issuer_profile_image_is_served_at_once(client, drawings):
    client.get("/badges/issuer/image.png")
    issuer = BadgeIssuer.load()
    issuer.image = uploaded_image("#26bde2")
    issuer.save()
    assert picture_size(client.get("/badges/issuer/image.png")) == (64, 64)
    issuer.image = uploaded_image("#fcc30b")
    issuer.save()
    replaced = client.get("/badges/issuer/image.png")
    assert Image.open(io.BytesIO(replaced.content)).convert("RGB").getpixel((0, 0)) == (
        252,
        195,
        11,
    )
    issuer.image = None
    issuer.save()
    assert picture_size(client.get("/badges/issuer/image.png")) == (512, 512)
    assert len(drawings) == 1  # the drawn picture came back from the cache


@pytest.mark.usefixtures("reference_data")
def test_a_badge_picture_is_drawn_once_until_the_badge_changes(client, drawings):
    badge = BadgeDefinition.objects.create(
        name_ja="木場潟", description="…", criteria_narrative="…"
    )
    url = f"/badges/classes/{badge.uuid}/image.png"
    client.get(url)
    client.get(url)
    assert len(drawings) == 1
    badge.name_ja = "木場潟の生きもの"
    badge.save()
    client.get(url)
    assert [call["label"] for call in drawings] == ["木場潟", "木場潟の生きもの"]
