"""``manage.py run_matching``: operators run matching as a coordinator from the shell."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from opportunities.models import MatchingRun
from tests.opportunities.builders import (
    make_badge,
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
)

pytestmark = pytest.mark.django_db


def test_the_command_runs_the_coordinators_open_opportunities_and_prints_reasons(reference_data):
    kibagata = make_organisation()
    coordinator = make_coordinator("kiba-coordinator", organisations=[kibagata])
    badge = make_badge()
    make_opportunity(kibagata, required_badges=[badge])
    make_graduate("ペレイラ アナ", badges=[badge], languages=[("pt", 3)])
    output = StringIO()

    call_command("run_matching", "--as", coordinator.username, stdout=output)

    text = output.getvalue()
    assert "matching: 100/100 done" in text
    assert "1 proposals" in text
    assert "ペレイラ アナ" in text and "木場潟水質調査バッジあり" in text
    assert MatchingRun.objects.get().status == MatchingRun.Status.DONE


def test_the_command_refuses_another_organisations_opportunity(reference_data):
    coordinator = make_coordinator(organisations=[make_organisation()])
    theirs = make_opportunity(make_organisation("安宅 白砂青松の会", district="ataka"))

    with pytest.raises(CommandError, match="担当していない団体"):
        call_command(
            "run_matching",
            "--as",
            coordinator.username,
            "--opportunity",
            str(theirs.pk),
            stdout=StringIO(),
        )
    assert not MatchingRun.objects.exists()
