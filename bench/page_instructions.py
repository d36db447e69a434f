"""Instructions the app's own process executes per request of one page, counted by
``valgrind --tool=callgrind``: a figure that, unlike times, does not move with the load on
a shared machine, so a change to a page can be compared before and after on any host.

Runs the page in-process (Django's test client, production settings) against the
benchmark's database (``make bench`` seeds it), under callgrind twice, with ``--few`` and
with ``--many`` requests, and prints the difference per request: start-up and the first
requests cancel out. PostgreSQL's own work is not counted (it runs in its own process).

    python bench/page_instructions.py /board/ [--role tumor_board] [--few 2] [--many 12]
    python bench/page_instructions.py --submission [--few 2] [--many 12]

``--submission`` counts instead one submission of the new-assessment form by a surgeon
(valid findings, a new idempotency key each, a synthetic patient chosen in turn), as the
benchmark's ``assessment_post`` scenario sends it; each run adds its assessments.

Needs valgrind (the Debian package). Takes about a minute per run for the board queue.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from callgrind import instructions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/crlm_bench"
USERNAME = "bench-instructions-{role}"
SUBMISSION = "submission"


def _requests(path: str, role: str, count: int) -> None:
    """The measured part: ``count`` requests of ``path`` by a user with ``role``, or
    ``count`` form submissions when ``path`` is ``SUBMISSION``."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username=USERNAME.format(role=role))
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    send = _submission(client) if path == SUBMISSION else lambda: client.get(path)
    expected = 302 if path == SUBMISSION else 200
    for _ in range(3 + count):  # three to warm up the caches, in both runs alike
        response = send()
        if response.status_code != expected:
            raise SystemExit(f"{path} answered {response.status_code}, not {expected}")


def _submission(client):
    """A function posting one valid new-assessment form, for the next synthetic patient,
    URL-encoded as a browser sends it."""
    from decision.clinic.models import Patient

    patients = iter(Patient.objects.filter(is_synthetic=True).values_list("pk", flat=True)[:100])
    encounter = date.today() - timedelta(days=1)
    findings = {
        "encounter_date": encounter.isoformat(),
        "fit_for_surgery": "yes",
        "symptomatic_primary": "no",
        "primary_resected": "no",
        "primary_resection_date": "",
        "primary_node_positive": "yes",
        "liver_metastases_diagnosis_date": (encounter - timedelta(days=30)).isoformat(),
        "liver_tumor_count": "3",
        "largest_liver_tumor_cm": "6",
        "cea_ng_ml": "250",
        "staging_complete": "yes",
        "liver_resectability": "resectable",
    }

    def send():
        form = {**findings, "idempotency_key": str(uuid.uuid4())}
        return client.post(
            f"/patients/{next(patients)}/assessments/new/",
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
        )

    return send


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE,
        "DJANGO_SETTINGS_MODULE": "decision.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_BENCHMARK_VIEWS": "true",
    }


def _instructions(path: str, role: str, count: int) -> int:
    command = [sys.executable, __file__, "--measured", path, "--role", role]
    return instructions([*command, "--count", str(count)], env=_environment())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="the page to request")
    parser.add_argument(
        "--submission", action="store_true", help="count a new-assessment submission instead"
    )
    parser.add_argument("--role", default="tumor_board")
    parser.add_argument("--few", type=int, default=2)
    parser.add_argument("--many", type=int, default=12)
    parser.add_argument("--measured", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measured:
        _requests(arguments.path, arguments.role, arguments.count)
        return
    if arguments.submission:
        arguments.path, arguments.role = SUBMISSION, "surgeon"
    elif arguments.path is None:
        raise SystemExit("Give a page's path, or --submission.")
    if arguments.many <= arguments.few:
        raise SystemExit("--many must be larger than --few.")
    few = _instructions(arguments.path, arguments.role, arguments.few)
    many = _instructions(arguments.path, arguments.role, arguments.many)
    per_request = (many - few) / (arguments.many - arguments.few)
    print(f"{arguments.path} ({arguments.role}): {per_request / 1e6:.2f} M instructions/request")


if __name__ == "__main__":
    main()
