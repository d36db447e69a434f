"""make bench: the app's pages under gunicorn on PostgreSQL with production settings, loaded
by Locust, at two data sizes.

A run prepares a database per size (created, migrated, synthetic patients added up to the
size, three users given a new password, vacuumed), times the rules service in-process (the
gauge of the machine's speed), starts gunicorn on each database and logs the users in. One
Locust user loads each page at the small size, then at the large one; BENCH_USERS users load
the board queue and the patient list at the large size. Any failed request stops the run.
Results go to bench-results.json and a table; targets are reported, never enforced.

Environment (all optional):
  BENCH_DATABASE_URL    postgres://postgres@127.0.0.1:5432/crlm_bench (<name>_<size> used)
  BENCH_SMALL_PATIENTS  1000       synthetic patients in the small database
  BENCH_PATIENTS        100000     synthetic patients in the large database
  BENCH_SECONDS         20         seconds per measurement
  BENCH_USERS           8          Locust users of the concurrent measurements
  BENCH_WORKERS         CPU count  gunicorn sync workers per server
  BENCH_PORT            8765       the small database's server port; the large one's is next
"""

import argparse
import csv
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USERS = {"surgeon": "bench-surgeon", "tumor_board": "bench-board", "auditor": "bench-auditor"}
PAGES = {  # name: (role, path); {patient} and {assessment} stand for random synthetic ones
    "board_queue": ("tumor_board", "/board/"),
    "patient_list": ("surgeon", "/patients/"),
    "assessment_page": ("surgeon", "/assessments/{assessment}/"),
    "audit_log": ("auditor", "/audit/"),
    "assessment_post": ("surgeon", "/patients/{patient}/assessments/new/"),
}
USERS_SETUP = f"""import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
for group, username in {USERS!r}.items():
    user = get_user_model().objects.get_or_create(username=username)[0]
    user.set_password(os.environ["BENCH_PASSWORD"])
    user.save()
    user.groups.set([Group.objects.get(name=group)])"""
SAMPLE = "SELECT patient_id::text, id::text FROM clinic_assessment WHERE is_synthetic"
AS_OF = date(2026, 1, 1)  # of the rules gauge's findings


class BenchError(Exception):
    """Stops the run, with a one-line message for the person running it."""


def setting(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdecimal() or int(raw) < 1:
        raise BenchError(f"{name} must be a positive whole number, not {raw!r}.")
    return int(raw)


def findings(rng: random.Random) -> dict[str, object]:
    """Valid findings, varied over every rule, sometimes unknown, synchronous or not."""
    diagnosis = AS_OF - timedelta(days=rng.randint(0, 3650))
    resected, known = rng.random() < 0.5, [rng.random() < 0.8 for _ in range(4)]
    resection = min(diagnosis - timedelta(days=rng.randint(-60, 1500)), AS_OF)
    return {
        "fit_for_surgery": rng.random() < 0.85,
        "symptomatic_primary": not resected and rng.random() < 0.3,
        "primary_resected": resected,
        "primary_resection_date": resection.isoformat() if resected else None,
        "primary_node_positive": rng.random() < 0.5 if known[0] else None,
        "liver_metastases_diagnosis_date": diagnosis.isoformat(),
        "liver_tumor_count": rng.randint(1, 8) if known[1] else None,
        "largest_liver_tumor_cm": round(rng.uniform(0.5, 12), 1) if known[2] else None,
        "cea_ng_ml": round(rng.uniform(0, 600), 1) if known[3] else None,
        "lung_metastases": rng.random() < 0.1,
        "carcinomatosis": rng.random() < 0.05,
        "staging_complete": rng.random() < 0.85,
        "liver_resectability": rng.choice(["resectable", "unresectable", "undetermined"]),
    }


def rules_evals_per_s(seconds: float = 3.0, rounds: int = 5) -> int:
    """parse_findings, evaluate and to_dict per second over 512 seeded findings, the best of
    ``rounds`` rounds: other processes only ever slow a round down."""
    sys.path.insert(0, str(ROOT))
    from decision.rules import evaluate, parse_findings

    rng, best = random.Random(20060116), 0.0
    cases = [findings(rng) for _ in range(512)]
    for _ in range(rounds):
        done, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds / rounds:
            for raw in cases:
                evaluate(parse_findings(raw, as_of=AS_OF), as_of=AS_OF).to_dict()
            done += len(cases)
        best = max(best, done / elapsed)
    return round(best)


def manage(environment: dict[str, str], *arguments: str) -> None:
    command = [sys.executable, "manage.py", *arguments]
    if subprocess.run(command, cwd=ROOT, env=environment).returncode:
        raise BenchError(f"manage.py {arguments[0]} failed; its output is above.")


def database_prepare(patients: int, environment: dict[str, str]) -> dict:
    """Create and migrate the database, add synthetic patients up to ``patients``, set up the
    users and vacuum; return its patient count and random synthetic (patient, assessment) ids."""
    url = urlsplit(environment["DATABASE_URL"])
    name, maintenance = url.path.lstrip("/"), url._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            server.execute(f'CREATE DATABASE "{name}"')
    manage(environment, "migrate", "--noinput", "--verbosity", "0")
    count = "SELECT count(*) FROM clinic_patient WHERE is_synthetic"
    with psycopg.connect(url.geturl(), autocommit=True) as database:
        missing = max(patients - database.execute(count).fetchone()[0], 0)
        print(f"{name}: adding {missing:,} synthetic patients.", flush=True)
        if missing:
            manage(environment, "seed_synthetic", "--patients", str(missing), "--force")
        manage(environment, "shell", "--verbosity", "0", "--command", USERS_SETUP)
        database.execute("VACUUM (ANALYZE)")  # autovacuum may be off on a development machine
        return {
            "patients": database.execute(count).fetchone()[0],
            "ids": database.execute(f"{SAMPLE} ORDER BY random() LIMIT 1000").fetchall(),
            "postgresql": database.execute("SHOW server_version").fetchone()[0],
        }


def server_start(url: str, workers: int, environment: dict, servers: list, log: Path) -> None:
    """Start gunicorn in a process group of its own and wait until it answers."""
    command = [BIN / "gunicorn", "decision.wsgi", "--bind", urlsplit(url).netloc]
    command += ["--workers", str(workers), "--worker-tmp-dir", "/dev/shm"]
    with log.open("w") as output:
        servers.append(subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output,
                                        stderr=output, start_new_session=True))  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and servers[-1].poll() is None:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise BenchError(f"gunicorn on {url} did not start; see {log}.")


def log_in(url: str, username: str, password: str) -> dict[str, str]:
    """The cookies of a session opened through the login form, as a browser opens one."""
    browser = requests.Session()
    browser.get(f"{url}/login/", timeout=30)  # sets the csrftoken cookie
    token = browser.cookies.get("csrftoken", "")
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    answer = browser.post(f"{url}/login/", data=form, allow_redirects=False, timeout=30)
    if answer.status_code != 302 or "sessionid" not in browser.cookies:
        raise BenchError(f"Logging {username} in at {url} answered {answer.status_code}.")
    return browser.cookies.get_dict()


def p95_ms(page: str, url: str, load: dict, users: int, seconds: int, work: Path) -> int:
    """The 95th percentile (ms) of ``page``, requested without pause by ``users`` users."""
    stem = work / f"{page}-{urlsplit(url).port}-{users}"
    Path(f"{stem}.json").write_text(json.dumps({"page": page, **load}))
    print(f"{page}: {users} user(s) on {url} for {seconds} s.", flush=True)
    command = [BIN / "locust", "-f", ROOT / "bench" / "locustfile.py", "--headless", "-u", users]
    command += ["-r", users, "-t", f"{seconds}s", "--host", url, "--csv", stem, "--only-summary"]
    with open(f"{stem}.log", "w") as log:
        environment = os.environ | {"BENCH_LOAD_FILE": f"{stem}.json"}
        subprocess.run(list(map(str, command)), env=environment, stdout=log, stderr=log)
    try:
        with open(f"{stem}_failures.csv") as failures, open(f"{stem}_stats.csv") as stats:
            failure = next(csv.DictReader(failures), None)
            row = next((row for row in csv.DictReader(stats) if row["Name"] == page), None)
    except OSError:
        raise BenchError(f"Locust did not finish {page}; see {stem}.log.") from None
    if failure:
        failed = f"{failure['Name']}: {failure['Error']}"
        raise BenchError(f"{page} failed on {url}: {failed}; server logs in {work}.")
    if not row or row["Request Count"] == "0":
        raise BenchError(f"Locust made no {page} request; see {stem}.log.")
    return round(float(row["95%"]))


def table(results: dict) -> str:
    """The figures and their targets, as Markdown."""
    gauge, rss, verdict = results["rules_evals_per_s"], results["worker_rss_mb"], ["missed", "met"]
    sizes = f"{results['small_patients']:,} patients | {results['patients']:,} patients"
    rows = [f"| p95 ms, or figure | {sizes} | scaling | targets |", "|---|---:|---:|---:|---|"]
    for page in PAGES:
        low, high = results[f"{page}_one_user_p95_ms_small"], results[f"{page}_one_user_p95_ms"]
        scaling = results[f"{page}_scaling"]
        latency = verdict[high <= 50] if gauge >= 20_000 else "not judged (gauge < 20,000/s)"
        targets = f"scaling ≤ 1.5 {verdict[scaling <= 1.5]}; p95 ≤ 50 ms {latency}"
        rows.append(f"| {page}, 1 user | {low} | {high} | {scaling:.2f} | {targets} |")
    for page in ("board_queue", "patient_list"):
        rows.append(f"| {page}, {results['users']} users | | {results[f'{page}_p95_ms']} | | |")
    rows.append(f"| rules_evals_per_s | | {gauge:,} | | ≥ 10,000 {verdict[gauge >= 10_000]} |")
    rows.append(f"| worker_rss_mb | | {rss} | | ≤ 150 {verdict[rss <= 150]} |")
    return "\n".join(rows)


def run(work: Path, servers: list[subprocess.Popen]) -> dict:
    default_url = "postgres://postgres@127.0.0.1:5432/crlm_bench"
    base = urlsplit(os.environ.get("BENCH_DATABASE_URL", "").strip() or default_url)
    if base.scheme not in ("postgres", "postgresql") or not base.path.strip("/"):
        raise BenchError("BENCH_DATABASE_URL must be a postgres:// URL naming a database.")
    sizes = [setting("BENCH_SMALL_PATIENTS", 1000), setting("BENCH_PATIENTS", 100_000)]
    seconds, users = setting("BENCH_SECONDS", 20), setting("BENCH_USERS", 8)
    workers, port = setting("BENCH_WORKERS", os.cpu_count() or 1), setting("BENCH_PORT", 8765)
    urls = [f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"]  # small, large
    for each in (port, port + 1):
        with socket.socket() as probe:
            if each > 65535 or probe.connect_ex(("127.0.0.1", each)) == 0:
                raise BenchError(f"Port {each} is taken or invalid; set BENCH_PORT to another.")
    password = secrets.token_urlsafe(24)
    production = os.environ | {  # as deployed, but for plain HTTP on the loopback
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_AUDIT_KEY": "benchmark-databases-only-" + "k" * 32,  # the same every run
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "BENCH_PASSWORD": password,  # for USERS_SETUP
    }
    environments = [  # a database <name>_<patients> for each size
        production | {"DATABASE_URL": base._replace(path=f"{base.path}_{size}").geturl()}
        for size in sizes
    ]
    data = [database_prepare(size, env) for size, env in zip(sizes, environments, strict=True)]
    manage(environments[0], "collectstatic", "--noinput", "--verbosity", "0")
    print("Timing the rules service in-process.", flush=True)
    results: dict = {"rules_evals_per_s": rules_evals_per_s()}
    for url, environment, log in zip(urls, environments, ("small", "large"), strict=True):
        server_start(url, workers, environment, servers, work / f"{log}.log")
    sessions = [{role: log_in(url, name, password) for role, name in USERS.items()} for url in urls]
    for size, url in enumerate(urls):  # each worker's first requests of a page are not measured
        patient, assessment = data[size]["ids"][0]
        for role, path in PAGES.values():
            page = url + path.format(patient=patient, assessment=assessment)
            for _ in range(5 * workers):
                requests.get(page, cookies=sessions[size][role], timeout=30)

    def measure(page: str, size: int, users: int) -> int:  # size: 0 small, 1 large
        role, path = PAGES[page]
        load = {"cookies": sessions[size][role], "post": page == "assessment_post"}
        load["paths"] = [path.format(patient=p, assessment=a) for p, a in data[size]["ids"]]
        return p95_ms(page, urls[size], load, users, seconds, work)

    for page in PAGES:  # each page at both sizes back to back, so drift weighs on both alike
        small, large = measure(page, 0, 1), measure(page, 1, 1)
        results[f"{page}_one_user_p95_ms"] = large
        results[f"{page}_one_user_p95_ms_small"] = small
        results[f"{page}_scaling"] = round(large / max(small, 1), 2)  # whole ms, never 0
    for page in ("board_queue", "patient_list"):
        results[f"{page}_p95_ms"] = measure(page, 1, users)
    results |= {"patients": data[1]["patients"], "small_patients": data[0]["patients"]}
    large_server = servers[1].pid  # its workers' resident memory, from /proc
    workers_pids = Path(f"/proc/{large_server}/task/{large_server}/children").read_text().split()
    statuses = [Path(f"/proc/{pid}/status").read_text() for pid in workers_pids]
    rss = [int(status.split("VmRSS:")[1].split()[0]) / 1024 for status in statuses]
    results["worker_rss_mb"] = round(max(rss, default=0), 1)
    results |= {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "seconds": seconds}
    results |= {"workers": workers, "users": users, "python": platform.python_version()}
    return results | {"postgresql": data[1]["postgresql"]}


def main() -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    argparse.ArgumentParser(description=__doc__, formatter_class=formatter).parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the servers stop too
    work, servers = Path(tempfile.mkdtemp(prefix="crlm-bench-")), []
    try:
        results = run(work, servers)
    except (BenchError, psycopg.Error) as error:  # psycopg: PostgreSQL does not answer
        print(f"bench: {str(error).splitlines()[0]}", file=sys.stderr)
        if not any(work.iterdir()):  # else kept: the message may point to its logs
            work.rmdir()
        return 1
    finally:
        for server in servers:  # gunicorn and its workers
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait()
    (ROOT / "bench-results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{table(results)}\n\nWritten to bench-results.json.")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
