"""Django's own strings whose translation in Django's catalogue is wrong for our residents.

Each msgid here is exactly Django's, so ``makemessages`` keeps it in our catalogue, and our
``locale/`` (first in ``LOCALE_PATHS``) answers before Django's own: every form that uses the
string (allauth's password forms, Wagtail's admin, any model form) says what is wrong.
"""

from django.utils.translation import gettext_noop

CORRECTED = [
    # Django's Japanese for this is 何か文字を入力してください ("enter some characters").
    gettext_noop("Null characters are not allowed."),
]
