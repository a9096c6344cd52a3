"""Open Badges 2.0: the JSON-LD of issuer, badge classes and assertions, baked PNGs,
and checking a badge someone presents.

Every id is a URL under ``MANABI_BASE_URL`` (the issuer's verification scope), so
hosted verification works. Checking never fetches anything: only our own assertion
URLs are understood, and they are looked up in the database.
"""

import datetime
import hashlib
import io
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, PngImagePlugin

from curriculum.alignments import alignment_target
from curriculum.badge_art import draw_badge_png

# Reading presented PNGs lives in badge_png (bounded work for anonymous uploads); these
# names stay importable from here.
from learners.badge_png import NotABakedBadge as NotABakedBadge
from learners.badge_png import baked_assertion as baked_assertion
from learners.badge_png import png_chunks as png_chunks
from learners.models.badges import to_the_second

CONTEXT = "https://w3id.org/openbadges/v2"
SDG_URL = "https://sdgs.un.org/goals/goal{number}"


def absolute(path):
    return f"{settings.MANABI_BASE_URL}{path}"


def issuer_id():
    return absolute(reverse("open_badges:issuer"))


def badge_class_id(badge):
    return absolute(reverse("open_badges:badge_class", args=[badge.uuid]))


def badge_image_url(badge):
    return absolute(reverse("open_badges:badge_image", args=[badge.uuid]))


def assertion_id(award):
    return absolute(reverse("open_badges:assertion", args=[award.uuid]))


ASSERTION_PATH = re.compile(r"^/badges/assertions/(?P<uuid>[0-9a-fA-F-]{36})/?$")


def issuer_json():
    from curriculum.models import BadgeIssuer

    profile = BadgeIssuer.load().profile()
    data = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_id(),
        "name": profile["name"],
        "url": profile["url"],
        "email": profile["email"],
        "description": profile["description"],
        "image": absolute(reverse("open_badges:issuer_image")),
    }
    return data


def badge_class_json(badge):
    alignments = [
        {
            "targetName": f"SDG {goal.number}: {goal.name_en}",
            "targetUrl": SDG_URL.format(number=goal.number),
            "targetFramework": "UN Sustainable Development Goals",
            "targetCode": str(goal.number),
        }
        for goal in badge.sdgs.all()
    ]
    alignments += [alignment_target(competency) for competency in badge.competencies.all()]
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_id(badge),
        "name": badge.name_ja if not badge.name_en else f"{badge.name_ja} / {badge.name_en}",
        "description": badge.description,
        "image": badge_image_url(badge),
        "criteria": {
            "id": badge_class_id(badge) + "#criteria",
            "narrative": badge.criteria_narrative,
        },
        "issuer": issuer_id(),
        "alignment": alignments,
        "tags": badge.tag_list,
    }


def recipient_identity(email, salt):
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def assertion_json(award):
    data = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_id(award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient_salt,
            "identity": recipient_identity(award.recipient_email, award.recipient_salt),
        },
        "badge": badge_class_id(award.badge),
        "verification": {"type": "HostedBadge"},
        # In Japan time, so the date a reader sees is the day the learner earned it; to
        # the second, so the same however the stored value was backed up and restored.
        "issuedOn": timezone.localtime(to_the_second(award.issued_on)).isoformat(),
        "image": badge_image_url(award.badge),
    }
    if award.narrative:
        data["narrative"] = award.narrative
    if award.evidence_url or award.narrative:
        evidence = {"narrative": award.narrative or award.badge.criteria_narrative}
        if award.evidence_url:
            evidence["id"] = award.evidence_url
        data["evidence"] = [evidence]
    if award.revoked:
        data["revoked"] = True
        data["revocationReason"] = award.revocation_reason
    return data


def revoked_json(award):
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_id(award),
        "revoked": True,
        "revocationReason": award.revocation_reason,
    }


def is_published(award):
    """Whether the assertion may be served at all (children's wait for a guardian)."""
    from learners.services.badges import is_child

    return award.guardian_shared or (bool(award.recipient_email) and not is_child(award.user))


PICTURE_CACHE_SECONDS = 24 * 60 * 60
ISSUER_LABEL, ISSUER_SUBLABEL = "まなび", "Komatsu × Kanazawa"


def _cached_png(kind, ingredients, render):
    """PNG bytes of a picture, cached under a key made of everything it depends on.

    Drawing takes about 0.1 s and pictures are asked for often (a portfolio shows many
    badges, every verifier fetches the issuer's), so an edit changes the key and draws
    anew: nothing has to be invalidated by hand.
    """
    key = f"{kind}-png:" + hashlib.sha256(json.dumps(ingredients).encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        png = render()
        cache.set(key, png, PICTURE_CACHE_SECONDS)
    return png


def _uploaded_png(image):
    """An uploaded Wagtail image as PNG bytes (whatever format it was uploaded in)."""
    with image.open_file() as source:
        picture = Image.open(source)
        picture.load()
    buffer = io.BytesIO()
    picture.convert("RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def badge_png(badge):
    """The badge's picture as PNG bytes: the uploaded image, else our drawn artwork."""
    goals = list(badge.sdgs.all())
    stage = badge.life_stage
    ingredients = [
        badge.image_id,
        badge.image.file.name if badge.image_id else None,
        badge.name_ja,
        [(goal.number, goal.colour) for goal in goals],
        (stage.colour, stage.name_ja) if stage else None,
    ]
    return _cached_png("badge", ingredients, lambda: _render_badge_png(badge, goals, stage))


def _render_badge_png(badge, goals, stage):
    if badge.image_id:
        return _uploaded_png(badge.image)
    return draw_badge_png(
        label=badge.name_ja,
        sdg_colours=[goal.colour for goal in goals],
        sdg_numbers=[goal.number for goal in goals],
        stage_colour=stage.colour if stage else None,
        stage_label=stage.name_ja if stage else "",
    )


def issuer_png():
    """The issuer's picture as PNG bytes: the image of the issuer profile, else a drawn one."""
    from curriculum.models import BadgeIssuer

    image = BadgeIssuer.load().image
    ingredients = [
        image.pk if image else None,
        image.file.name if image else None,
        ISSUER_LABEL,
        ISSUER_SUBLABEL,
    ]

    def render():
        if image:
            return _uploaded_png(image)
        return draw_badge_png(label=ISSUER_LABEL, sdg_colours=[], stage_label=ISSUER_SUBLABEL)

    return _cached_png("issuer", ingredients, render)


def bake_png(png_bytes, assertion):
    """The picture with the assertion baked in: exactly one uncompressed iTXt chunk
    ``openbadges`` holding the assertion JSON (any text chunks of the source dropped)."""
    image = Image.open(io.BytesIO(png_bytes))
    image.load()
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", json.dumps(assertion, ensure_ascii=False), zip=False)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def _same_instant(text, moment):
    """Whether an issuedOn names ``moment``, to the second: badges baked before issuedOn
    was written in Japan time carry it in UTC, and are just as valid.

    Awards are dated to the second; older ones carried microseconds, which a backup
    restored through dumpdata/loaddata cuts to milliseconds and the migration 0006 cut to
    none, so a fraction of a second in either the badge or the record never counts.
    """
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    if parsed.tzinfo is None or moment is None or timezone.is_naive(moment):
        return False
    return to_the_second(parsed) == to_the_second(moment)


@dataclass
class BadgeCheck:
    """The outcome of checking a presented badge, for the verify page."""

    valid: bool
    message: str
    award: object = None
    revoked: bool = False
    email_matches: bool | None = None
    tampered: bool = False


def check_badge(presented, *, email=""):
    """Check a baked assertion (dict) or an assertion URL (str) against our records.

    Only URLs of this platform are understood (looked up in-process, never fetched).
    """
    from learners.models import BadgeAward

    url = presented.get("id") if isinstance(presented, dict) else presented
    base = settings.MANABI_BASE_URL
    if not isinstance(url, str) or not url.startswith(base + "/"):
        return BadgeCheck(
            False,
            _(
                "This badge was not issued by this platform, so it cannot be checked here. "
                "Only badges whose address starts with %(base)s can be checked."
            )
            % {"base": base},
        )
    match = ASSERTION_PATH.match(url[len(base) :].split("?", 1)[0])
    award = None
    if match:
        award = (
            BadgeAward.objects.select_related("badge", "user", "user__learner_profile")
            .filter(uuid=match["uuid"].lower())
            .first()
        )
    if award is None or not is_published(award):
        return BadgeCheck(False, _("No badge with this address was issued by this platform."))

    issued = assertion_json(award)
    tampered = False
    if isinstance(presented, dict):
        compared = ("id", "recipient", "badge", "verification")
        tampered = any(presented.get(key) != issued.get(key) for key in compared)
        tampered = tampered or not _same_instant(presented.get("issuedOn"), award.issued_on)
    email_matches = None
    if email:
        email_matches = (
            recipient_identity(email, award.recipient_salt) == issued["recipient"]["identity"]
        )
    if tampered:
        return BadgeCheck(
            False,
            _("The badge data in this image was changed: it does not match what was issued."),
            award=award,
            tampered=True,
            email_matches=email_matches,
        )
    if award.revoked:
        return BadgeCheck(
            False,
            _("This badge was revoked: %(reason)s") % {"reason": award.revocation_reason},
            award=award,
            revoked=True,
            email_matches=email_matches,
        )
    return BadgeCheck(
        True,
        _("This badge is valid: it was issued by this platform and has not been revoked."),
        award=award,
        email_matches=email_matches,
    )
