"""Backups restore (docs/backup-restore.md): each documented procedure gives back every
statement, award and stored file, and every baked badge is still valid afterwards.

The source is a small real site: two real H5P packages imported as an upload is, a
badge with an uploaded picture, learners who answered and completed the course (so
statements and awards), a revoked award, and a deleted page whose log entries stay.
``verify_restore --against`` checks the restored database against the source's
manifest; the baked badges, downloaded from the source, are checked there too.
"""

import datetime
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry

from courses.activity_ids import block_activity_iri
from courses.h5p.services import import_h5p_package
from learners.models import BadgeAward, LearningStatement
from learners.open_badges import baked_assertion, check_badge
from learners.services.badges import revoke_badge
from learners.services.statements import record_statements
from tests.courses.h5p_packages import FIXTURES
from tests.factories import make_course, make_course_badge, make_learner
from tests.learning import EXPERIENCED, answer, h5p, lessons_of, reach_end, statement

ROOT = Path(__file__).resolve().parents[2]
# What docs/backup-restore.md tells the operator to dump (the search indexes are
# rebuilt after a restore, so they are not in the backup).
DUMP_OPTIONS = {"natural_foreign": True, "exclude": ["wagtailsearch", "search"]}


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def a_site_with_learning_records(client):
    """A course of two real H5P packages, learners who finished it (statements, awards,
    baked badges), a revoked award and a deleted page; returns the baked badges."""
    quiz = import_h5p_package(FIXTURES / "multichoice-1.16.h5p")
    reading = import_h5p_package(FIXTURES / "accordion-1.0.h5p")
    course = make_course(lessons=[("木場潟クイズ", [h5p(quiz)]), ("読みもの", [h5p(reading)])])
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), "#26bde2").save(picture, format="PNG")
    make_course_badge(
        course,
        image=get_image_model().objects.create(
            title="木場潟", file=ContentFile(picture.getvalue(), name="kibagata.png")
        ),
    )
    first, second = lessons_of(course)
    for number in range(3):
        learner = make_learner(f"restore-learner-{number}")
        answer(learner, first, 0.8)
        reach_end(learner, first)
        reading_block = second.body[0]
        record_statements(learner, [statement(EXPERIENCED, block_activity_iri(reading_block.id))])
        reach_end(learner, second)
    baked = {}
    for award in BadgeAward.objects.select_related("user"):
        client.force_login(award.user)
        response = client.get(f"/me/badges/{award.uuid}/badge.png")
        assert response.status_code == 200
        baked[award.uuid] = response.content
    client.logout()
    revoked = BadgeAward.objects.order_by("uuid").first()
    revoke_badge(revoked, reason="同じ講座で二重に授与されました", acting_user=None)
    # Wagtail keeps the log entries of a deleted page, pointing at its id.
    make_course(title="消える講座").delete()
    assert PageLogEntry.objects.exclude(page_id__in=Page.objects.values("pk")).exists()
    assert LearningStatement.objects.count() >= 9 and len(baked) == 3
    return baked, revoked.uuid


def rebuild_search_indexes():
    call_command("rebuild_search_index", verbosity=0, stdout=io.StringIO())
    call_command("update_index", verbosity=0, stdout=io.StringIO())


def verify(manifest):
    """verify_restore --against, in this process: (exit status, what it printed)."""
    out = io.StringIO()
    try:
        call_command("verify_restore", against=str(manifest), stdout=out, stderr=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def assert_baked_badges_check_here(baked, revoked_uuid):
    for uuid, png in baked.items():
        outcome = check_badge(baked_assertion(png))
        if uuid == revoked_uuid:
            assert outcome.revoked and not outcome.valid
        else:
            assert outcome.valid, outcome.message


def manage_py(tmp_path, database_url, *arguments):
    """manage.py as an operator runs it on the restored database, with this test's media
    folder (a settings module of the test settings with MEDIA_ROOT pointed at it)."""
    module = tmp_path / "restored_site_settings.py"
    if not module.exists():
        module.write_text(
            "from config.settings.test import *  # noqa: F403\n"
            f"MEDIA_ROOT = {str(settings.MEDIA_ROOT)!r}\n"
        )
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "restored_site_settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": f"{tmp_path}:{ROOT}:{ROOT / 'site'}",
    }
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def verify_in_a_new_process(tmp_path, database_url, manifest):
    for command in (["migrate", "--check"], ["rebuild_search_index"], ["update_index"]):
        done = manage_py(tmp_path, database_url, *command)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return manage_py(tmp_path, database_url, "verify_restore", "--against", str(manifest))


@pytest.mark.django_db(transaction=True)
def test_dumpdata_then_load_backup_into_a_migrated_database_gives_everything_back(
    client, reference_data, tmp_path
):
    baked, revoked_uuid = a_site_with_learning_records(client)
    manifest, backup = tmp_path / "manifest.json", tmp_path / "backup.json.gz"
    call_command("verify_restore", write_manifest=str(manifest), stdout=io.StringIO())
    # dumpdata --natural-foreign: a log entry of the deleted page names no page to
    # give a natural key of; it is written as the id it holds.
    call_command("dumpdata", output=str(backup), verbosity=0, **DUMP_OPTIONS)

    # A freshly migrated database: everything emptied, then the post-migrate set-up
    # (root page, home pages, site, collection, role groups, reference data) again.
    call_command("flush", interactive=False, verbosity=0)
    assert not LearningStatement.objects.exists()
    call_command("load_backup", str(backup), interactive=False, stdout=io.StringIO())
    rebuild_search_indexes()

    status, report = verify(manifest)
    assert status == 0, report
    assert "Row counts per table" in report and "The restored database matches" in report
    assert_baked_badges_check_here(baked, revoked_uuid)

    # A statement whose moment lost a microsecond is a difference ...
    changed = LearningStatement.objects.order_by("id").first()
    LearningStatement.objects.filter(pk=changed.pk).update(
        timestamp=changed.timestamp + datetime.timedelta(microseconds=1)
    )
    status, report = verify(manifest)
    assert status == 1
    assert "the same 12 statements, but what is stored of them differs" in report

    # ... and a restore that lost a statement and a stored file is reported, by name.
    changed.delete()
    lost = next(name for name in baked_and_stored_names() if name.endswith("content.json"))
    (Path(settings.MEDIA_ROOT) / lost).unlink()
    status, report = verify(manifest)
    assert status == 1
    assert "FAILED  Learning statements" in report and "1 missing" in report
    assert "table learners_learningstatement" in report
    assert f"missing from storage: {lost}" in report
    assert "OK      Badge awards and baked badges" in report


def baked_and_stored_names():
    from home.restore_checks import referenced_files

    return [name for _storage, name in referenced_files()]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump and pg_restore need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_into_a_new_database_gives_everything_back(
    client, reference_data, tmp_path
):
    import psycopg
    from psycopg import sql

    a_site_with_learning_records(client)
    manifest, dump = tmp_path / "manifest.json", tmp_path / "manabi.dump"
    call_command("verify_restore", write_manifest=str(manifest), stdout=io.StringIO())

    source = connection.settings_dict
    server = urlsplit(f"postgres://{source['USER']}@{source['HOST']}:{source['PORT']}/")
    restored_name = f"{source['NAME']}_restored"
    restored_url = urlunsplit(server._replace(path=f"/{restored_name}"))
    pg = {"PGHOST": source["HOST"], "PGPORT": str(source["PORT"]), "PGUSER": source["USER"]}
    admin = psycopg.connect(urlunsplit(server._replace(path="/postgres")), autocommit=True)
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restored_name))
    admin.execute(drop)
    try:
        run = {"env": {**os.environ, **pg}, "capture_output": True, "text": True, "check": True}
        subprocess.run(  # noqa: S603
            [shutil.which("pg_dump"), "-Fc", "-f", str(dump), source["NAME"]], **run
        )
        subprocess.run([shutil.which("createdb"), restored_name], **run)  # noqa: S603
        subprocess.run(  # noqa: S603
            [
                shutil.which("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "-d",
                restored_name,
                str(dump),
            ],
            **run,
        )
        done = verify_in_a_new_process(tmp_path, restored_url, manifest)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
        assert "The restored database matches its source." in done.stdout
        assert "3 awards, 2 baked badges still valid" in done.stdout
    finally:
        admin.execute(drop)
        admin.close()


@pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite backup copies SQLite databases")
@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_copy_gives_everything_back(client, reference_data, tmp_path):
    a_site_with_learning_records(client)
    manifest, copy = tmp_path / "manifest.json", tmp_path / "manabi-backup.sqlite3"
    call_command("verify_restore", write_manifest=str(manifest), stdout=io.StringIO())
    call_command("backup_sqlite", str(copy), stdout=io.StringIO())

    done = verify_in_a_new_process(tmp_path, f"sqlite:///{copy}", manifest)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 awards, 2 baked badges still valid" in done.stdout

    # The media folder is part of the backup: without one of its files, it fails.
    lost = next(name for name in baked_and_stored_names() if name.endswith(".png"))
    (Path(settings.MEDIA_ROOT) / lost).unlink()
    done = manage_py(tmp_path, f"sqlite:///{copy}", "verify_restore", "--against", str(manifest))
    assert done.returncode == 1
    assert f"missing from storage: {lost}" in done.stdout
