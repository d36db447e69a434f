"""``make bench``: the app under gunicorn on PostgreSQL with 100,000 synthetic patients,
loaded by Locust from a separate process and compared with a trivial page of the same
server in the same run.

Steps: check PostgreSQL (create the database if missing), migrate, add synthetic patients
up to BENCH_PATIENTS, collect static files, create the benchmark users, vacuum and analyse
the database (as autovacuum would have since the last run), record the query plans of the
list pages (EXPLAIN ANALYZE of every query they run), time the rules service in-process,
start gunicorn with production settings (plain HTTP on the loopback), run one Locust
scenario after another (the baseline and submissions in turn, in BENCH_ROUNDS rounds,
since their ratio is a target), read the workers' memory, stop gunicorn, verify the
audit chain, then print a Markdown table and write ``bench-results.json``.

Environment (all optional):

    BENCH_DATABASE_URL  postgres://postgres@127.0.0.1:5432/crlm_bench
    BENCH_PATIENTS      100000   synthetic patients wanted (seed BENCH_SEED, default 1)
    BENCH_SECONDS       20       measured seconds per scenario
    BENCH_ROUNDS        3        rounds of the baseline and submissions in turn, each
                                 BENCH_SECONDS / 2 long
    BENCH_USERS         8        concurrent Locust users per scenario
    BENCH_WORKERS       CPU count gunicorn workers
    BENCH_PORT          8765     loopback port for gunicorn
    BENCH_VERIFY        true     run verify_audit at the end
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import io
import json
import os
import platform
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench-results.json"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
PASSWORD = secrets.token_urlsafe(24)
USERS = {"surgeon": "bench-surgeon", "tumor_board": "bench-board", "auditor": "bench-auditor"}

# figure: (comparison, target); reported, never asserted.
TARGETS: dict[str, tuple[str, float]] = {
    "rules_evals_per_s": (">=", 20_000),
    "assessment_post_ratio": (">=", 0.5),
    "board_queue_p95_ms": ("<=", 100),
    "worker_rss_mb": ("<=", 150),
}
FIGURES = (
    "rules_evals_per_s",
    "baseline_rps",
    "assessment_post_rps",
    "assessment_post_p95_ms",
    "assessment_post_ratio",
    "assessment_form_and_post_rps",
    "board_queue_p95_ms",
    "board_queue_one_user_p95_ms",
    "patient_list_p95_ms",
    "patient_list_one_user_p95_ms",
    "worker_rss_mb",
    "patients",
)


class BenchError(Exception):
    """A condition that stops the benchmark, with a message for the person running it."""


@dataclass(frozen=True)
class Config:
    database_url: str
    patients: int
    seed: int
    seconds: int
    rounds: int
    users: int
    workers: int
    port: int
    verify: bool

    @classmethod
    def from_environment(cls) -> Config:
        def number(name: str, default: int) -> int:
            raw = os.environ.get(name, "").strip()
            try:
                value = int(raw) if raw else default
            except ValueError:
                raise BenchError(f"{name} must be a whole number, not {raw!r}.") from None
            if value < 1:
                raise BenchError(f"{name} must be at least 1.")
            return value

        url = os.environ.get("BENCH_DATABASE_URL", "").strip()
        return cls(
            database_url=url or "postgres://postgres@127.0.0.1:5432/crlm_bench",
            patients=number("BENCH_PATIENTS", 100_000),
            seed=number("BENCH_SEED", 1),
            seconds=number("BENCH_SECONDS", 20),
            rounds=number("BENCH_ROUNDS", 3),
            users=number("BENCH_USERS", 8),
            workers=number("BENCH_WORKERS", os.cpu_count() or 1),
            port=number("BENCH_PORT", 8765),
            verify=os.environ.get("BENCH_VERIFY", "true").strip().lower() not in ("0", "false"),
        )


def say(message: str) -> None:
    print(message, flush=True)


# --- PostgreSQL and the Django side ------------------------------------------------------


def database_ensure(url: str) -> None:
    """Fail clearly when PostgreSQL does not answer; create the database if it is missing."""
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise BenchError(f"BENCH_DATABASE_URL must be a postgres:// URL, not {parts.scheme}://.")
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                say(f"Creating database {name}.")
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        raise BenchError(
            f"PostgreSQL is not reachable at {where}: {str(error).strip()}\n"
            "Start it, or point BENCH_DATABASE_URL at a running server."
        ) from None


def server_environment(config: Config) -> dict[str, str]:
    """Production settings, except what plain HTTP on the loopback needs."""
    return {
        "DATABASE_URL": config.database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_BENCHMARK_VIEWS": "true",
        "DJANGO_SETTINGS_MODULE": "decision.settings",
    }


def django_prepare(config: Config) -> dict[str, Any]:
    """Migrate, seed, collect static files and create the users; return what the load
    needs to know."""
    import django
    from django.core.management import call_command

    sys.path.insert(0, str(ROOT))
    django.setup()
    from decision.clinic.models import Patient
    from decision.synthetic.cases import mrn_prefix

    say("Migrating.")
    call_command("migrate", interactive=False, verbosity=0)
    present = Patient.objects.filter(mrn__startswith=mrn_prefix(config.seed)).count()
    if present < config.patients:
        say(f"{present:,} synthetic patients present; adding {config.patients - present:,}.")
        call_command(
            "seed_synthetic", patients=config.patients - present, seed=config.seed, force=True
        )
    else:
        say(f"{present:,} synthetic patients present; nothing to add.")
    say("Collecting static files.")
    call_command("collectstatic", interactive=False, verbosity=0)
    users = users_ensure()
    say("Vacuuming and analysing the database.")
    database_tidy()
    patient_ids = [
        str(pk)
        for pk in Patient.objects.filter(mrn__startswith=mrn_prefix(config.seed))
        .order_by("mrn")
        .values_list("pk", flat=True)[:1000]
    ]
    return {"users": users, "patient_ids": patient_ids, "patients": Patient.objects.count()}


def database_tidy() -> None:
    """VACUUM (ANALYZE) the whole database, so that every run starts from the state
    autovacuum keeps a server in: earlier runs' dead rows (each submission replaces its
    patient's row in the board queue) cleared, the visibility map that index-only scans
    need up to date, the planner's statistics fresh. A server with autovacuum off (see
    ``postgresql_autovacuum`` in the results) would otherwise measure a database that
    grows more bloated with each run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def users_ensure() -> dict[str, Any]:
    """One active user per role, with this run's password and no lockout."""
    from axes.utils import reset
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    users = {}
    for role, username in USERS.items():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        reset(username=username)
        users[role] = user
    return users


# --- Query plans -------------------------------------------------------------------------


def _plan_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = [node]
    for child in node.get("Plans", []):
        nodes.extend(_plan_nodes(child))
    return nodes


def _select_of(sql: str) -> str | None:
    """The SELECT statement of a captured query, or None for anything else."""
    text = sql.strip()
    if text.upper().startswith("DECLARE"):
        text = re.split(r"\bFOR\b", text, maxsplit=1, flags=re.IGNORECASE)[1].strip()
    if not text.upper().startswith("SELECT") or "FOR UPDATE" in text.upper():
        return None
    return text


def explain(sql: str) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (document,) = cursor.fetchone()
    plan = (json.loads(document) if isinstance(document, str) else document)[0]
    nodes = _plan_nodes(plan["Plan"])
    return {
        "execution_ms": round(plan["Execution Time"], 2),
        "indexes": sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
        "seq_scans": sorted({n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"}),
    }


def plans_record(context: dict[str, Any]) -> list[dict[str, Any]]:
    """EXPLAIN ANALYZE every query the list pages run, with each filter they offer."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from decision.clinic.models import Patient

    users = context["users"]
    sample = Patient.objects.filter(pk=context["patient_ids"][len(context["patient_ids"]) // 2])
    mrn, family_name = sample.values_list("mrn", "family_name").get()
    month_start = (date.today() - timedelta(days=180)).replace(day=1)
    month_end = (month_start + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    dates = f"date_from={month_start}&date_to={month_end}"
    surgeon = users["surgeon"].pk
    pages: list[tuple[str, str, str, dict[str, str] | None]] = [
        ("patient list", "surgeon", "/patients/", {"query": ""}),
        ("patient search: MRN", "surgeon", "/patients/", {"query": mrn.lower()}),
        ("patient search: name prefix", "surgeon", "/patients/", {"query": family_name[:3]}),
        ("board queue", "tumor_board", "/board/", None),
        ("board queue: recommendation", "tumor_board", "/board/?recommendation=SYSTEMIC_THERAPY",
         None),
        ("board queue: risk group", "tumor_board", "/board/?risk_group=undetermined", None),
        ("board queue: intent", "tumor_board", "/board/?intent=workup", None),
        ("board queue: surgeon", "tumor_board", f"/board/?surgeon={surgeon}", None),
        ("board queue: encounter dates", "tumor_board", f"/board/?{dates}", None),
        ("audit log", "auditor", "/audit/", {}),
        ("audit log: user", "auditor", "/audit/", {"user": "bench-surgeon"}),
        ("audit log: action", "auditor", "/audit/", {"action": "assessment.superseded"}),
        ("audit log: patient", "auditor", "/audit/", {"patient": mrn}),
        ("audit log: dates", "auditor", "/audit/",
         {"date_from": str(month_start), "date_to": str(month_end)}),
    ]  # fmt: skip
    clients = {}
    for role, user in users.items():
        clients[role] = Client(HTTP_HOST="127.0.0.1")
        clients[role].force_login(user)
    records = []
    for label, role, path, posted in pages:
        client = clients[role]
        if posted is not None:
            client.post(path, posted)  # the filters are kept in the session
        client.get(path)  # settle the session before measuring
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            page_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise BenchError(f"{path} answered {response.status_code} while recording plans.")
        queries = []
        for query in captured.captured_queries:
            select = _select_of(query["sql"])
            if select is not None:
                queries.append({"sql": select[:300], **explain(select)})
        records.append(
            {
                "page": label,
                "path": path.split("?")[0],
                "page_ms": round(page_ms, 1),
                "database_ms": round(sum(q["execution_ms"] for q in queries), 2),
                "indexes": sorted({name for q in queries for name in q["indexes"]}),
                "seq_scans": sorted({name for q in queries for name in q["seq_scans"]}),
                "queries": queries,
            }
        )
    return records


# --- Processes ---------------------------------------------------------------------------


def rules_rate() -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_rules.py"), "--json", "--seconds", "3"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def port_free(port: int) -> None:
    with socket.socket() as probe:
        # As gunicorn binds: connections of an earlier run still in TIME_WAIT do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise BenchError(
                f"Port {port} on 127.0.0.1 is in use; choose another with BENCH_PORT."
            ) from None


class Gunicorn:
    """gunicorn in its own process group, stopped (group and all) when the run ends."""

    def __init__(self, config: Config, environment: dict[str, str], log: Path) -> None:
        self.url = f"http://127.0.0.1:{config.port}"
        self.log = log
        command = [
            str(BIN / "gunicorn"),
            "decision.wsgi",
            "--bind",
            f"127.0.0.1:{config.port}",
            "--workers",
            str(config.workers),
            "--worker-tmp-dir",
            "/dev/shm" if Path("/dev/shm").is_dir() else tempfile.gettempdir(),
        ]
        with log.open("w") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **environment},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start-up; see {self.log}:\n{self.tail()}")
            if self.answers_quickly(within=2.0):
                return
            time.sleep(0.5)
        raise BenchError(f"gunicorn did not answer /healthz within {timeout:g} s; see {self.log}.")

    def answers_quickly(self, within: float) -> bool:
        """Whether /healthz answers 200 within ``within`` seconds."""
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{self.url}/healthz", timeout=within) as answer,
        ):
            return answer.status == 200
        return False

    def settle(self) -> None:
        """Wait until requests left over from the last scenario have been served."""
        quick = 0
        deadline = time.monotonic() + 60
        while quick < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            healthy = self.answers_quickly(within=10.0)
            quick = quick + 1 if healthy and time.monotonic() - started < 0.05 else 0
            time.sleep(0.2)
        time.sleep(1)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process, from /proc."""
        sizes = []
        for pid in _child_pids(self.process.pid):
            with contextlib.suppress(OSError, StopIteration):
                lines = Path(f"/proc/{pid}/status").read_text().splitlines()
                rss = next(line for line in lines if line.startswith("VmRSS:"))
                sizes.append(int(rss.split()[1]) / 1024)
        return sorted(sizes)

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text().splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --- Where the CPU time goes ------------------------------------------------------------

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (empty once it has gone)."""
    with contextlib.suppress(OSError, IndexError):
        # The command name is in parentheses and may hold spaces.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return []


def _family_cpu_seconds(parent: int, *, with_parent: bool) -> float:
    """CPU time (user and system) of ``parent``'s child processes so far, those that have
    ended included: their time is added to the parent's when it reaps them. With
    ``with_parent``, the parent's own time too."""
    stat = _proc_stat(parent)
    if not stat:
        return 0.0
    ticks = int(stat[13]) + int(stat[14])  # ended children: cutime, cstime
    if with_parent:
        ticks += int(stat[11]) + int(stat[12])
    for child in _child_pids(parent):
        stat = _proc_stat(child)
        if stat:
            ticks += int(stat[11]) + int(stat[12])
    return ticks / _TICKS_PER_SECOND


def _child_pids(parent: int) -> list[int]:
    """The processes whose parent is ``parent``, from /proc."""
    pids = []
    for path in Path("/proc").glob("[0-9]*/stat"):
        stat = _proc_stat(int(path.parent.name))
        if stat and int(stat[1]) == parent:
            pids.append(int(path.parent.name))
    return pids


def _postmaster_pid() -> int | None:
    """PostgreSQL's main process on this host, if it runs here."""
    names = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            names[int(comm.parent.name)] = comm.read_text().strip()
    for pid, name in names.items():
        stat = _proc_stat(pid)
        if name == "postgres" and stat and names.get(int(stat[1])) != "postgres":
            return pid
    return None


def _machine_busy_and_total() -> tuple[int, int]:
    """Busy and total jiffies of every CPU since boot, from /proc/stat."""
    with contextlib.suppress(OSError, ValueError):
        numbers = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = numbers[3] + (numbers[4] if len(numbers) > 4 else 0)  # idle + iowait
        return sum(numbers[:8]) - idle, sum(numbers[:8])
    return 0, 0


class CpuMeter:
    """CPU seconds spent by the app's workers, PostgreSQL and the load generator while
    a scenario runs, and how busy the machine's CPUs were: where a request's time goes.
    PostgreSQL counts only when it runs on this host. A scenario played in several rounds
    enters the same meter once per round; the figures add up."""

    def __init__(self, server: Gunicorn) -> None:
        postmaster = _postmaster_pid()
        self.groups = {
            "app_workers": lambda: _family_cpu_seconds(server.process.pid, with_parent=False),
            # Every PostgreSQL process: connections, WAL writer, checkpointer and the rest.
            "postgresql": lambda: (
                _family_cpu_seconds(postmaster, with_parent=True) if postmaster else 0.0
            ),
            # Locust runs as this process's child, reaped when its scenario ends.
            "load_generator": self._children_cpu_seconds,
        }
        self.spent = dict.fromkeys(self.groups, 0.0)
        self.machine_busy_jiffies = self.machine_jiffies = 0

    def __enter__(self) -> CpuMeter:
        self.before = {group: seconds() for group, seconds in self.groups.items()}
        self.machine_before = _machine_busy_and_total()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for group, seconds in self.groups.items():
            self.spent[group] += seconds() - self.before[group]
        busy, total = _machine_busy_and_total()
        self.machine_busy_jiffies += busy - self.machine_before[0]
        self.machine_jiffies += total - self.machine_before[1]

    @property
    def machine_busy(self) -> float:
        return self.machine_busy_jiffies / self.machine_jiffies if self.machine_jiffies else 0.0

    @staticmethod
    def _children_cpu_seconds() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def per_request_ms(self, requests: int) -> dict[str, float]:
        """CPU milliseconds per request, by process, and the machine's busy share."""
        figures = {
            group: round(seconds * 1000 / requests, 2) if requests else 0.0
            for group, seconds in self.spent.items()
        }
        return {**figures, "machine_busy_share": round(self.machine_busy, 2)}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sessions_log_in(url: str, username: str, count: int) -> list[dict[str, str]]:
    """``count`` sessions of ``username``, each logged in through the real login form
    (its page, its CSRF token, its POST); returns each session's cookies."""
    sessions = []
    for _ in range(count):
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirects()
        )
        with browser.open(f"{url}/login/", timeout=30) as page:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
        if token is None:
            raise BenchError("The login page has no CSRF token.")
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
        try:
            browser.open(f"{url}/login/", data=urlencode(form).encode(), timeout=30)
        except urllib.error.HTTPError as answer:
            if answer.code != 302:
                raise BenchError(f"Logging in {username} answered {answer.code}.") from None
        else:
            raise BenchError(f"Logging in {username} was refused (the form came back).")
        cookies = {cookie.name: cookie.value for cookie in jar}
        if "sessionid" not in cookies:
            raise BenchError(f"Logging in {username} gave no session.")
        sessions.append(cookies)
    return sessions


def locust_run(
    user_class: str,
    *,
    users: int,
    url: str,
    seconds: int,
    environment: dict[str, str],
    work: Path,
) -> dict[str, dict[str, Any]]:
    """Run one Locust scenario headless in its own process; return its statistics by
    request name."""
    stats_file = work / f"{user_class}-{users}.json"
    log = work / f"{user_class}-{users}.log"
    command = [
        str(BIN / "locust"),
        "--locustfile", str(LOCUSTFILE),
        "--headless",
        "--users", str(users),
        "--spawn-rate", str(users),
        "--run-time", f"{seconds}s",
        "--host", url,
        "--reset-stats",
        "--only-summary",
        "--json-file", str(stats_file.with_suffix("")),
        "--exit-code-on-error", "0",
        "--loglevel", "WARNING",
        user_class,
    ]  # fmt: skip
    with log.open("w") as output:
        finished = subprocess.run(
            command,
            cwd=ROOT,
            env={**os.environ, **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=seconds + 120,
            check=False,
        )
    if finished.returncode != 0 or not stats_file.exists():
        raise BenchError(f"Locust scenario {user_class} failed; see {log}.")
    return {entry["name"]: entry for entry in json.loads(stats_file.read_text())}


def percentile(entries: list[dict[str, Any]], share: float) -> float:
    """A percentile of the response times of Locust's entries for one request name, one
    per round, from their histograms together (milliseconds, as Locust rounds)."""
    counts: dict[float, int] = {}
    for entry in entries:
        for ms, count in entry["response_times"].items():
            counts[float(ms)] = counts.get(float(ms), 0) + count
    histogram = sorted(counts.items())
    wanted, seen = share * sum(counts.values()), 0
    for ms, count in histogram:
        seen += count
        if seen >= wanted:
            return ms
    return histogram[-1][0] if histogram else 0.0


def summarise(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Requests, failures, rate and percentiles of one request name over every round of a
    scenario: the rate is all requests over all rounds' measured time."""
    window = sum(entry["last_request_timestamp"] - entry["start_time"] for entry in entries)
    requests = sum(entry["num_requests"] for entry in entries)
    return {
        "requests": requests,
        "failures": sum(entry["num_failures"] for entry in entries),
        "seconds": round(window, 2),
        "rps": round(requests / window, 1) if window > 0 else 0.0,
        "p50_ms": percentile(entries, 0.50),
        "p95_ms": percentile(entries, 0.95),
        "p99_ms": percentile(entries, 0.99),
    }


# --- Reporting ---------------------------------------------------------------------------


def target_text(figure: str) -> str:
    if figure not in TARGETS:
        return ""
    comparison, value = TARGETS[figure]
    sign = "≥" if comparison == ">=" else "≤"
    return f"{sign} {value:,g}"


def target_met(figure: str, value: float) -> bool | None:
    if figure not in TARGETS:
        return None
    comparison, target = TARGETS[figure]
    return value >= target if comparison == ">=" else value <= target


def markdown_table(results: dict[str, Any]) -> str:
    rows = ["| figure | measured | target | |", "|---|---:|---|---|"]
    for figure in FIGURES:
        value = results[figure]
        shown = f"{value:.2f}" if figure.endswith("ratio") else f"{value:,.0f}"
        met = target_met(figure, value)
        verdict = "" if met is None else ("met" if met else "**missed**")
        rows.append(f"| `{figure}` | {shown} | {target_text(figure)} | {verdict} |")
    return "\n".join(rows)


def cpu_table(scenarios: dict[str, Any]) -> str:
    """Where each scenario's CPU time went, per request, by process."""
    rows = [
        "| scenario | rps | app workers | PostgreSQL | load generator | machine busy |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, scenario in scenarios.items():
        cpu = scenario["cpu_ms_per_request"]
        rows.append(
            f"| {name} | {scenario['rps']:,.0f} | {cpu['app_workers']:.2f} ms "
            f"| {cpu['postgresql']:.2f} ms | {cpu['load_generator']:.2f} ms "
            f"| {cpu['machine_busy_share']:.0%} |"
        )
    return "\n".join(rows)


def git_commit() -> dict[str, Any]:
    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
    }


# --- The run -----------------------------------------------------------------------------


def run(config: Config) -> dict[str, Any]:
    database_ensure(config.database_url)
    environment = server_environment(config)
    # The server logs as configured (INFO by default); this process only what goes wrong.
    environment["DJANGO_LOG_LEVEL"] = os.environ.get("DJANGO_LOG_LEVEL") or "INFO"
    os.environ.update({**environment, "DJANGO_LOG_LEVEL": "WARNING"})
    context = django_prepare(config)
    say("Recording query plans (EXPLAIN ANALYZE) of the list pages.")
    plans = plans_record(context)
    say("Timing the rules service in-process.")
    rules = rules_rate()

    from django.db import connections

    connections.close_all()
    port_free(config.port)
    work = Path(tempfile.mkdtemp(prefix="crlm-bench-"))
    ids_file = work / "patient_ids.json"
    ids_file.write_text(json.dumps(context["patient_ids"]))
    say(f"Starting gunicorn ({config.workers} workers) on 127.0.0.1:{config.port}; logs in {work}.")
    server = Gunicorn(config, environment, work / "gunicorn.log")
    scenarios: dict[str, dict[str, Any]] = {}
    try:
        server.wait_until_healthy()
        say(f"Logging in {config.users} sessions per role through the login form.")
        sessions = {
            role: sessions_log_in(server.url, USERS[role], config.users)
            for role in ("surgeon", "tumor_board")
        }
        sessions_file = work / "sessions.json"
        sessions_file.write_text(json.dumps(sessions))
        locust_environment = {
            "BENCH_SESSIONS_FILE": str(sessions_file),
            "BENCH_PATIENT_IDS_FILE": str(ids_file),
        }

        def play(user_class: str, *, seconds: int, users: int, cpu: CpuMeter) -> dict:
            """One round of a scenario; returns Locust's statistics by request name."""
            server.settle()
            say(f"Scenario {user_class}: {users} users, {seconds} s.")
            with cpu:
                return locust_run(
                    user_class,
                    users=users,
                    url=server.url,
                    seconds=seconds,
                    environment=locust_environment,
                    work=work,
                )

        def summary(name: str, users: int, rounds: list[dict], cpu: CpuMeter, spent: float):
            if any(name not in stats for stats in rounds):
                raise BenchError(f"Locust recorded no {name!r} requests; see {work}.")
            result = {"users": users, **summarise([stats[name] for stats in rounds])}
            result["rounds_rps"] = [summarise([stats[name]])["rps"] for stats in rounds]
            # Every request of the scenario, the named one and any other (e.g. the form
            # page before a post), shares the CPU time.
            total = sum(
                entry["num_requests"]
                for stats in rounds
                for other, entry in stats.items()
                if other != "Aggregated"
            )
            result["cpu_ms_per_request"] = cpu.per_request_ms(total)
            result["scenario_seconds"] = round(spent, 1)
            others = {other for stats in rounds for other in stats} - {name, "Aggregated"}
            result["other_requests"] = {
                other: summarise([stats[other] for stats in rounds if other in stats])
                for other in sorted(others)
            }
            return result

        def scenario(user_class: str, name: str, *, seconds: int, users: int) -> dict[str, Any]:
            cpu, started = CpuMeter(server), time.monotonic()
            stats = play(user_class, seconds=seconds, users=users, cpu=cpu)
            return summary(name, users, [stats], cpu, time.monotonic() - started)

        def in_turn(plays: list[tuple[str, str]], *, rounds: int, seconds: int, users: int):
            """Scenarios played one after the other, round after round, so that a change
            in the machine's speed during the run weighs on each alike."""
            meters = [CpuMeter(server) for _ in plays]
            played: list[list[dict]] = [[] for _ in plays]
            spent = [0.0 for _ in plays]
            for _ in range(rounds):
                for index, (user_class, _name) in enumerate(plays):
                    started = time.monotonic()
                    stats = play(user_class, seconds=seconds, users=users, cpu=meters[index])
                    played[index].append(stats)
                    spent[index] += time.monotonic() - started
            return [
                summary(name, users, played[index], meters[index], spent[index])
                for index, (_user_class, name) in enumerate(plays)
            ]

        full, users = config.seconds, config.users
        scenario("WarmUpUser", "warm-up", seconds=min(full, 5), users=users)
        # The baseline and submissions alone (each user opened the form once, for its
        # CSRF token) in turn, their ratio being the figure; then a surgeon's whole
        # round: open the form, submit it.
        scenarios["baseline"], scenarios["assessment_post"] = in_turn(
            [("BaselineUser", "baseline"), ("SurgeonPostingOnlyUser", "assessment post")],
            rounds=config.rounds,
            seconds=max(full // 2, 1),
            users=users,
        )
        scenarios["assessment_form_and_post"] = scenario(
            "SurgeonPostingUser", "assessment post", seconds=full, users=users
        )
        scenarios["board_queue"] = scenario(
            "BoardQueueUser", "board queue", seconds=full, users=users
        )
        scenarios["patient_list"] = scenario(
            "PatientListUser", "patient list", seconds=full, users=users
        )
        # One user at a time: the pages' own time, without waiting behind other requests.
        half = max(full // 2, 1)
        scenarios["board_queue_one_user"] = scenario(
            "BoardQueueUser", "board queue", seconds=half, users=1
        )
        scenarios["patient_list_one_user"] = scenario(
            "PatientListUser", "patient list", seconds=half, users=1
        )
        worker_rss = server.worker_rss_mb()
    finally:
        server.stop()

    verified = None
    if config.verify:
        from django.core.management import call_command

        say("Verifying the audit chain and every content hash.")
        report = _captured(call_command, "verify_audit")
        verified = report.splitlines()[0] if report else ""

    baseline_rps = scenarios["baseline"]["rps"]
    post_rps = scenarios["assessment_post"]["rps"]
    results: dict[str, Any] = {
        "rules_evals_per_s": rules["rules_evals_per_s"],
        "baseline_rps": baseline_rps,
        "assessment_post_rps": post_rps,
        "assessment_post_p95_ms": scenarios["assessment_post"]["p95_ms"],
        "assessment_post_ratio": round(post_rps / baseline_rps, 3) if baseline_rps else 0.0,
        # Each round's own ratio, to show how far they spread.
        "assessment_post_ratio_rounds": [
            round(post / baseline, 3) if baseline else 0.0
            for baseline, post in zip(
                scenarios["baseline"]["rounds_rps"],
                scenarios["assessment_post"]["rounds_rps"],
                strict=True,
            )
        ],
        "assessment_form_and_post_rps": scenarios["assessment_form_and_post"]["rps"],
        "board_queue_p95_ms": scenarios["board_queue"]["p95_ms"],
        "board_queue_one_user_p95_ms": scenarios["board_queue_one_user"]["p95_ms"],
        "patient_list_p95_ms": scenarios["patient_list"]["p95_ms"],
        "patient_list_one_user_p95_ms": scenarios["patient_list_one_user"]["p95_ms"],
        "worker_rss_mb": round(max(worker_rss), 1) if worker_rss else 0.0,
        "patients": context["patients"],
    }
    results["targets"] = {name: target_text(name) for name in TARGETS}
    results["targets_met"] = {name: target_met(name, results[name]) for name in TARGETS}
    results["meta"] = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        **git_commit(),
        "cpu_count": os.cpu_count(),
        "gunicorn_workers": config.workers,
        "locust_users": config.users,
        "seconds_per_scenario": config.seconds,
        "baseline_and_post_rounds": config.rounds,
        "python": platform.python_version(),
        "postgresql": _postgresql_setting("server_version"),
        "postgresql_autovacuum": _postgresql_setting("autovacuum"),
        "worker_rss_mb_each": [round(size, 1) for size in worker_rss],
        "rules": rules,
        "verify_audit": verified,
        "load_generator": "Locust (FastHttpUser), a separate process on the same host",
    }
    results["scenarios"] = scenarios
    results["plans"] = plans
    return results


def _captured(function, *arguments) -> str:
    out = io.StringIO()
    with contextlib.suppress(SystemExit):
        function(*arguments, stdout=out)
    return out.getvalue()


def _postgresql_setting(name: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def main() -> int:
    # Settings come from the environment; the command line only asks for help, which
    # would otherwise start a whole run.
    summary, _, details = __doc__.partition("\n\n")
    argparse.ArgumentParser(
        prog="bench/run_bench.py",
        description=summary.replace("``", ""),
        epilog=details.replace("``", ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).parse_args()

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        config = Config.from_environment()
        results = run(config)
    except BenchError as error:
        print(f"make bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("make bench: interrupted; gunicorn stopped.", file=sys.stderr)
        return 130
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    say("")
    say(
        f"{results['patients']:,} patients; {results['meta']['cpu_count']} CPUs; "
        f"{config.workers} gunicorn workers; {config.users} Locust users; "
        f"{config.seconds} s per scenario; the baseline and submissions in turn, "
        f"{config.rounds} rounds of {max(config.seconds // 2, 1)} s each."
    )
    say("")
    say(markdown_table(results))
    rounds = ", ".join(f"{ratio:.2f}" for ratio in results["assessment_post_ratio_rounds"])
    say(f"\n`assessment_post_ratio` round by round: {rounds}.")
    say("")
    say("CPU time per request, by process (all requests of each scenario):")
    say("")
    say(cpu_table(results["scenarios"]))
    say("")
    say("Query plans (EXPLAIN ANALYZE, database time of every query of one page load):")
    for plan in results["plans"]:
        scans = f"; sequential scans: {', '.join(plan['seq_scans'])}" if plan["seq_scans"] else ""
        say(
            f"  {plan['page']:<30} {plan['database_ms']:>8.1f} ms  "
            f"indexes: {', '.join(plan['indexes']) or '-'}{scans}"
        )
    if results["meta"]["verify_audit"]:
        say(f"\nverify_audit: {results['meta']['verify_audit']}")
    say(f"\nWritten to {RESULTS.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
