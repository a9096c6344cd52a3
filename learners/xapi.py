"""xAPI 1.0.3 statements: validation and the values progress needs.

``validate_statement`` checks one statement as the specification's Learning
Record Store rules require (the parts a learning platform meets: actor, verb,
object, result, context, timestamp; no attachments) and raises
``StatementInvalid`` naming the property and what is wrong, in the learner's
language. ``read_statement`` then gives the indexed values.

(Past 400 lines on purpose: the whole statement contract in one place, including what
both databases can store and give back.)
"""

import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

SUPPORTED_VERSION = "1.0.3"
VERSION_HEADER = "X-Experience-API-Version"
VERSION_PATTERN = re.compile(r"^1\.0(\.\d+)?$")

STATEMENT_PROPERTIES = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
RESULT_PROPERTIES = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_PROPERTIES = {"scaled", "raw", "min", "max"}
CONTEXT_PROPERTIES = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_ACTIVITY_KINDS = {"parent", "grouping", "category", "other"}
OBJECT_TYPES = {"Activity", "Agent", "Group", "StatementRef", "SubStatement"}
AGENT_IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")

# A scheme, a colon and no white space: an absolute IRI as RFC 3987 means it.
IRI_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
DURATION_PATTERN = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
LANGUAGE_TAG_PATTERN = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")

# What a statement may hold so that both SQLite and PostgreSQL store it and give it back
# readable (by Python, by dumpdata, by every page that shows it).
MAX_DEPTH = 32  # objects and lists, counting the statement itself
MAX_INTEGER_DIGITS = 30
INTEGER_LIMIT = 10**MAX_INTEGER_DIGITS
# A lone surrogate cannot be encoded as UTF-8 at all (and NUL is not text in PostgreSQL).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Schemes that run or embed something when followed: an activity id must never be one.
FORBIDDEN_SCHEMES = {"javascript", "data", "vbscript", "file"}
# A day inside Python's datetime range on either side, so that the moment can still be
# shown in any time zone (UTC-12 to UTC+14) without leaving the years 1 to 9999.
EARLIEST_TIMESTAMP = datetime(1, 1, 2, tzinfo=UTC)
LATEST_TIMESTAMP = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


class StatementInvalid(ValueError):
    """A statement breaks a rule of xAPI 1.0.3; ``str()`` says which and where."""


class UnstorableNumber:
    """A JSON number no database column can hold (NaN, Infinity, a huge integer), kept by
    ``parse_json`` as this marker so that the validation can name the property it is in."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def _parse_int(text):
    # Never int() a long run of digits: Python refuses past 4,300 and the work is quadratic.
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return UnstorableNumber(text)
    return int(text)


def parse_json(body):
    """``json.loads`` for statements: NaN, Infinity and huge integers become markers that
    ``validate_statement`` refuses. Raises ``ValueError`` (``json.JSONDecodeError``) for
    text that is not JSON and ``RecursionError`` for nesting beyond what the parser takes."""
    return json.loads(body, parse_int=_parse_int, parse_constant=UnstorableNumber)


@dataclass(frozen=True)
class StatementValues:
    verb_id: str
    object_id: str
    is_root: bool
    score_scaled: float | None
    success: bool | None
    completion: bool | None
    timestamp: object  # an aware datetime, or None when the statement gave none


def _fail(where, message):
    raise StatementInvalid(f"{where}: {message}")


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _require_object(value, where):
    if not isinstance(value, dict):
        _fail(where, _("must be a JSON object"))


def _refuse_unknown(value, allowed, where):
    unknown = sorted(set(value) - allowed)
    if unknown:
        _fail(where, _("unknown property “%(name)s”") % {"name": unknown[0]})


def _require_iri(value, where):
    if not isinstance(value, str) or not IRI_PATTERN.match(value):
        _fail(where, _("must be an IRI (an absolute address such as https://…)"))
    scheme = value.split(":", 1)[0].lower()
    if scheme in FORBIDDEN_SCHEMES:
        _fail(where, _("must not use the “%(scheme)s:” scheme") % {"scheme": scheme})


def _require_uuid(value, where):
    if not isinstance(value, str):
        _fail(where, _("must be a UUID"))
    try:
        uuid.UUID(value)
    except ValueError:
        _fail(where, _("must be a UUID"))


def _check_language_map(value, where):
    _require_object(value, where)
    for tag, text in value.items():
        if not LANGUAGE_TAG_PATTERN.match(tag) or not isinstance(text, str):
            _fail(where, _("must map language tags to text"))


def _check_extensions(value, where):
    _require_object(value, where)
    for key in value:
        _require_iri(key, f"{where}.{key}")


def _check_agent(value, where, *, group_member=False):
    _require_object(value, where)
    object_type = value.get("objectType", "Agent")
    if object_type not in ("Agent", "Group") or (group_member and object_type != "Agent"):
        _fail(where, _("must be an Agent or a Group"))
    identifiers = [name for name in AGENT_IDENTIFIERS if name in value]
    if len(identifiers) > 1:
        _fail(where, _("must have exactly one identifier"))
    if not identifiers and object_type == "Agent":
        _fail(where, _("needs an identifier (mbox, mbox_sha1sum, openid or account)"))
    if "mbox" in value and not (
        isinstance(value["mbox"], str) and value["mbox"].startswith("mailto:")
    ):
        _fail(f"{where}.mbox", _("must be a mailto: address"))
    if "account" in value:
        account = value["account"]
        _require_object(account, f"{where}.account")
        _require_iri(account.get("homePage"), f"{where}.account.homePage")
        if not isinstance(account.get("name"), str) or not account["name"]:
            _fail(f"{where}.account.name", _("must be text"))
    if object_type == "Group":
        members = value.get("member", [])
        if not isinstance(members, list):
            _fail(f"{where}.member", _("must be a list"))
        if not identifiers and not members:
            _fail(where, _("an anonymous group needs members"))
        for index, member in enumerate(members):
            _check_agent(member, f"{where}.member[{index}]", group_member=True)


def _check_verb(value):
    if value is None:
        _fail("verb", _("is required"))
    _require_object(value, "verb")
    _refuse_unknown(value, {"id", "display"}, "verb")
    _require_iri(value.get("id"), "verb.id")
    if "display" in value:
        _check_language_map(value["display"], "verb.display")


def _check_activity(value, where):
    _require_object(value, where)
    _refuse_unknown(value, {"objectType", "id", "definition"}, where)
    _require_iri(value.get("id"), f"{where}.id")
    definition = value.get("definition")
    if definition is not None:
        _require_object(definition, f"{where}.definition")
        for name in ("name", "description"):
            if name in definition:
                _check_language_map(definition[name], f"{where}.definition.{name}")
        if "type" in definition:
            _require_iri(definition["type"], f"{where}.definition.type")
        if "moreInfo" in definition:
            _require_iri(definition["moreInfo"], f"{where}.definition.moreInfo")
        if "extensions" in definition:
            _check_extensions(definition["extensions"], f"{where}.definition.extensions")


def _check_object(value, *, inside_substatement=False):
    if value is None:
        _fail("object", _("is required"))
    _require_object(value, "object")
    object_type = value.get("objectType", "Activity")
    if object_type not in OBJECT_TYPES:
        _fail("object.objectType", _("is not a known object type"))
    if object_type == "Activity":
        _check_activity(value, "object")
    elif object_type in ("Agent", "Group"):
        _check_agent(value, "object")
    elif object_type == "StatementRef":
        _require_uuid(value.get("id"), "object.id")
    else:
        if inside_substatement:
            _fail("object", _("a SubStatement cannot contain another SubStatement"))
        for forbidden in ("id", "stored", "version", "authority"):
            if forbidden in value:
                _fail(f"object.{forbidden}", _("is not allowed in a SubStatement"))
        _check_agent(value.get("actor"), "object.actor")
        _check_verb(value.get("verb"))
        _check_object(value.get("object"), inside_substatement=True)
        if "timestamp" in value:
            _parse_timestamp(value["timestamp"], "object.timestamp")


def _check_score(score):
    _require_object(score, "result.score")
    _refuse_unknown(score, SCORE_PROPERTIES, "result.score")
    for name in SCORE_PROPERTIES & set(score):
        if not _is_number(score[name]):
            _fail(f"result.score.{name}", _("must be a number"))
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        _fail("result.score.scaled", _("must be between -1 and 1"))
    minimum, maximum, raw = score.get("min"), score.get("max"), score.get("raw")
    if minimum is not None and maximum is not None and not minimum < maximum:
        _fail("result.score.min", _("must be less than max"))
    if raw is not None:
        if minimum is not None and raw < minimum:
            _fail("result.score.raw", _("must not be less than min"))
        if maximum is not None and raw > maximum:
            _fail("result.score.raw", _("must not be more than max"))


def _check_result(value):
    _require_object(value, "result")
    _refuse_unknown(value, RESULT_PROPERTIES, "result")
    if "score" in value:
        _check_score(value["score"])
    for name in ("success", "completion"):
        if name in value and not isinstance(value[name], bool):
            _fail(f"result.{name}", _("must be true or false"))
    if "response" in value and not isinstance(value["response"], str):
        _fail("result.response", _("must be text"))
    if "duration" in value and not (
        isinstance(value["duration"], str) and DURATION_PATTERN.match(value["duration"])
    ):
        _fail("result.duration", _("must be an ISO 8601 duration such as PT1M30S"))
    if "extensions" in value:
        _check_extensions(value["extensions"], "result.extensions")


def _check_context(value):
    _require_object(value, "context")
    _refuse_unknown(value, CONTEXT_PROPERTIES, "context")
    if "registration" in value:
        _require_uuid(value["registration"], "context.registration")
    for name in ("instructor", "team"):
        if name in value:
            _check_agent(value[name], f"context.{name}")
    activities = value.get("contextActivities")
    if activities is not None:
        _require_object(activities, "context.contextActivities")
        _refuse_unknown(activities, CONTEXT_ACTIVITY_KINDS, "context.contextActivities")
        for kind, listed in activities.items():
            for index, activity in enumerate(listed if isinstance(listed, list) else [listed]):
                _check_activity(activity, f"context.contextActivities.{kind}[{index}]")
    for name in ("revision", "platform", "language"):
        if name in value and not isinstance(value[name], str):
            _fail(f"context.{name}", _("must be text"))
    if "statement" in value:
        _require_object(value["statement"], "context.statement")
        _require_uuid(value["statement"].get("id"), "context.statement.id")
    if "extensions" in value:
        _check_extensions(value["extensions"], "context.extensions")


def _parse_timestamp(value, where):
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible, such as month 13
        parsed = None
    if parsed is None:
        _fail(where, _("must be an ISO 8601 date and time"))
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        in_range = EARLIEST_TIMESTAMP <= parsed.astimezone(UTC) <= LATEST_TIMESTAMP
    except OverflowError:  # its UTC value leaves the years 1 to 9999
        in_range = False
    if not in_range:
        _fail(
            where,
            _("must be between %(earliest)s and %(latest)s (UTC)")
            % {"earliest": "0001-01-02", "latest": "9999-12-30"},
        )
    return parsed


def _text_fault(text):
    """Why ``text`` cannot be stored, or None (fast for the usual ASCII text)."""
    if "\x00" in text:
        return _("must not contain a NUL character")
    if not text.isascii() and LONE_SURROGATE.search(text):
        return _("must not contain a lone surrogate (half of a UTF-16 pair)")
    return None


def _number_fault(value):
    """Why a JSON scalar other than text cannot be stored, or None: NaN and Infinity (markers
    from ``parse_json``, or floats from another caller) and integers longer than
    MAX_INTEGER_DIGITS."""
    if isinstance(value, UnstorableNumber):
        if not value.text.lstrip("-").isdigit():  # NaN, Infinity or -Infinity
            return _("must be a finite number (not NaN or Infinity)")
    elif isinstance(value, float):
        if math.isfinite(value):  # 1e400 is parsed as Infinity
            return None
        return _("must be a finite number (not NaN or Infinity)")
    elif not isinstance(value, int) or -INTEGER_LIMIT < value < INTEGER_LIMIT:
        return None
    return _("must be a number of at most %(digits)d digits") % {"digits": MAX_INTEGER_DIGITS}


def _path_text(path):
    """ "statement.result.extensions.https://…[0]" from the (parent, key) chain of the walk."""
    names = []
    while path is not None:
        path, key = path
        names.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "statement" + "".join(reversed(names))


def _refuse_unstorable(statement):
    """Refuse what a database cannot store and give back: NUL characters and lone
    surrogates (in keys too), NaN, Infinity, huge integers, nesting deeper than MAX_DEPTH.
    Iterative, so that no nesting can exhaust Python's stack; a path is only spelled out
    to name a fault, since this runs for every statement stored."""
    pending = [(statement, None, 1)]  # (object or list, its path as (parent, key), depth)
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            limit = {"limit": MAX_DEPTH}
            _fail(_path_text(path), _("is nested more than %(limit)d levels deep") % limit)
        is_object = isinstance(value, dict)
        nested = []
        for key, item in value.items() if is_object else enumerate(value):
            # The usual ASCII text without NUL is decided here, without a call.
            if is_object and not (type(key) is str and key.isascii() and "\x00" not in key):
                if fault := _text_fault(key):
                    _fail(_path_text(path), fault)
            kind = type(item)
            if kind is str:
                if item.isascii() and "\x00" not in item:
                    continue
                fault = _text_fault(item)
            elif kind is dict or kind is list or isinstance(item, dict | list):
                nested.append((item, (path, key), depth + 1))
                continue
            elif kind is bool or kind is type(None):
                continue
            elif isinstance(item, str):
                fault = _text_fault(item)
            else:
                fault = _number_fault(item)
            if fault:
                _fail(_path_text((path, key)), fault)
        if nested:
            pending.extend(reversed(nested))


def validate_statement(statement):
    """Check one statement; raise StatementInvalid saying what is wrong."""
    if not isinstance(statement, dict):
        _fail("statement", _("must be a JSON object"))
    _refuse_unstorable(statement)
    _refuse_unknown(statement, STATEMENT_PROPERTIES, "statement")
    if "attachments" in statement:
        _fail("attachments", _("are not accepted by this service"))
    if "id" in statement:
        _require_uuid(statement["id"], "id")
    if "actor" not in statement:
        _fail("actor", _("is required"))
    _check_agent(statement["actor"], "actor")
    _check_verb(statement.get("verb"))
    _check_object(statement.get("object"))
    if "result" in statement:
        _check_result(statement["result"])
    if "context" in statement:
        _check_context(statement["context"])
    if "timestamp" in statement:
        _parse_timestamp(statement["timestamp"], "timestamp")
    if "version" in statement and not (
        isinstance(statement["version"], str) and VERSION_PATTERN.match(statement["version"])
    ):
        _fail("version", _("must be a 1.0.x version"))


def read_statement(statement):
    """The values progress needs from a statement that passed ``validate_statement``."""
    result = statement.get("result") or {}
    score = result.get("score") or {}
    scaled = score.get("scaled")
    if scaled is None and _is_number(score.get("raw")) and _is_number(score.get("max")):
        minimum = score.get("min", 0)
        if score["max"] > minimum:
            scaled = (score["raw"] - minimum) / (score["max"] - minimum)
    parents = ((statement.get("context") or {}).get("contextActivities") or {}).get("parent")
    timestamp = statement.get("timestamp")
    return StatementValues(
        verb_id=statement["verb"]["id"],
        object_id=statement["object"].get("id") or "",
        is_root=not parents,
        score_scaled=float(scaled) if scaled is not None else None,
        success=result.get("success"),
        completion=result.get("completion"),
        timestamp=_parse_timestamp(timestamp, "timestamp") if timestamp else None,
    )


def same_statement(stored, incoming):
    """Whether a retried statement says the same as the stored one (xAPI's "same content").

    What the service adds (``stored``, ``authority``, a missing ``timestamp``) is not compared.
    """

    def comparable(statement, keep_timestamp):
        ignored = {"stored", "authority", "version"} | (set() if keep_timestamp else {"timestamp"})
        return {key: value for key, value in statement.items() if key not in ignored}

    keep_timestamp = "timestamp" in incoming
    return comparable(stored, keep_timestamp) == comparable(incoming, keep_timestamp)
