"""What a restored database must still hold: a manifest of the source, and the checks.

``manage.py verify_restore --write-manifest FILE`` runs :func:`build_manifest` on the
source; ``manage.py verify_restore --against FILE`` runs :func:`compare_with_manifest`
on the restored database (docs/backup-restore.md). The manifest holds:

- the row count of every table (every installed model's, and ``django_migrations``);
- the learning statements: how many, a SHA-256 over their sorted ids and one over
  everything stored of them;
- every badge award (its uuid, when it was issued, whether and when it was revoked),
  and the assertion a learner holds for it (what is baked into the badge's PNG)
  together with what checking that assertion said on the source;
- every file the database names in storage (file and image fields, and the files in
  each H5P package's and library's storage folder) with its size and SHA-256;
- the search indexes' size (for the record: the restored database's indexes are
  checked against what rebuilding them there makes, not against the source's, which
  may lag behind).

It lives in the shell: it reads every app's models.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, models
from django.utils import timezone
from wagtail.models import Page

from courses.models import H5PLibrary, H5PPackage
from home.management.progress import ProgressBar
from learners.models import BadgeAward, LearningStatement
from learners.open_badges import assertion_json, check_badge
from search.models import SearchDocument, SearchTerm

MANIFEST_FORMAT = 1
CHUNK_SIZE = 2000
# Tables of Wagtail's admin search index: which ones exist depends on the database
# (SQLite keeps a full-text table beside the entries). They are rebuilt after a
# restore (``update_index``) and checked by their entries, under "search index".
SEARCH_INDEX_TABLE_PREFIX = "wagtailsearch_indexentry"
SITE_SEARCH_TABLES = {SearchDocument._meta.db_table, SearchTerm._meta.db_table}


@dataclass
class CheckResult:
    """One check's outcome: its name, whether it passed, and what differs."""

    name: str
    problems: list = field(default_factory=list)
    summary: str = ""

    @property
    def passed(self):
        return not self.problems


def _isoformat(moment):
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def counted_tables():
    """Every table whose rows are counted, by name: each installed model's (many-to-many
    tables included) and ``django_migrations``, without the search index tables."""
    tables = {"django_migrations"}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return sorted(
        table
        for table in tables & existing
        if not table.startswith(SEARCH_INDEX_TABLE_PREFIX) and table not in SITE_SEARCH_TABLES
    )


def count_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


# Everything stored of a statement, column by column (the model's own field list).
STATEMENT_FIELDS = tuple(field.attname for field in LearningStatement._meta.concrete_fields)


def _statement_text(row):
    """One statement's stored values as text that is the same on every database
    (moments in UTC to the microsecond, the JSON with its keys sorted)."""
    values = [_isoformat(value) if isinstance(value, datetime.datetime) else value for value in row]
    return json.dumps(values, default=str, ensure_ascii=False, sort_keys=True)


def statement_digest(stdout):
    """How many statements there are, a SHA-256 over their ids in order, and one over
    everything stored of them (who, verb, activity, result, moments, the JSON)."""
    rows = LearningStatement.objects.order_by("id").values_list(*STATEMENT_FIELDS)
    progress = ProgressBar(stdout, "statements", rows.count())
    ids, contents = hashlib.sha256(), hashlib.sha256()
    count = 0
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        ids.update(f"{row[0]}\n".encode())
        contents.update(_statement_text(row).encode() + b"\n")
        count += 1
        if count % CHUNK_SIZE == 0:
            progress.advance(CHUNK_SIZE)
    progress.advance(count % CHUNK_SIZE)
    progress.finish()
    return {"count": count, "sha256": ids.hexdigest(), "content_sha256": contents.hexdigest()}


def badge_outcome(result):
    if result.valid:
        return "valid"
    if result.revoked:
        return "revoked"
    return "not valid"


def award_records(stdout):
    """Per award (by uuid): its stored dates, the assertion baked into its picture and
    what checking that assertion says here."""
    awards = BadgeAward.objects.select_related("badge").order_by("uuid")
    progress = ProgressBar(stdout, "badge awards", awards.count())
    records = {}
    for award in awards.iterator(chunk_size=CHUNK_SIZE):
        assertion = assertion_json(award)
        records[str(award.uuid)] = {
            "issued_on": _isoformat(award.issued_on),
            "revoked_at": _isoformat(award.revoked_at),
            "assertion": assertion,
            "outcome": badge_outcome(check_badge(assertion)),
        }
        progress.advance()
    progress.finish()
    return records


def _files_in_folder(storage, folder):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _files_in_folder(storage, f"{folder}/{directory}")


def referenced_files():
    """(storage, name) of every file the database names: the values of every file and
    image field, and every file in an H5P package's or library's storage folder."""
    found = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names = (
                    model._default_manager.exclude(**{model_field.name: ""})
                    .exclude(**{f"{model_field.name}__isnull": True})
                    .order_by()
                    .values_list(model_field.name, flat=True)
                    .distinct()
                )
                found.extend((model_field.storage, name) for name in names)
    for model in (H5PLibrary, H5PPackage):
        for folder in model.objects.order_by("storage_folder").values_list(
            "storage_folder", flat=True
        ):
            # Listed, not asked whether it exists: object stores (S3) have no folders.
            try:
                names = list(_files_in_folder(default_storage, folder))
            except FileNotFoundError:
                names = []
            if names:
                found.extend((default_storage, name) for name in names)
            else:
                # A folder the database names but storage lacks: recorded as missing.
                found.append((default_storage, f"{folder}/"))
    return sorted(set(found), key=lambda pair: pair[1])


def file_record(storage, name, *, checksums):
    if name.endswith("/") or not storage.exists(name):
        return None
    record = {"size": storage.size(name)}
    if checksums:
        digest = hashlib.sha256()
        with storage.open(name, "rb") as stored:
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                digest.update(chunk)
        record["sha256"] = digest.hexdigest()
    return record


def file_records(stdout, *, checksums):
    files = referenced_files()
    progress = ProgressBar(stdout, "stored files", len(files))
    records = {}
    for storage, name in files:
        records[name] = file_record(storage, name, checksums=checksums)
        progress.advance()
    progress.finish()
    return records


def indexable_page_ids():
    """The live pages a rebuild puts in the site search: those whose type has
    ``search_text()`` (search.services.index_page)."""
    from django.contrib.contenttypes.models import ContentType

    searchable_types = {
        content_type.pk
        for content_type in ContentType.objects.filter(pk__in=Page.objects.values("content_type"))
        if callable(getattr(content_type.model_class(), "search_text", None))
    }
    return set(
        Page.objects.live().filter(content_type__in=searchable_types).values_list("pk", flat=True)
    )


def admin_search_expected():
    """Entries a rebuild of Wagtail's admin search index (``update_index``) makes, by
    model: one per object each indexed model offers for indexing."""
    from wagtail.search.index import get_indexed_models

    return {
        model._meta.label: model.get_indexed_objects().count() for model in get_indexed_models()
    }


def search_index_state():
    from wagtail.search.models import IndexEntry

    return {
        "site_search_pages": SearchDocument.objects.count(),
        "site_search_terms": SearchTerm.objects.count(),
        "admin_search_entries": IndexEntry.objects.count(),
    }


def build_manifest(stdout, *, checksums=True):
    """Everything a restore of this database must give back (see the module's text)."""
    tables = counted_tables()
    progress = ProgressBar(stdout, "tables", len(tables))
    counts = {}
    for table in tables:
        counts[table] = count_rows(table)
        progress.advance()
    progress.finish()
    return {
        "format": MANIFEST_FORMAT,
        "written_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "base_url": settings.MANABI_BASE_URL,
        "tables": counts,
        "statements": statement_digest(stdout),
        "awards": award_records(stdout),
        "files": file_records(stdout, checksums=checksums),
        "search": search_index_state(),
    }


def write_manifest(manifest, path):
    with open(path, "w", encoding="utf-8") as output:
        json.dump(manifest, output, ensure_ascii=False, indent=1, sort_keys=True)


def read_manifest(path):
    with open(path, encoding="utf-8") as source:
        manifest = json.load(source)
    if manifest.get("format") != MANIFEST_FORMAT:
        raise ValueError(
            f"{path} is not a manifest this version can read "
            f"(format {manifest.get('format')!r}, expected {MANIFEST_FORMAT})."
        )
    return manifest


def compare_tables(expected, stdout):
    result = CheckResult("Row counts per table")
    here = set(counted_tables())
    progress = ProgressBar(stdout, "tables", len(expected))
    for table, count in sorted(expected.items()):
        progress.advance()
        if table not in here:
            result.problems.append(f"table {table} is missing ({count} rows in the source)")
            continue
        found = count_rows(table)
        if found != count:
            difference = found - count
            result.problems.append(
                f"table {table}: {found} rows here, {count} in the source "
                f"({abs(difference)} {'more' if difference > 0 else 'fewer'})"
            )
    progress.finish()
    for table in sorted(here - expected.keys()):
        result.problems.append(f"table {table} is here but not in the source's manifest")
    result.summary = f"{len(expected)} tables compared"
    return result


def compare_statements(expected, stdout):
    result = CheckResult("Learning statements")
    found = statement_digest(stdout)
    if found["count"] != expected["count"]:
        difference = expected["count"] - found["count"]
        result.problems.append(
            f"{found['count']} statements here, {expected['count']} in the source "
            f"({abs(difference)} {'missing' if difference > 0 else 'more than the source'})"
        )
    elif found["sha256"] != expected["sha256"]:
        result.problems.append(
            f"the same number of statements ({found['count']}) but different ids"
        )
    elif found["content_sha256"] != expected["content_sha256"]:
        result.problems.append(
            f"the same {found['count']} statements, but what is stored of them differs "
            "(who, verb, activity, result, moments or the statement's JSON)"
        )
    result.summary = f"{found['count']} statements"
    return result


def compare_awards(expected, stdout):
    result = CheckResult("Badge awards and baked badges")
    found = award_records(stdout)
    for uuid in sorted(expected.keys() - found.keys()):
        result.problems.append(f"award {uuid} is missing")
    for uuid in sorted(found.keys() - expected.keys()):
        result.problems.append(f"award {uuid} is here but not in the source")
    valid = 0
    for uuid in sorted(expected.keys() & found.keys()):
        source, here = expected[uuid], found[uuid]
        for stored in ("issued_on", "revoked_at"):
            if source[stored] != here[stored]:
                result.problems.append(
                    f"award {uuid}: {stored} is {here[stored]} here, {source[stored]} in the source"
                )
        # The assertion the learner holds (baked on the source), checked here.
        outcome = badge_outcome(check_badge(source["assertion"]))
        if outcome != source["outcome"]:
            result.problems.append(
                f"award {uuid}: its baked badge is {outcome} here, {source['outcome']} "
                "in the source"
            )
        elif outcome == "valid":
            valid += 1
    result.summary = f"{len(found)} awards, {valid} baked badges still valid"
    return result


def compare_files(expected, stdout):
    result = CheckResult("Files in storage")
    found = file_records(stdout, checksums=any(r and "sha256" in r for r in expected.values()))
    for name, source in sorted(expected.items()):
        if source is None:
            continue  # already missing in the source: reported when the manifest was written
        if name in found:
            here = found[name]
        else:  # no longer named here (a row is missing): the file must still be stored
            here = file_record(default_storage, name, checksums="sha256" in source)
        if here is None:
            result.problems.append(f"missing from storage: {name}")
        elif here["size"] != source["size"]:
            result.problems.append(
                f"{name}: {here['size']} bytes here, {source['size']} in the source"
            )
        elif "sha256" in source and here.get("sha256") != source["sha256"]:
            result.problems.append(f"{name}: same size, different content (SHA-256)")
    for name in sorted(name for name, record in found.items() if record is None):
        if name not in expected:  # those in the source's manifest are reported above
            result.problems.append(f"named in the database but missing from storage: {name}")
    result.summary = f"{sum(1 for r in expected.values() if r)} files"
    return result


def compare_search():
    """Whether the search indexes hold what a rebuild here makes. They are not compared
    with the source: its index may lag behind (Wagtail's is updated by the worker)."""
    from wagtail.search.models import IndexEntry

    result = CheckResult("Search index")
    wanted = indexable_page_ids()
    indexed = set(SearchDocument.objects.values_list("page_id", flat=True))
    if wanted - indexed:
        result.problems.append(
            f"{len(wanted - indexed)} of {len(wanted)} live pages are not in the site search"
        )
    if indexed - wanted:
        result.problems.append(
            f"{len(indexed - wanted)} pages in the site search are not live searchable pages"
        )
    without_terms = SearchDocument.objects.filter(terms__isnull=True).count()
    if without_terms:
        result.problems.append(f"{without_terms} pages in the site search have no terms")
    expected_entries = sum(admin_search_expected().values())
    entries = IndexEntry.objects.count()
    if entries != expected_entries:
        result.problems.append(
            f"{entries} entries in the admin search (Wagtail) here, "
            f"{expected_entries} objects to index"
        )
    if result.problems:
        result.problems.append(
            "rebuild it: manage.py rebuild_search_index, then manage.py update_index"
        )
    result.summary = f"{len(indexed)} pages in the site search, {entries} admin search entries"
    return result


def compare_with_manifest(manifest, stdout):
    """Every check of this database against the source's manifest, in order."""
    results = []
    if manifest["base_url"] != settings.MANABI_BASE_URL:
        results.append(
            CheckResult(
                "Settings",
                [
                    f"MANABI_BASE_URL is {settings.MANABI_BASE_URL} here, "
                    f"{manifest['base_url']} in the source: badges and xAPI ids would change"
                ],
            )
        )
    results.append(compare_tables(manifest["tables"], stdout))
    results.append(compare_statements(manifest["statements"], stdout))
    results.append(compare_awards(manifest["awards"], stdout))
    results.append(compare_files(manifest["files"], stdout))
    results.append(compare_search())
    return results
