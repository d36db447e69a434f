"""What the apps above the audit log tell it, registered in their ``AppConfig.ready``:
the audit app never imports them.

- Integrity checks: ``verify_audit`` runs each after the audit chain and the content
  hashes, for records derived from others (such as the board queue's rows).
- Patients: the audit log's filter finds a patient by MRN, and its rows name them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

# A check returns how many records it read and the first problem found (None if none).
IntegrityCheck = Callable[[], tuple[int, str | None]]
PatientLookup = Callable[[str], uuid.UUID | None]
PatientNames = Callable[[Iterable[uuid.UUID]], dict[uuid.UUID, str]]

integrity_checks: dict[str, IntegrityCheck] = {}
patient_lookups: list[PatientLookup] = []
patient_names: list[PatientNames] = []


def register_integrity_check(name: str, check: IntegrityCheck) -> None:
    """Run ``check`` in ``verify_audit``, reporting its count as ``name``."""
    integrity_checks[name] = check


def register_patients(*, lookup: PatientLookup, names: PatientNames) -> None:
    """Let the audit log find patients with ``lookup`` (an MRN, say, to a patient id) and
    name them with ``names`` (patient ids to how the auditor reads them)."""
    if lookup not in patient_lookups:
        patient_lookups.append(lookup)
        patient_names.append(names)


def patient_names_of(patient_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """How the auditor reads each of these patients (unknown ones are left out)."""
    ids, found = set(patient_ids), {}
    for names in patient_names:
        found.update(names(ids))
    return found
