"""The rules service is plain Python: no Django, no clock, no I/O."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import decision.rules

RULES_DIR = Path(decision.rules.__file__).parent
PROJECT_ROOT = RULES_DIR.parent.parent

# Runs in a fresh interpreter in which importing django fails, then imports and uses
# every module of the package.
WITHOUT_DJANGO = """
import importlib, pkgutil, sys
from datetime import date

sys.modules["django"] = None  # any "import django..." now raises ImportError

import decision.rules
for module in pkgutil.iter_modules(decision.rules.__path__):
    importlib.import_module(f"decision.rules.{module.name}")

raw = {
    "fit_for_surgery": True, "symptomatic_primary": False, "primary_resected": False,
    "liver_metastases_diagnosis_date": "2024-01-01", "staging_complete": True,
    "liver_resectability": "resectable",
}
result = decision.rules.evaluate(
    decision.rules.parse_findings(raw, as_of=date(2024, 6, 1)), as_of=date(2024, 6, 1)
)
assert result.to_dict()["recommendation"]["code"] == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
loaded = [name for name, mod in sys.modules.items() if name.split(".")[0] == "django" and mod]
assert not loaded, loaded
print("ok")
"""


def test_the_package_imports_and_evaluates_where_django_cannot_be_imported():
    completed = subprocess.run(
        [sys.executable, "-c", WITHOUT_DJANGO],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ok"


SOURCES = sorted(RULES_DIR.glob("*.py"))

FORBIDDEN = {
    "a Django import": r"^\s*(import|from)\s+django\b",
    "the clock": r"today\(|datetime\.now|\.now\(|time\.time|perf_counter|monotonic",
    "file or network I/O": r"\bopen\(|urlopen|socket|requests\.",
    "printing": r"\bprint\(|sys\.std(out|err|in)",
    "randomness": r"\brandom\b|uuid",
    "the environment": r"os\.environ|getenv",
}


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
@pytest.mark.parametrize("what", FORBIDDEN)
def test_no_module_uses(source, what):
    text = source.read_text(encoding="utf-8")
    assert not re.search(FORBIDDEN[what], text, flags=re.MULTILINE), f"{source.name}: {what}"


def test_the_checks_cover_every_module():
    assert {path.name for path in SOURCES} >= {
        "__init__.py",
        "knowledge.py",
        "findings.py",
        "derived.py",
        "crs.py",
        "recommendation.py",
        "result.py",
        "jsonio.py",
    }
