"""Django's JSON serialization, able to dump natural keys of a Wagtail site.

``dumpdata --natural-foreign`` writes a relation as the related row's natural key,
and so reads that row. Wagtail keeps some relations without a database constraint on
purpose, so that history outlives what it describes: the log entry of a deleted page
(``wagtailcore.PageLogEntry.page``) still names the page's id. Every Manabi database
has one (the migrations' placeholder page, deleted when the home page is set up), and
Django's serializer stops at it ("Page matching query does not exist").

This serializer writes such a dangling relation as the plain id it holds, exactly as
it is stored: Django's deserializer loads an id as an id, so the log entry comes back
as it was.

It also writes moments (and times of day) to the microsecond, as the database holds
them: Django's encoder cuts them to the millisecond (what JavaScript's dates keep), so
a restore would change every stored moment with a finer fraction, a revocation's or a
statement's. Django's deserializer reads either.

Everything else is Django's JSON format unchanged (settings: ``SERIALIZATION_MODULES``;
see docs/backup-restore.md).
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import (
    Deserializer,  # noqa: F401 (the format's loader)
    DjangoJSONEncoder,
)
from django.utils.timezone import is_aware


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, with datetimes and times to the microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            if is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        if self.json_kwargs.get("cls") is DjangoJSONEncoder:
            self.json_kwargs["cls"] = ExactJSONEncoder

    def handle_fk_field(self, obj, field):
        if self.use_natural_foreign_keys and hasattr(field.remote_field.model, "natural_key"):
            try:
                getattr(obj, field.name)
            except field.remote_field.model.DoesNotExist:
                # Only a relation without a database constraint can point nowhere.
                self._current[field.name] = self._value_from_field(obj, field)
                return
        super().handle_fk_field(obj, field)
