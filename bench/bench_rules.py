"""Benchmark of the rules service: in-process evaluations per second.

Builds a fixed, seeded set of varied valid findings and times, for the given number of
seconds each, (a) ``parse_findings`` + ``evaluate`` + ``to_dict`` and (b) ``evaluate``
alone on already-parsed findings. Each figure is the best of five rounds. Prints a
Markdown table; ``--json`` prints one JSON line instead, with ``rules_evals_per_s`` for (a).
``--instructions`` counts instead the instructions (a) executes per evaluation, under
``valgrind --tool=callgrind``: unlike the rate, the count does not move with the load on
the machine, so a change to the rules can be compared on any host.

    python bench/bench_rules.py [--seconds N] [--json] [--instructions]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callgrind import instructions

from decision.rules import RULESET, evaluate, parse_findings

AS_OF = date(2026, 1, 1)
SEED = 20060116
CASES = 512
ROUNDS = 5


def varied_findings(count: int, seed: int) -> list[dict[str, object]]:
    """``count`` valid JSON-shaped findings covering every rule, unknowns and both
    synchronous and metachronous presentations, always the same for the same seed."""
    rng = random.Random(seed)
    cases: list[dict[str, object]] = []
    for _ in range(count):
        diagnosis = AS_OF - timedelta(days=rng.randint(0, 3650))
        resected = rng.random() < 0.5
        raw: dict[str, object] = {
            "fit_for_surgery": rng.random() < 0.85,
            "symptomatic_primary": (not resected) and rng.random() < 0.3,
            "primary_resected": resected,
            "liver_metastases_diagnosis_date": diagnosis.isoformat(),
            "staging_complete": rng.random() < 0.85,
            "liver_resectability": rng.choice(["resectable", "unresectable", "undetermined"]),
        }
        if resected:
            resection = min(diagnosis - timedelta(days=rng.randint(-60, 1500)), AS_OF)
            raw["primary_resection_date"] = resection.isoformat()
        if rng.random() < 0.8:
            raw["primary_node_positive"] = rng.random() < 0.5
        if rng.random() < 0.8:
            raw["liver_tumor_count"] = rng.randint(1, 8)
        if rng.random() < 0.8:
            raw["largest_liver_tumor_cm"] = round(rng.uniform(0.5, 12), 1)
        if rng.random() < 0.8:
            raw["cea_ng_ml"] = round(rng.uniform(0, 600), 1)
        for name in (
            "portal_lymph_nodes",
            "carcinomatosis",
            "lung_metastases",
            "other_extrahepatic_metastases",
        ):
            if rng.random() < 0.5:
                raw[name] = rng.random() < 0.1
        cases.append(raw)
    return cases


def rate(operation: Callable[[object], object], items: list, seconds: float) -> float:
    """Evaluations per second of ``operation`` cycled over ``items``: the best of
    ``ROUNDS`` rounds sharing ``seconds``, since other processes only ever slow a round."""
    best = 0.0
    for _ in range(ROUNDS):
        done = 0
        start = time.perf_counter()
        deadline = start + seconds / ROUNDS
        while True:
            for item in items:
                operation(item)
            done += len(items)
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, done / (now - start))
    return best


def _full_evaluations(raw_cases: list[dict[str, object]], passes: int) -> None:
    for _ in range(passes):
        for raw in raw_cases:
            evaluate(parse_findings(raw, as_of=AS_OF), as_of=AS_OF).to_dict()


def instructions_per_evaluation() -> float:
    """Instructions of parse_findings + evaluate + to_dict, per evaluation: the difference
    between runs of one and of three passes over the cases, so that start-up cancels out."""
    one, three = (
        instructions([sys.executable, __file__, "--passes", str(passes)]) for passes in (1, 3)
    )
    return (three - one) / (2 * CASES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions per evaluation"
    )
    parser.add_argument("--passes", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    raw_cases = varied_findings(CASES, SEED)
    if args.passes is not None:
        _full_evaluations(raw_cases, args.passes)
        return
    if args.instructions:
        print(
            f"parse_findings + evaluate + to_dict: {instructions_per_evaluation():,.0f}"
            " instructions per evaluation"
        )
        return
    parsed = [parse_findings(raw, as_of=AS_OF) for raw in raw_cases]

    full = rate(
        lambda raw: evaluate(parse_findings(raw, as_of=AS_OF), as_of=AS_OF).to_dict(),
        raw_cases,
        args.seconds,
    )
    evaluate_only = rate(lambda findings: evaluate(findings, as_of=AS_OF), parsed, args.seconds)

    if args.json:
        print(
            json.dumps(
                {
                    "ruleset": f"{RULESET.id}@{RULESET.version}",
                    "cases": CASES,
                    "seed": SEED,
                    "seconds": args.seconds,
                    "python": platform.python_version(),
                    "rules_evals_per_s": round(full),
                    "evaluate_only_per_s": round(evaluate_only),
                },
                sort_keys=True,
            )
        )
        return
    print(f"Rule set {RULESET.id} {RULESET.version}, Python {platform.python_version()}.")
    print(f"{CASES} seeded cases, best of {ROUNDS} rounds in {args.seconds:g} s.\n")
    print("| operation | evaluations/s | µs each |")
    print("|---|---:|---:|")
    for name, per_second in (
        ("parse_findings + evaluate + to_dict", full),
        ("evaluate", evaluate_only),
    ):
        print(f"| {name} | {per_second:,.0f} | {1e6 / per_second:.1f} |")


if __name__ == "__main__":
    main()
