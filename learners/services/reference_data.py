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

# (code, Japanese, kana, romanised) — districts (地区) of Komatsu City.
KOMATSU_DISTRICTS = [
    ("rojo", "芦城", "ろじょう", "Rojo"),
    ("wakamatsu", "稚松", "わかまつ", "Wakamatsu"),
    ("shoyo", "松陽", "しょうよう", "Shoyo"),
    ("nawashiro", "苗代", "なわしろ", "Nawashiro"),
    ("miyuki", "御幸", "みゆき", "Miyuki"),
    ("mukaimotoori", "向本折", "むかいもとおり", "Mukaimotoori"),
    ("ataka", "安宅", "あたか", "Ataka"),
    ("itazu", "板津", "いたづ", "Itazu"),
    ("imae", "今江", "いまえ", "Imae"),
    ("awazu", "粟津", "あわづ", "Awazu"),
    ("nata", "那谷", "なた", "Nata"),
    ("kiba", "木場", "きば", "Kiba"),
    ("tsukizu", "月津", "つきづ", "Tsukizu"),
    ("yatano", "矢田野", "やたの", "Yatano"),
    ("fuzu", "符津", "ふづ", "Fuzu"),
    ("rendaiji", "蓮代寺", "れんだいじ", "Rendaiji"),
    ("kokufu", "国府", "こくふ", "Kokufu"),
    ("nakaumi", "中海", "なかうみ", "Nakaumi"),
    ("nishio", "西尾", "にしお", "Nishio"),
    ("kushi", "串", "くし", "Kushi"),
    ("araya", "荒屋", "あらや", "Araya"),
    ("hizue", "日末", "ひずえ", "Hizue"),
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
    """Create Komatsu's districts; rows staff have edited are left as they are."""
    for sort_order, (code, name_ja, name_kana, name_en) in enumerate(KOMATSU_DISTRICTS, 1):
        District.objects.get_or_create(
            code=code,
            defaults={
                "name_ja": name_ja,
                "name_kana": name_kana,
                "name_en": name_en,
                "sort_order": sort_order,
            },
        )


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
