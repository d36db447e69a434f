import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run() -> str:
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_the_first_run_creates_an_administrator_with_a_random_password_shown_once():
    output = run()
    password = output.split("password: ")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    assert len(password) >= 16

    again = run()
    assert "already exists" in again and "password:" not in again
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_two_installations_get_different_passwords():
    first = run().split("password: ")[1].split()[0]
    get_user_model().objects.all().delete()
    second = run().split("password: ")[1].split()[0]
    assert first != second
