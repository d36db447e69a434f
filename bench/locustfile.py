"""Locust users for ``make bench`` (started by bench/run_bench.py, one scenario at a time).

The benchmark logs its users in through the real login form before the load starts
(password hashing is deliberately slow, and must not count against any scenario); each
Locust user then takes one of those sessions and repeats one task without pause.
BENCH_SESSIONS_FILE names a JSON file of ``{"surgeon": [{cookie: value}, ...],
"tumor_board": [...]}``; BENCH_PATIENT_IDS_FILE a JSON list of patient ids to post for.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from datetime import date, timedelta
from http.cookiejar import Cookie
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, task

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_IDEMPOTENCY_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_next_session = itertools.count()


def _field(pattern: re.Pattern, html: str) -> str | None:
    match = pattern.search(html)
    return match.group(1) if match else None


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        version=0, name=name, value=value, port=None, port_specified=False, domain=host,
        domain_specified=False, domain_initial_dot=False, path="/", path_specified=True,
        secure=False, expires=None, discard=True, comment=None, comment_url=None, rest={},
    )  # fmt: skip


class LoggedInUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    role = "surgeon"

    def on_start(self) -> None:
        with open(os.environ["BENCH_SESSIONS_FILE"]) as sessions_file:
            sessions = json.load(sessions_file)[self.role]
        cookies = sessions[next(_next_session) % len(sessions)]
        host = urlsplit(self.host).hostname
        for name, value in cookies.items():
            self.client.cookiejar.set_cookie(_cookie(name, value, host))

    def get_page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")


class BaselineUser(LoggedInUser):
    @task
    def baseline(self) -> None:
        self.get_page("/bench/baseline/", "baseline")


class _SurgeonSubmitting(LoggedInUser):
    """Submits valid assessment forms for synthetic patients; each subclass has one task."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        with open(os.environ["BENCH_PATIENT_IDS_FILE"]) as ids:
            self.patient_ids = json.load(ids)
        # Yesterday, so that the server's time zone can never see it as a future date.
        self.encounter = date.today() - timedelta(days=1)

    def form_path(self) -> str:
        return f"/patients/{random.choice(self.patient_ids)}/assessments/new/"

    def post_form(self, path: str, token: str, key: str) -> None:
        form = self.findings_form()
        form.update({"csrfmiddlewaretoken": token, "idempotency_key": key})
        with self.client.post(
            path, data=form, name="assessment post", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"assessment post answered {response.status_code}, not 302")

    def findings_form(self) -> dict[str, str]:
        resected = random.random() < 0.5
        diagnosed = self.encounter - timedelta(days=random.randint(0, 60))
        return {
            "encounter_date": self.encounter.isoformat(),
            "fit_for_surgery": random.choice(["yes", "yes", "yes", "no"]),
            "symptomatic_primary": "no" if resected else random.choice(["yes", "no"]),
            "primary_resected": "yes" if resected else "no",
            "primary_resection_date": (
                (diagnosed - timedelta(days=random.randint(30, 900))).isoformat()
                if resected
                else ""
            ),
            "primary_node_positive": random.choice(["yes", "no", "unknown"]),
            "liver_metastases_diagnosis_date": diagnosed.isoformat(),
            "liver_tumor_count": str(random.randint(1, 6)),
            "largest_liver_tumor_cm": f"{random.uniform(0.5, 9):.1f}",
            "cea_ng_ml": f"{random.uniform(1, 400):.1f}",
            "staging_complete": random.choice(["yes", "yes", "no"]),
            "liver_resectability": random.choice(["resectable", "unresectable", "undetermined"]),
        }


class SurgeonPostingUser(_SurgeonSubmitting):
    """Opens the new-assessment form of a synthetic patient and submits it, like a surgeon."""

    @task
    def submit_assessment(self) -> None:
        path = self.form_path()
        with self.client.get(path, name="assessment form", catch_response=True) as page:
            html = page.text or ""
            token, key = _field(_CSRF, html), _field(_IDEMPOTENCY_KEY, html)
            if page.status_code != 200 or token is None or key is None:
                page.failure(f"form page answered {page.status_code} without its fields")
                return
        self.post_form(path, token, key)


class SurgeonPostingOnlyUser(_SurgeonSubmitting):
    """Posts without opening the form each time: the CSRF token of one form page, and a
    new idempotency key per submission, as a client of its own would. Measures the
    submission itself, apart from rendering the form."""

    def on_start(self) -> None:
        super().on_start()
        page = self.client.get(self.form_path(), name="assessment form")
        self.token = _field(_CSRF, page.text or "")

    @task
    def submit_assessment(self) -> None:
        self.post_form(self.form_path(), self.token, str(uuid.uuid4()))


class BoardQueueUser(LoggedInUser):
    role = "tumor_board"

    @task
    def queue(self) -> None:
        self.get_page("/board/", "board queue")


class PatientListUser(LoggedInUser):
    @task
    def patients(self) -> None:
        self.get_page("/patients/", "patient list")


class WarmUpUser(LoggedInUser):
    """Touches every measured page once in a while, so that no scenario pays for first use."""

    @task
    def pages(self) -> None:
        self.get_page("/bench/baseline/", "warm-up")
        self.get_page("/patients/", "warm-up")
        self.get_page("/board/", "warm-up")
