"""Instructions a command executes, counted by ``valgrind --tool=callgrind``: unlike
times, the count does not move with the load on a shared machine."""

from __future__ import annotations

import re
import shutil
import subprocess


def instructions(command: list[str], env: dict[str, str] | None = None) -> int:
    """The instructions ``command`` executes from start to exit (valgrind must be
    installed: the Debian package)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind).")
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    collected = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or collected is None:
        raise SystemExit(f"the run under valgrind failed:\n{run.stderr[-2000:]}")
    return int(collected.group(1))
