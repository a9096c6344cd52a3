"""The release step's demo: a deployed site never has staff accounts with the public password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from learners.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, can_use_admin

pytestmark = pytest.mark.django_db
User = get_user_model()

STAFF = [account.username for account in DEMO_ACCOUNTS if can_use_admin(account)]
RESIDENTS = [account.username for account in DEMO_ACCOUNTS if not can_use_admin(account)]


def printed_passwords(output):
    return dict(re.findall(r"^\s+.+?\s(\S+)\s+\S+@\S+.*?password: (\S+)$", output, re.M))


def load_release_demo(capsys):
    call_command("load_demo_data", "--learners", "0", "--courses", "0", "--random-staff-passwords")
    return capsys.readouterr().out


def test_release_demo_gives_staff_one_time_random_passwords(capsys):
    output = load_release_demo(capsys)
    passwords = printed_passwords(output)

    assert sorted(passwords) == sorted(STAFF)
    assert {"admin", "faculty", "supervisor", "coordinator", "citystaff"} <= set(STAFF)
    assert len(set(passwords.values())) == len(STAFF)
    for username, password in passwords.items():
        user = User.objects.get(username=username)
        assert password != DEMO_PASSWORD
        assert user.check_password(password)
        assert not user.check_password(DEMO_PASSWORD)
        assert password not in user.password  # stored hashed only
    # Residents' demo accounts keep the documented shared password.
    for username in RESIDENTS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_release_demo_rerun_keeps_staff_passwords_and_shows_none(capsys):
    first = printed_passwords(load_release_demo(capsys))
    second_output = load_release_demo(capsys)

    assert printed_passwords(second_output) == {}
    assert "unchanged (not the public demo password)" in second_output
    admin = User.objects.get(username="admin")
    assert admin.check_password(first["admin"])


def test_release_demo_replaces_a_public_password_left_by_an_earlier_demo(capsys):
    call_command("load_demo_data", "--learners", "0", "--courses", "0")
    capsys.readouterr()
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)

    passwords = printed_passwords(load_release_demo(capsys))

    assert sorted(passwords) == sorted(STAFF)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert not admin.check_password(DEMO_PASSWORD)
    assert admin.check_password(passwords["admin"])
