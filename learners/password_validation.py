"""Password rules of our own, added to AUTH_PASSWORD_VALIDATORS."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

# Long enough for any passphrase or password manager; short enough that a
# 10,000-character "password" is refused instead of hashed and stored.
DEFAULT_MAXIMUM_PASSWORD_LENGTH = 128


class MaximumLengthValidator:
    """Refuse passwords longer than max_length characters."""

    def __init__(self, max_length=DEFAULT_MAXIMUM_PASSWORD_LENGTH):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d "
                    "character (it has %(length)d).",
                    "This password is too long. It must contain at most %(max_length)d "
                    "characters (it has %(length)d).",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length, "length": len(password)},
            )

    def get_help_text(self):
        return ngettext(
            "Your password can contain at most %(max_length)d character.",
            "Your password can contain at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}
