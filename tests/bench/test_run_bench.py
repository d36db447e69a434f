"""``make bench``'s command line: settings come from the environment."""

import subprocess
import sys
from pathlib import Path

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
