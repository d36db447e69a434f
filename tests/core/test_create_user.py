import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from decision.core.management.commands import create_user

pytestmark = pytest.mark.django_db

STRONG = "plum-orchard-lantern-42"

# What each role may open, from the role table in the README: its own pages answer 200,
# a clinical page beyond its role 403, a page it may not know about 404.
PAGES_BY_ROLE = {
    "surgeon": {"/patients/new/": 200, "/board/meetings/new/": 403, "/audit/": 404},
    "tumor_board": {"/board/meetings/new/": 200, "/patients/new/": 403, "/audit/": 404},
    "auditor": {"/audit/": 200, "/patients/": 404, "/board/meetings/new/": 404},
}


class Terminal(io.StringIO):
    """Standard input as when a person runs the command at a terminal."""

    def isatty(self) -> bool:
        return True


def run(*args: str, stdin: io.StringIO | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_user", *args, stdin=stdin or Terminal(), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def typed_passwords(monkeypatch, *answers: str) -> list[str]:
    """Answer the password prompts with ``answers`` in turn; returns the prompts shown."""
    remaining = list(answers)
    prompts: list[str] = []

    def getpass(prompt: str = "Password: ") -> str:
        prompts.append(prompt)
        return remaining.pop(0)

    monkeypatch.setattr(create_user.getpass, "getpass", getpass)
    return prompts


@pytest.mark.parametrize("role", sorted(PAGES_BY_ROLE))
def test_a_new_user_reads_exactly_the_pages_of_their_role(client, role):
    run("kim", "--role", role, "--generate-password")
    user = get_user_model().objects.get(username="kim")
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [role]

    client.force_login(user)
    for path, status in PAGES_BY_ROLE[role].items():
        assert client.get(path).status_code == status, path


def test_the_generated_password_is_printed_once_and_logs_in(client):
    out, _ = run(
        "kim",
        "--role",
        "surgeon",
        "--generate-password",
        "--first-name",
        "Kim",
        "--last-name",
        "Park",
        "--email",
        "kim@example.org",
    )
    password = out.split("password: ")[1].split()[0]
    assert out.count(password) == 1
    assert len(password) >= 16
    user = get_user_model().objects.get(username="kim")
    assert (user.first_name, user.last_name, user.email) == ("Kim", "Park", "kim@example.org")

    client.post("/login/", {"username": "kim", "password": password})
    assert client.get("/").status_code == 200


def test_a_taken_name_is_refused_and_nothing_changes(surgeon):
    with pytest.raises(CommandError, match="already taken") as refused:
        run("surgeon", "--role", "auditor", "--generate-password")
    assert refused.value.returncode == 1
    surgeon.refresh_from_db()
    assert list(surgeon.groups.values_list("name", flat=True)) == ["surgeon"]
    assert get_user_model().objects.count() == 1


def test_a_taken_name_is_refused_before_any_password_is_asked_for(monkeypatch, surgeon):
    prompts = typed_passwords(monkeypatch)
    with pytest.raises(CommandError, match="already taken"):
        run("surgeon", "--role", "surgeon")
    assert prompts == []


def test_an_unknown_role_is_refused():
    with pytest.raises(CommandError, match="invalid choice: 'pilot'"):
        run("kim", "--role", "pilot", "--generate-password")
    assert not get_user_model().objects.filter(username="kim").exists()


def test_the_role_must_be_given():
    with pytest.raises(CommandError, match="--role"):
        run("kim", "--generate-password")


def test_a_user_name_with_spaces_is_refused():
    with pytest.raises(CommandError, match="valid username"):
        run("kim park", "--role", "surgeon", "--generate-password")
    assert not get_user_model().objects.exists()


def test_a_too_short_password_is_explained_and_asked_for_again(monkeypatch):
    prompts = typed_passwords(monkeypatch, "short", "short", STRONG, STRONG)
    out, err = run("kim", "--role", "auditor")
    assert len(prompts) == 4
    assert "too short" in err and "at least 12 characters" in err
    assert "kim" in out and STRONG not in out
    assert get_user_model().objects.get(username="kim").check_password(STRONG)


def test_two_different_entries_are_asked_for_again(monkeypatch):
    prompts = typed_passwords(monkeypatch, STRONG, STRONG + "x", STRONG, STRONG)
    _, err = run("kim", "--role", "auditor")
    assert len(prompts) == 4
    assert "differ" in err
    assert get_user_model().objects.get(username="kim").check_password(STRONG)


def test_a_common_password_is_refused_with_the_reason(monkeypatch):
    typed_passwords(monkeypatch, "password1234", "password1234", STRONG, STRONG)
    _, err = run("kim", "--role", "auditor")
    assert "too common" in err


def test_without_a_terminal_it_refuses_and_points_to_generate_password(monkeypatch):
    prompts = typed_passwords(monkeypatch)
    with pytest.raises(CommandError, match="--generate-password"):
        run("kim", "--role", "surgeon", stdin=io.StringIO())
    assert prompts == []
    assert not get_user_model().objects.exists()
