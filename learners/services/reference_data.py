"""Reference data and roles: Komatsu's districts, spoken languages, role groups."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from learners import roles
from learners.models import (
    District,
    SpokenLanguage,
)

# (code, Japanese, kana, romanised, latitude, longitude) — districts (地区) of Komatsu
# City. The coordinates are each district's approximate centre (read off a map to about
# 500 m, not survey data): matching uses them only to tell near districts from far ones.
KOMATSU_DISTRICTS = [
    ("rojo", "芦城", "ろじょう", "Rojo", 36.402, 136.447),
    ("wakamatsu", "稚松", "わかまつ", "Wakamatsu", 36.41, 136.447),
    ("shoyo", "松陽", "しょうよう", "Shoyo", 36.414, 136.456),
    ("nawashiro", "苗代", "なわしろ", "Nawashiro", 36.404, 136.461),
    ("miyuki", "御幸", "みゆき", "Miyuki", 36.418, 136.44),
    ("mukaimotoori", "向本折", "むかいもとおり", "Mukaimotoori", 36.417, 136.428),
    ("ataka", "安宅", "あたか", "Ataka", 36.428, 136.413),
    ("itazu", "板津", "いたづ", "Itazu", 36.425, 136.476),
    ("imae", "今江", "いまえ", "Imae", 36.396, 136.471),
    ("awazu", "粟津", "あわづ", "Awazu", 36.344, 136.43),
    ("nata", "那谷", "なた", "Nata", 36.331, 136.45),
    ("kiba", "木場", "きば", "Kiba", 36.363, 136.47),
    ("tsukizu", "月津", "つきづ", "Tsukizu", 36.352, 136.413),
    ("yatano", "矢田野", "やたの", "Yatano", 36.366, 136.432),
    ("fuzu", "符津", "ふづ", "Fuzu", 36.381, 136.441),
    ("rendaiji", "蓮代寺", "れんだいじ", "Rendaiji", 36.385, 136.462),
    ("kokufu", "国府", "こくふ", "Kokufu", 36.391, 136.51),
    ("nakaumi", "中海", "なかうみ", "Nakaumi", 36.378, 136.54),
    ("nishio", "西尾", "にしお", "Nishio", 36.356, 136.562),
    ("kushi", "串", "くし", "Kushi", 36.371, 136.392),
    ("araya", "荒屋", "あらや", "Araya", 36.395, 136.425),
    ("hizue", "日末", "ひずえ", "Hizue", 36.417, 136.398),
]

# (code, own name, Japanese, English) — languages residents speak.
SPOKEN_LANGUAGES = [
    ("ja", "日本語", "日本語", "Japanese"),
    ("en", "English", "英語", "English"),
    ("pt", "Português", "ポルトガル語", "Portuguese"),
    ("vi", "Tiếng Việt", "ベトナム語", "Vietnamese"),
    ("zh", "中文", "中国語", "Chinese"),
    ("fil", "Filipino", "フィリピノ語", "Filipino"),
    ("ko", "한국어", "韓国語", "Korean"),
    ("id", "Bahasa Indonesia", "インドネシア語", "Indonesian"),
    ("ne", "नेपाली", "ネパール語", "Nepali"),
    ("my", "မြန်မာဘာသာ", "ミャンマー語", "Burmese"),
    ("th", "ไทย", "タイ語", "Thai"),
    ("es", "Español", "スペイン語", "Spanish"),
    ("jsl", "日本手話", "日本手話", "Japanese Sign Language"),
]


WAGTAIL_STARTER_GROUPS = ("Editors", "Moderators")


class RoleSetupError(RuntimeError):
    """A role names a permission that does not exist."""


@transaction.atomic
def ensure_districts():
    """Create Komatsu's districts; rows staff have edited are left as they are, except
    that a district without a centre gets the one listed here."""
    rows = enumerate(KOMATSU_DISTRICTS, 1)
    for sort_order, (code, name_ja, name_kana, name_en, latitude, longitude) in rows:
        district, _created = District.objects.get_or_create(
            code=code,
            defaults={
                "name_ja": name_ja,
                "name_kana": name_kana,
                "name_en": name_en,
                "sort_order": sort_order,
                "latitude": latitude,
                "longitude": longitude,
            },
        )
        if district.latitude is None:
            District.objects.filter(pk=district.pk).update(latitude=latitude, longitude=longitude)


@transaction.atomic
def ensure_spoken_languages():
    """Create the spoken-language list; rows staff have edited are left as they are."""
    for sort_order, (code, name_native, name_ja, name_en) in enumerate(SPOKEN_LANGUAGES, 1):
        SpokenLanguage.objects.get_or_create(
            code=code,
            defaults={
                "name_native": name_native,
                "name_ja": name_ja,
                "name_en": name_en,
                "sort_order": sort_order,
            },
        )


def _permissions_by_name(names):
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(
            codename__in={codename for _, codename in wanted}
        ).select_related("content_type")
    }
    missing = sorted(".".join(key) for key in wanted - found.keys())
    if missing:
        raise RoleSetupError(f"Unknown permissions in learners.roles: {', '.join(missing)}")
    return [found[key] for key in wanted]


@transaction.atomic
def ensure_roles():
    """Make every role group exist with at least the permissions ``learners.roles`` lists.

    Idempotent. Permissions staff added to a group by hand are kept. Page
    permissions are granted on the page tree's root and collection permissions
    on the root collection, so they cover everything created later.
    """
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    # Permissions are normally created after migrate, app by app; create them
    # for every app now so that roles may name any app's permissions.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    tree_root = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for role in roles.ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        group.permissions.add(*_permissions_by_name(role.model_permissions))
        if role.page_permissions:
            if tree_root is None:
                raise RoleSetupError("The Wagtail page tree has no root; run migrate first.")
            for permission in _permissions_by_name(role.page_permissions):
                GroupPagePermission.objects.get_or_create(
                    group=group, page=tree_root, permission=permission
                )
        if role.collection_permissions:
            if root_collection is None:
                raise RoleSetupError("Wagtail has no root collection; run migrate first.")
            for permission in _permissions_by_name(role.collection_permissions):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
        groups[role.name] = group
    # Wagtail's migrations create starter groups whose members may publish
    # anything, which would bypass university supervision. Remove them while
    # nobody belongs to them.
    Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS, user__isnull=True).delete()
    return groups


def ensure_learner_reference_data():
    ensure_districts()
    ensure_spoken_languages()
    ensure_roles()
