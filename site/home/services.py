"""Set-up of the page tree, the site and the locales. Each step is idempotent."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import override

HOME_CONTENT = {
    "ja": {
        "title": "こまつSDGsまなびプラットフォーム",
        "hero_title": "学びの力で、こまつの未来をつくる",
        "hero_lead": (
            "Manabi（まなび）は、小松市と金沢大学がつくるSDGsの生涯学習プラットフォームです。"
            "幼児からシニアまで、外国出身の市民も、自分のライフステージに合った講座で学び、"
            "学んだことを木場潟の環境保全や地域の防災、健康づくりなど、まちの活動に生かせます。"
        ),
        "introduction": (
            "<p>講座は金沢大学の教員が作成し、大学の監修を経て公開されます。"
            "オンラインで学び、クイズに答え、修了するとデジタルバッジがもらえます。</p>"
        ),
    },
    "en": {
        "title": "Komatsu SDGs Learning Platform",
        "hero_title": "The power of learning shapes Komatsu's future",
        "hero_lead": (
            "Manabi is the SDGs lifelong-learning platform of Komatsu City and Kanazawa "
            "University. Everyone, from small children to seniors and residents from abroad, "
            "learns with courses made for their stage of life, then puts it to work in the "
            "city: caring for Lake Kibagata, local disaster prevention, health and more."
        ),
        "introduction": (
            "<p>Courses are written by Kanazawa University faculty and published only after "
            "the university has supervised them. Learn online, answer quizzes, and earn a "
            "digital badge when you finish.</p>"
        ),
    },
}


def ensure_locales():
    """A Wagtail locale for every language the site speaks."""
    from wagtail.models import Locale

    return {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.LANGUAGES
    }


@transaction.atomic
def ensure_site_structure():
    """The locales, the page tree's and the collection tree's roots, the
    Japanese home page, its English translation and the default site.

    Safe to run any number of times; pages staff have edited are never changed.
    Runs after every migrate, and from test fixtures after a database flush.
    """
    from wagtail.models import Collection, Page, Site

    from home.models import HomePage

    locales = ensure_locales()
    default_locale = locales[settings.LANGUAGE_CODE]

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")

    tree_root = Page.get_first_root_node()
    if tree_root is None:
        tree_root = Page.add_root(instance=Page(title="Root", locale=default_locale))

    home = HomePage.objects.filter(locale=default_locale).first()
    if home is None:
        # Wagtail's migrations create a placeholder "Welcome" page; replace it.
        for placeholder in tree_root.get_children().exact_type(Page):
            placeholder.delete()
        content = HOME_CONTENT["ja"]
        home = tree_root.add_child(instance=HomePage(slug="home", locale=default_locale, **content))
        home.save_revision().publish()

    if not home.has_translation(locales["en"]):
        with override("en"):
            translation = home.copy_for_translation(locales["en"])
            for field, value in HOME_CONTENT["en"].items():
                setattr(translation, field, value)
            translation.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            site_name=settings.WAGTAIL_SITE_NAME,
            root_page=home,
            is_default_site=True,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home
