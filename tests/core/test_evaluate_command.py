"""`python manage.py evaluate`: the evaluator's contract (spec section 7)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-27"

EXAMPLE_1 = {
    "fit_for_surgery": True,
    "symptomatic_primary": False,
    "primary_resected": False,
    "liver_metastases_diagnosis_date": "2026-10-01",
    "primary_node_positive": True,
    "liver_tumor_count": 3,
    "largest_liver_tumor_cm": 6,
    "cea_ng_ml": 250,
    "staging_complete": True,
    "liver_resectability": "resectable",
}
TOP_LEVEL_KEYS = {"ruleset", "derived", "fong_crs", "recommendation", "notes", "trace", "sources"}


def run_evaluate(*args: str, stdin: bytes = b"") -> tuple[int, bytes]:
    """Run the command in-process; return its exit status and the bytes it wrote."""
    out = io.BytesIO()
    try:
        call_command("evaluate", *args, stdin=io.BytesIO(stdin), stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def errors_of(output: bytes) -> dict[str, list[str]]:
    document = json.loads(output.decode("utf-8"))
    assert list(document) == ["errors"]
    return document["errors"]


@pytest.fixture
def example_file(tmp_path) -> Path:
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(EXAMPLE_1), encoding="utf-8")
    return path


def test_it_evaluates_a_file(example_file):
    status, output = run_evaluate(str(example_file), "--as-of", AS_OF)
    assert status == 0
    result = json.loads(output)
    assert set(result) == TOP_LEVEL_KEYS
    assert result["recommendation"]["code"] == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
    assert result["fong_crs"]["score"] == 5


@pytest.mark.parametrize("args", [(), ("-",)])
def test_it_evaluates_standard_input(args):
    status, output = run_evaluate(*args, "--as-of", AS_OF, stdin=json.dumps(EXAMPLE_1).encode())
    assert status == 0
    assert json.loads(output)["recommendation"]["code"] == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"


def test_the_same_input_gives_byte_identical_output(example_file):
    first = run_evaluate(str(example_file), "--as-of", AS_OF)
    second = run_evaluate("--as-of", AS_OF, stdin=example_file.read_bytes())
    assert first == second
    assert first[1].endswith(b"\n")
    assert "–".encode() in first[1]  # UTF-8 text, not \u escapes


def test_the_evaluation_date_decides_what_is_in_the_future(example_file):
    status, output = run_evaluate(str(example_file), "--as-of", "2026-09-30")
    assert status == 1
    assert errors_of(output) == {
        "liver_metastases_diagnosis_date": ["Must not be after the evaluation date (2026-09-30)."]
    }
    assert run_evaluate(str(example_file), "--as-of", "2026-10-01")[0] == 0


def test_it_defaults_the_evaluation_date_to_today():
    past = {**EXAMPLE_1, "liver_metastases_diagnosis_date": "2020-01-01"}
    assert run_evaluate(stdin=json.dumps(past).encode())[0] == 0
    future = {**EXAMPLE_1, "liver_metastases_diagnosis_date": "9999-12-31"}
    status, output = run_evaluate(stdin=json.dumps(future).encode())
    assert status == 1
    assert list(errors_of(output)) == ["liver_metastases_diagnosis_date"]


def test_example_6_names_both_offending_fields():
    raw = {**EXAMPLE_1, "primary_resected": True, "symptomatic_primary": True}
    status, output = run_evaluate("--as-of", AS_OF, stdin=json.dumps(raw).encode())
    assert status == 1
    assert set(errors_of(output)) == {"symptomatic_primary", "primary_resection_date"}


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        (b"", "__all__"),
        (b"\xff\xfe\x00", "__all__"),
        (b"[1, 2]", "__all__"),
        (b'"findings"', "__all__"),
        (b"42", "__all__"),
        (b"{", "__all__"),
        (b"[" * 100_000, "__all__"),
        (b"{" + b" " * 1_000_001 + b"}", "__all__"),
        (b'{"cea_ng_ml": ' + b"7" * 10_000 + b"}", "__all__"),
    ],
)
def test_input_that_is_not_a_json_object_is_an_error_on_the_whole(stdin, field):
    status, output = run_evaluate("--as-of", AS_OF, stdin=stdin)
    assert status == 1
    errors = errors_of(output)
    assert list(errors) == [field]
    assert errors[field]


def test_nan_is_an_error_on_its_field():
    body = json.dumps({**EXAMPLE_1, "cea_ng_ml": float("nan")}).encode()
    assert b"NaN" in body
    status, output = run_evaluate("--as-of", AS_OF, stdin=body)
    assert status == 1
    assert errors_of(output) == {"cea_ng_ml": ["Must be a finite number."]}


def test_a_duplicate_key_is_an_error_on_its_field():
    body = json.dumps(EXAMPLE_1).encode()[:-1] + b', "liver_tumor_count": 1}'
    status, output = run_evaluate("--as-of", AS_OF, stdin=body)
    assert status == 1
    assert errors_of(output) == {"liver_tumor_count": ["Given more than once."]}


def test_an_unknown_key_is_an_error_on_that_key():
    body = json.dumps({**EXAMPLE_1, "cea": 250}).encode()
    status, output = run_evaluate("--as-of", AS_OF, stdin=body)
    assert status == 1
    assert errors_of(output) == {"cea": ["Not a known finding; check the spelling."]}


@pytest.mark.parametrize("as_of", ["27/11/2026", "2026-02-30", "20261127", "", "today"])
def test_a_bad_evaluation_date_is_an_error_on_as_of(example_file, as_of):
    status, output = run_evaluate(str(example_file), f"--as-of={as_of}")
    assert status == 1
    assert errors_of(output) == {"as_of": ["Must be a date in the form YYYY-MM-DD."]}


def test_a_missing_file_is_an_error_on_the_whole(tmp_path):
    status, output = run_evaluate(str(tmp_path / "missing.json"), "--as-of", AS_OF)
    assert status == 1
    (message,) = errors_of(output)["__all__"]
    assert "missing.json" in message


def test_a_directory_is_an_error_on_the_whole(tmp_path):
    status, output = run_evaluate(str(tmp_path), "--as-of", AS_OF)
    assert status == 1
    assert list(errors_of(output)) == ["__all__"]


def test_it_reads_no_more_than_it_needs_to_refuse_oversized_input(tmp_path):
    class Endless(io.RawIOBase):
        """A stream that would never end; reading it all would hang the command."""

        read_total = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            buffer[:] = b" " * len(buffer)
            Endless.read_total += len(buffer)
            return len(buffer)

    out = io.BytesIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("evaluate", "--as-of", AS_OF, stdin=Endless(), stdout=out)
    assert exit_.value.code == 1
    assert list(errors_of(out.getvalue())) == ["__all__"]
    assert Endless.read_total <= 1_000_001 + 64 * 1024


def test_it_writes_text_to_a_text_stream():
    out = io.StringIO()
    call_command(
        "evaluate", "--as-of", AS_OF, stdin=io.BytesIO(json.dumps(EXAMPLE_1).encode()), stdout=out
    )
    assert json.loads(out.getvalue())["fong_crs"]["risk_group"] == "high"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=30), children, max_size=6)
    ),
    max_leaves=20,
)
FINDINGS_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "fit_for_surgery": st.booleans() | JSON_VALUES,
        "symptomatic_primary": st.booleans(),
        "primary_resected": st.booleans(),
        "primary_resection_date": st.dates().map(str) | st.none(),
        "liver_metastases_diagnosis_date": st.dates().map(str) | JSON_VALUES,
        "primary_node_positive": st.booleans() | st.none(),
        "liver_tumor_count": st.integers(-5, 300) | st.none() | JSON_VALUES,
        "largest_liver_tumor_cm": st.floats() | st.none(),
        "cea_ng_ml": st.floats() | st.integers() | st.none(),
        "staging_complete": st.booleans(),
        "liver_resectability": st.sampled_from(["resectable", "unresectable", "undetermined"]),
        "lung_metastases": st.booleans() | JSON_VALUES,
    },
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=200)
    | JSON_VALUES.map(lambda value: json.dumps(value).encode())
    | FINDINGS_LIKE.map(lambda value: json.dumps(value).encode())
)
def test_any_input_gives_exit_0_with_a_result_or_exit_1_with_errors(stdin):
    status, output = run_evaluate("--as-of", AS_OF, stdin=stdin)
    document = json.loads(output.decode("utf-8"))
    if status == 0:
        assert set(document) == TOP_LEVEL_KEYS
    else:
        assert status == 1
        assert list(document) == ["errors"]
        assert document["errors"]


def _manage(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "evaluate", *args],
        cwd=PROJECT_ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_a_real_process_exits_0_with_the_result(example_file):
    completed = _manage(str(example_file), "--as-of", AS_OF)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["recommendation"]["code"] == (
        "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
    )
    assert completed.stderr == b""
    assert completed.stdout == run_evaluate(str(example_file), "--as-of", AS_OF)[1]


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("--as-of", AS_OF), b""),
        (("--as-of", AS_OF), b"\xc3\x28"),
        (("--as-of", AS_OF), b"[" * 100_000),
        (("--as-of", AS_OF), b"{" + b" " * 1_500_000),
        (("-", "--as-of", "2026-13-01"), b"{}"),
        (("/nonexistent/findings.json", "--as-of", AS_OF), b""),
    ],
    ids=["empty", "invalid-utf8", "deep-nesting", "over-1mb", "bad-as-of", "missing-file"],
)
def test_a_real_process_exits_1_with_errors_and_no_traceback(args, stdin):
    completed = _manage(*args, stdin=stdin)
    assert completed.returncode == 1
    assert b"Traceback" not in completed.stdout + completed.stderr
    assert completed.stderr == b""
    assert list(json.loads(completed.stdout)) == ["errors"]


def test_a_real_process_started_with_standard_input_closed_reports_it():
    completed = subprocess.run(
        [sys.executable, "manage.py", "evaluate", "--as-of", AS_OF],
        cwd=PROJECT_ROOT,
        capture_output=True,
        preexec_fn=lambda: os.close(0),
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1
    assert completed.stderr == b""
    assert list(json.loads(completed.stdout)["errors"]) == ["__all__"]


def test_a_real_process_whose_reader_goes_away_exits_quietly(example_file):
    process = subprocess.Popen(
        [sys.executable, "manage.py", "evaluate", str(example_file), "--as-of", AS_OF],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    assert process.wait(timeout=120) in (0, 1)
    assert b"Traceback" not in process.stderr.read()
    process.stderr.close()
