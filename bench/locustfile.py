"""The Locust user of bench/run_bench.py: one page, requested again and again without pause.
BENCH_LOAD_FILE names run_bench.py's JSON: the page's name, a logged-in session's cookies,
the paths to pick from at random, and whether to post valid findings (expecting 302)."""

import json
import os
import random
import re
import uuid
from datetime import date, timedelta
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, task
from requests.cookies import create_cookie

with open(os.environ["BENCH_LOAD_FILE"]) as load_file:
    LOAD = json.load(load_file)


def findings_form(encounter: date) -> dict[str, str]:
    """Valid findings, varied at random, as the new-assessment form posts them."""
    resected = random.random() < 0.5
    diagnosed = encounter - timedelta(days=random.randint(0, 60))
    resection = diagnosed - timedelta(days=random.randint(30, 900))
    return {
        "encounter_date": encounter.isoformat(),
        "fit_for_surgery": random.choice(["yes", "yes", "yes", "no"]),
        "symptomatic_primary": "no" if resected else random.choice(["yes", "no"]),
        "primary_resected": "yes" if resected else "no",
        "primary_resection_date": resection.isoformat() if resected else "",
        "primary_node_positive": random.choice(["yes", "no", "unknown"]),
        "liver_metastases_diagnosis_date": diagnosed.isoformat(),
        "liver_tumor_count": str(random.randint(1, 6)),
        "largest_liver_tumor_cm": f"{random.uniform(0.5, 9):.1f}",
        "cea_ng_ml": f"{random.uniform(1, 400):.1f}",
        "staging_complete": random.choice(["yes", "yes", "no"]),
        "liver_resectability": random.choice(["resectable", "unresectable", "undetermined"]),
    }


class PageUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        for name, value in LOAD["cookies"].items():
            cookie = create_cookie(name, value, domain=urlsplit(self.host).hostname)
            self.client.cookiejar.set_cookie(cookie)
        if LOAD["post"]:  # one form's CSRF token for every post, as a client of its own would
            form = self.client.get(LOAD["paths"][0], name="form page for its CSRF token").text
            self.csrf_token = re.search(r'csrfmiddlewaretoken" value="([^"]+)', form or "")[1]

    @task
    def request_page(self) -> None:
        path, expected = random.choice(LOAD["paths"]), 302 if LOAD["post"] else 200
        if LOAD["post"]:  # yesterday: in no server time zone a future date
            form = findings_form(date.today() - timedelta(days=1))
            form |= {
                "csrfmiddlewaretoken": self.csrf_token,
                "idempotency_key": str(uuid.uuid4()),
                "confirm_same_encounter": "on",  # the patients are assessed again each day
            }
            answer = self.client.post(
                path, data=form, name=LOAD["page"], allow_redirects=False, catch_response=True
            )
        else:
            answer = self.client.get(path, name=LOAD["page"], catch_response=True)
        with answer as response:
            if response.status_code != expected:
                response.failure(f"{path} answered {response.status_code}, not {expected}")
