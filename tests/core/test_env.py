import pytest
from django.core.exceptions import ImproperlyConfigured

from decision.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_origin,
    env_origins,
    env_str,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[("true", True), ("TRUE", True), ("1", True), ("on", True), ("yes", True)],
        *[("false", False), ("0", False), ("Off", False), ("no", False)],
    ],
)
def test_env_bool_understands_the_usual_words(raw, expected):
    assert env_bool("X", not expected, environ={"X": raw}) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "yes please"])
def test_env_bool_refuses_anything_else_and_names_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", True, environ={"DJANGO_DEBUG": raw})


@pytest.mark.parametrize("environ", [{}, {"X": ""}, {"X": "   "}])
def test_unset_or_empty_variables_give_the_default(environ):
    assert env_bool("X", True, environ=environ) is True
    assert env_int("X", 7, environ=environ) == 7
    assert env_str("X", "d", environ=environ) == "d"
    assert env_list("X", ["a"], environ=environ) == ["a"]


def test_env_int_reads_whole_numbers():
    assert env_int("N", 1, environ={"N": " 42 "}) == 42


@pytest.mark.parametrize("raw", ["4.5", "ten", "1e3"])
def test_env_int_refuses_what_is_not_a_whole_number(raw):
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        env_int("N", 1, environ={"N": raw})


def test_env_int_refuses_values_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("N", 1, minimum=0, environ={"N": "-5"})


def test_env_list_splits_on_commas_and_strips_spaces():
    environ = {"H": "crlm.example.org, localhost"}
    assert env_list("H", [], environ=environ) == ["crlm.example.org", "localhost"]


def test_env_list_refuses_empty_items():
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("H", [], environ={"H": "a,,b"})


def test_env_origins_need_a_scheme():
    assert env_origins("O", [], environ={"O": "https://crlm.example.org"}) == [
        "https://crlm.example.org"
    ]
    with pytest.raises(ImproperlyConfigured, match="http:// or https://"):
        env_origins("O", [], environ={"O": "crlm.example.org"})


def test_env_choice_accepts_any_case_and_refuses_others():
    assert env_choice("L", "INFO", ("DEBUG", "INFO"), environ={"L": "debug"}) == "DEBUG"
    with pytest.raises(ImproperlyConfigured, match="one of DEBUG, INFO"):
        env_choice("L", "INFO", ("DEBUG", "INFO"), environ={"L": "loud"})


def test_env_database_reads_postgres_and_sqlite_urls():
    postgres = env_database(
        "DATABASE_URL", "", environ={"DATABASE_URL": "postgres://crlm:pw@db.local:5433/crlm"}
    )
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["HOST"], postgres["PORT"], postgres["NAME"]) == ("db.local", 5433, "crlm")
    sqlite = env_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3", environ={})
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["NAME"] == "/tmp/x.sqlite3"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "nonsense", "postgres://u@h:notaport/db"])
def test_env_database_refuses_unsupported_or_broken_urls(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": url})


def test_env_database_errors_never_echo_the_password():
    with pytest.raises(ImproperlyConfigured) as raised:
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": "mysql://u:s3cret@h/db"})
    assert "s3cret" not in str(raised.value)


def test_env_origin_reads_a_scheme_and_a_host_and_drops_a_trailing_slash():
    environ = {"X": "https://crlm.example.org/"}
    assert env_origin("X", None, environ=environ) == "https://crlm.example.org"
    assert env_origin("X", None, environ={}) is None


@pytest.mark.parametrize(
    "raw", ["crlm.example.org", "ftp://crlm.example.org", "https://crlm.example.org/app"]
)
def test_env_origin_refuses_anything_else_and_names_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CDS_HOOKS_BASE_URL"):
        env_origin("DJANGO_CDS_HOOKS_BASE_URL", None, environ={"DJANGO_CDS_HOOKS_BASE_URL": raw})
