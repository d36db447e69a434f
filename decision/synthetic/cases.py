"""Synthetic patients and their encounters, for tests, demonstrations and benchmarks.

Everything here is invented. The shares and spreads below only make the data varied enough
to exercise every rule, every list and every filter of the app; they are not
epidemiological figures and carry no clinical meaning.

Patient number ``index`` of seed ``seed`` is always the same patient (its own random
generator is seeded with both), so data sets grow reproducibly: seeding 1,000 patients and
then 1,000 more gives the same 2,000 patients as seeding 2,000 at once.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from decision.clinic.models import SYNTHETIC_MRN_PREFIX as MRN_PREFIX

GIVEN_NAME = "Synthetic"
MAX_SEED = 999_999
MAX_INDEX = 9_999_999

# The distribution, in one place; the seed_synthetic command's help repeats it.
SHARE_SYNCHRONOUS = 0.40  # else metachronous: primary resected 1 to 60 months before
SHARE_SYNCHRONOUS_PRIMARY_RESECTED = 0.20  # resected on or after the liver diagnosis
SHARE_FIT = 0.85
SHARE_SYMPTOMATIC = 0.20  # of primaries still in place
NODE_POSITIVE = {True: 0.55, False: 0.35, None: 0.10}  # None: unknown
SHARE_UNKNOWN_COUNT = 0.08
COUNT_RATE = 0.6  # tumor count is 1 + a geometric number (about 45% single), at most 40
SHARE_UNKNOWN_SIZE = 0.08
SIZE_MEDIAN_CM, SIZE_SIGMA = 3.0, 0.6  # log-normal, kept within 0.3 to 25 cm
SHARE_UNKNOWN_CEA = 0.15
CEA_MEDIAN, CEA_SIGMA = 12.0, 1.4  # log-normal, kept within 0.5 to 50,000 ng/mL
EXTRAHEPATIC = {
    "portal_lymph_nodes": 0.03,
    "carcinomatosis": 0.03,
    "lung_metastases": 0.06,
    "other_extrahepatic_metastases": 0.03,
}
SHARE_STAGING_COMPLETE = 0.85
RESECTABILITY = {"resectable": 0.55, "unresectable": 0.30, "undetermined": 0.15}
ASSESSMENTS_PER_PATIENT = {1: 0.60, 2: 0.30, 3: 0.10}
SHARE_CORRECTION = 0.50  # a later assessment corrects the one before; else a new encounter
SEX = {"female": 0.45, "male": 0.53, "other": 0.01, "unknown": 0.01}
HISTORY_DAYS = (200, 5 * 365)  # first encounter this many days before the as-of date
AGE_YEARS = (30, 89)

_SYLLABLES = (
    *("ka", "lo", "mi", "ren", "sa", "to", "vel", "da", "no", "ri", "bel", "cor"),
    *("fen", "gal", "hut", "jor", "mar", "pel", "quin", "ser", "tal", "ven", "wil", "zan"),
)


@dataclass(frozen=True)
class SyntheticAssessment:
    id: uuid.UUID
    idempotency_key: uuid.UUID
    encounter_date: date
    findings: dict[str, Any]
    created_at: datetime
    # Non-empty when this assessment corrects (supersedes) the one before it.
    supersede_reason: str


@dataclass(frozen=True)
class SyntheticPatient:
    index: int
    id: uuid.UUID
    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: str
    created_at: datetime
    assessments: tuple[SyntheticAssessment, ...]


def mrn_prefix(seed: int) -> str:
    """The MRN prefix of one seed's patients; real MRNs never start with ``SYN-``."""
    return f"{MRN_PREFIX}{seed}-"


def mrn_for(seed: int, index: int) -> str:
    return f"{mrn_prefix(seed)}{index:07d}"


def index_from_mrn(seed: int, mrn: str) -> int:
    return int(mrn.removeprefix(mrn_prefix(seed)))


def synthetic_patient(*, seed: int, index: int, as_of: date) -> SyntheticPatient:
    """Patient number ``index`` of ``seed``, with one to three assessments, all before
    ``as_of``. The same arguments always give the same patient."""
    # Reproducible test data, not secrets: a seeded generator is what is wanted here.
    rng = random.Random(f"crlm-synthetic:{seed}:{index}")  # noqa: S311
    first_encounter = as_of - timedelta(days=rng.randint(*HISTORY_DAYS))
    registered = _during_day(rng, first_encounter)
    findings = _first_findings(rng, first_encounter)
    assessments = [
        SyntheticAssessment(
            id=_uuid(rng),
            idempotency_key=_uuid(rng),
            encounter_date=first_encounter,
            findings=findings,
            created_at=registered + timedelta(minutes=rng.randint(5, 60)),
            supersede_reason="",
        )
    ]
    for _ in range(_pick(rng, ASSESSMENTS_PER_PATIENT) - 1):
        assessments.append(_next_assessment(rng, assessments[-1]))
    age = rng.randint(*AGE_YEARS)
    return SyntheticPatient(
        index=index,
        id=_uuid(rng),
        mrn=mrn_for(seed, index),
        family_name=_family_name(rng),
        given_name=GIVEN_NAME,
        date_of_birth=first_encounter - timedelta(days=round(age * 365.25) + rng.randint(0, 364)),
        sex=_pick(rng, SEX),
        created_at=registered,
        assessments=tuple(assessments),
    )


def _first_findings(rng: random.Random, encounter: date) -> dict[str, Any]:
    diagnosed = encounter - timedelta(days=rng.randint(0, 90))
    if rng.random() < SHARE_SYNCHRONOUS:
        resected = rng.random() < SHARE_SYNCHRONOUS_PRIMARY_RESECTED
        resection = diagnosed + timedelta(days=rng.randint(0, (encounter - diagnosed).days))
    else:
        resected = True
        resection = diagnosed - timedelta(days=rng.randint(30, 1800))
    fit = rng.random() < SHARE_FIT
    symptomatic = not resected and rng.random() < SHARE_SYMPTOMATIC
    findings: dict[str, Any] = {
        "fit_for_surgery": fit,
        "symptomatic_primary": symptomatic,
        "primary_resected": resected,
        "primary_resection_date": resection.isoformat() if resected else None,
        "primary_node_positive": _pick(rng, NODE_POSITIVE),
        "liver_metastases_diagnosis_date": diagnosed.isoformat(),
        "liver_tumor_count": None if rng.random() < SHARE_UNKNOWN_COUNT else _tumor_count(rng),
        "largest_liver_tumor_cm": None if rng.random() < SHARE_UNKNOWN_SIZE else _size(rng),
        "cea_ng_ml": None if rng.random() < SHARE_UNKNOWN_CEA else _cea(rng),
    }
    for name, share in EXTRAHEPATIC.items():
        findings[name] = rng.random() < share
    findings["staging_complete"] = rng.random() < SHARE_STAGING_COMPLETE
    findings["liver_resectability"] = _pick(rng, RESECTABILITY)
    return findings


def _next_assessment(rng: random.Random, before: SyntheticAssessment) -> SyntheticAssessment:
    findings = dict(before.findings)
    if rng.random() < SHARE_CORRECTION:
        reason = _correct(rng, findings)
        encounter = before.encounter_date
        created = before.created_at + timedelta(minutes=rng.randint(60, 72 * 60))
    else:
        reason = ""
        encounter = before.encounter_date + timedelta(days=rng.randint(14, 90))
        _follow_up(rng, findings)
        created = _during_day(rng, encounter)
    return SyntheticAssessment(
        id=_uuid(rng),
        idempotency_key=_uuid(rng),
        encounter_date=encounter,
        findings=findings,
        created_at=created,
        supersede_reason=reason,
    )


def _correct(rng: random.Random, findings: dict[str, Any]) -> str:
    """Change ``findings`` as a correction would, and say why."""
    if findings["cea_ng_ml"] is None:
        findings["cea_ng_ml"] = _cea(rng)
        return "Synthetic correction: CEA result received."
    if findings["primary_node_positive"] is None:
        findings["primary_node_positive"] = rng.random() < NODE_POSITIVE[True]
        return "Synthetic correction: node status from the pathology report."
    if findings["liver_tumor_count"] is None:
        findings["liver_tumor_count"] = _tumor_count(rng)
        return "Synthetic correction: tumor count from the imaging report."
    findings["largest_liver_tumor_cm"] = _size(rng)
    return "Synthetic correction: largest tumor re-measured."


def _follow_up(rng: random.Random, findings: dict[str, Any]) -> None:
    """A later encounter: work-up done, a new CEA value."""
    findings["staging_complete"] = True
    if findings["liver_resectability"] == "undetermined":
        findings["liver_resectability"] = rng.choice(["resectable", "unresectable"])
    if rng.random() < 0.5:
        findings["cea_ng_ml"] = _cea(rng)


def _tumor_count(rng: random.Random) -> int:
    return min(1 + int(rng.expovariate(COUNT_RATE)), 40)


def _size(rng: random.Random) -> float:
    size = rng.lognormvariate(math.log(SIZE_MEDIAN_CM), SIZE_SIGMA)
    return round(min(max(size, 0.3), 25.0), 1)


def _cea(rng: random.Random) -> float:
    cea = rng.lognormvariate(math.log(CEA_MEDIAN), CEA_SIGMA)
    return round(min(max(cea, 0.5), 50_000.0), 1)


def _family_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _during_day(rng: random.Random, day: date) -> datetime:
    start = datetime.combine(day, time(8, 0), tzinfo=UTC)
    return start + timedelta(seconds=rng.randint(0, 9 * 3600), microseconds=rng.randint(0, 999_999))


def _pick(rng: random.Random, shares: dict[Any, float]) -> Any:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)
