"""The languages Manabi speaks, decided once for the whole platform.

Japanese is the default. The others are the languages most read by Komatsu's
foreign residents (PRODUCT.md). Django ships no locale data for Filipino, so its
entry is added to ``LANG_INFO`` here, which makes ``get_language_info("fil")``
and the language switcher work.
"""

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

LANGUAGES = [
    ("ja", _("Japanese")),
    ("en", _("English")),
    ("pt-br", _("Brazilian Portuguese")),
    ("vi", _("Vietnamese")),
    ("zh-hans", _("Simplified Chinese")),
    ("fil", _("Filipino")),
]

FILIPINO_LANG_INFO = {
    "bidi": False,
    "code": "fil",
    "name": "Filipino",
    "name_local": "Filipino",
}


def register_filipino():
    LANG_INFO.setdefault("fil", FILIPINO_LANG_INFO)


def fall_back_to_english():
    """Show untranslated strings in English, not Japanese, in the other languages.

    Django falls back to LANGUAGE_CODE (Japanese here) for every string a
    catalogue lacks. A resident reading Vietnamese or Portuguese is better
    served by the English source text, so for those languages the fallback
    becomes the English catalogue. Japanese and English are complete.

    Django has no public way to choose the fallback language: the proposed
    LANGUAGE_FALLBACK setting (ticket #28636) was never merged, ``translation()``
    already returns catalogues chained to Japanese (gettext's public
    ``add_fallback`` appends behind it, where English would never be reached),
    and LANGUAGE_CODE also decides the unprefixed URLs and Wagtail's default
    locale. So the one private hook, ``DjangoTranslation._add_fallback``, which
    Django calls once when it builds a catalogue, is replaced here; start-up
    fails loudly if a Django upgrade removes it, and
    tests/home/test_home_page.py checks the result.
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.translation import trans_real

    if not callable(getattr(trans_real.DjangoTranslation, "_add_fallback", None)):
        raise ImproperlyConfigured(
            "django.utils.translation.trans_real.DjangoTranslation._add_fallback is gone: "
            "update config.languages.fall_back_to_english for this Django version."
        )

    def add_english_fallback(translation_catalogue, localedirs=None):
        language = translation_catalogue.language()
        if language == settings.LANGUAGE_CODE or language.startswith("en"):
            return
        if translation_catalogue.domain == "django":
            english = trans_real.translation("en")
        else:
            english = trans_real.DjangoTranslation(
                "en", domain=translation_catalogue.domain, localedirs=localedirs
            )
        translation_catalogue.add_fallback(english)

    trans_real.DjangoTranslation._add_fallback = add_english_fallback
