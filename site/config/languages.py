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
