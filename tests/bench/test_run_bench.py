"""``make bench``'s command line (settings come from the environment), and the state of
the database it measures."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_assessment, make_patient

RUN_BENCH = Path(__file__).resolve().parents[2] / "bench" / "run_bench.py"
# Were an argument to start a run after all, it would stop at once on this address.
UNREACHABLE = {"BENCH_DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "PATH": "/usr/bin"}


def _run_bench(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(RUN_BENCH), *arguments],
        env=UNREACHABLE,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_describes_the_run_and_its_settings_without_starting_one():
    answer = _run_bench("--help")
    assert answer.returncode == 0
    for setting in ("BENCH_DATABASE_URL", "BENCH_PATIENTS", "BENCH_SECONDS", "BENCH_WORKERS"):
        assert setting in answer.stdout
    assert "PostgreSQL" not in answer.stderr


def test_an_unknown_argument_is_refused_instead_of_ignored():
    answer = _run_bench("--patients", "5")
    assert answer.returncode == 2
    assert "unrecognized arguments: --patients 5" in answer.stderr


def _run_bench_module():
    spec = importlib.util.spec_from_file_location("run_bench", RUN_BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _vacuum_state(table: str) -> tuple[object, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum, n_dead_tup FROM pg_stat_user_tables WHERE relname = %s",
            [table],
        )
        return cursor.fetchone()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_run_starts_from_a_vacuumed_database(surgeon):
    patient = make_patient(surgeon)
    for _ in range(3):  # each replaces the patient's row in the board queue
        make_assessment(patient, surgeon)
    vacuumed_before, _ = _vacuum_state("clinic_currentassessment")
    _run_bench_module().database_tidy()
    vacuumed, dead_rows = _vacuum_state("clinic_currentassessment")
    assert vacuumed is not None and (vacuumed_before is None or vacuumed > vacuumed_before)
    assert dead_rows == 0


def _round(requests: int, failures: int, started: float, times: dict[str, int]) -> dict:
    """Locust's statistics of one request name in a round of 10 seconds."""
    return {
        "num_requests": requests,
        "num_failures": failures,
        "start_time": started,
        "last_request_timestamp": started + 10.0,
        "response_times": times,
    }


def test_the_rounds_of_a_scenario_are_summarised_together():
    summarise = _run_bench_module().summarise
    first_round = _round(100, 0, 1000.0, {"10": 95, "50": 5})
    second_round = _round(300, 1, 1100.0, {"10": 200, "20": 100})
    summary = summarise([first_round, second_round])
    assert (summary["requests"], summary["failures"]) == (400, 1)
    # 400 requests in the rounds' 20 measured seconds, not the 110 s from first to last.
    assert (summary["seconds"], summary["rps"]) == (20.0, 20.0)
    # Of the 400 times, 295 are 10 ms, 100 are 20 ms and 5 are 50 ms.
    assert (summary["p50_ms"], summary["p95_ms"], summary["p99_ms"]) == (10.0, 20.0, 50.0)
