"""The settings module, loaded in a fresh process with a given environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-of-sufficient-length-0123456789",
    "DJANGO_ALLOWED_HOSTS": "crlm.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://crlm.example.org",
    "DJANGO_AUDIT_KEY": "audit-" + "k" * 40,
}


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    environ = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", **environ)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    environ = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_AUDIT_KEY"}
    result = manage("check", "--deploy", **environ)
    assert result.returncode != 0
    assert "DJANGO_AUDIT_KEY must be set" in result.stderr


def test_a_short_audit_key_is_refused():
    result = manage("check", **{**PRODUCTION, "DJANGO_AUDIT_KEY": "too-short"})
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    environ = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = manage("check", **environ)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_a_mistyped_debug_value_stops_start_up():
    result = manage("check", DJANGO_DEBUG="ture")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_the_documented_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("variable", ["DJANGO_SECURE_HSTS_SECONDS", "DATABASE_CONN_MAX_AGE"])
def test_numeric_settings_refuse_words(variable):
    result = manage("check", **{variable: "forever"})
    assert result.returncode != 0
    assert f"{variable} must be a whole number" in result.stderr


def test_development_defaults_need_no_configuration():
    result = manage("check")
    assert result.returncode == 0, result.stderr


def _database_options(**environ: str) -> str:
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = manage("shell", "-c", code, **environ)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_server_options_in_the_database_url_are_kept():
    url = "postgres://crlm@db.example.org:5432/crlm?options=-c%20search_path%3Dcrlm"
    options = _database_options(DATABASE_URL=url)
    assert "'options': '-c search_path=crlm'" in options


BEHIND_PROXY = {**PRODUCTION, "DJANGO_BEHIND_TLS_PROXY": "true"}


def test_a_proxy_without_trusted_proxy_networks_is_a_deployment_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **BEHIND_PROXY)
    assert result.returncode != 0
    assert "decision.W001" in result.stderr
    assert "DJANGO_TRUSTED_PROXIES" in result.stderr


def test_the_production_recipe_behind_a_proxy_passes_the_deployment_checklist():
    environ = {**BEHIND_PROXY, "DJANGO_TRUSTED_PROXIES": "127.0.0.1/32, 10.0.0.0/8"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **environ)
    assert result.returncode == 0, result.stderr


def test_a_trusted_proxy_that_is_not_a_network_stops_start_up():
    result = manage("check", DJANGO_TRUSTED_PROXIES="10.0.0.0/8, the-proxy")
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES items must be IP networks" in result.stderr


def test_the_former_proxy_count_setting_stops_start_up_with_directions():
    result = manage("check", DJANGO_TRUSTED_PROXY_COUNT="1")
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES" in result.stderr


def _two_factor_required(**environ: str) -> str:
    code = "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)"
    result = manage("shell", "-c", code, **environ)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    ("environ", "required"),
    [
        (PRODUCTION, "True"),
        ({**PRODUCTION, "DJANGO_TWO_FACTOR_REQUIRED": "false"}, "False"),
        ({}, "False"),
        ({"DJANGO_TWO_FACTOR_REQUIRED": "true"}, "True"),
    ],
    ids=["production", "production-turned-off", "development", "development-turned-on"],
)
def test_two_factor_sign_in_is_required_in_production_unless_turned_off(environ, required):
    assert _two_factor_required(**environ) == required
