"""What the apps above the audit log tell it, registered in their ``AppConfig.ready``:
the audit app never imports them.

- Records written once: ``verify_audit`` checks each against its content hash and
  against the audit event that created it, which holds the same hash.
- Integrity checks: ``verify_audit`` runs each after the chain and the records, for
  records derived from others (such as the board queue's rows).
- Patients' names: the audit log shows them to administrators (auditors see ids).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from decision.core.immutable import HashedRecord


@dataclass(frozen=True)
class Problem:
    """One thing ``verify_audit`` found wrong: in which table, which row, what kind."""

    table: str
    row: str
    kind: str

    def __str__(self) -> str:
        return f"{self.table} {self.row}: {self.kind}"


# A check returns how many records it read and every problem it found.
IntegrityCheck = Callable[[], tuple[int, list[Problem]]]
PatientNames = Callable[[Iterable[uuid.UUID]], dict[uuid.UUID, str]]


@dataclass(frozen=True)
class RecordKind:
    """Records of ``model``, each created by an event of ``created_by`` whose payload
    holds its content hash. Every event about one names it with ``object_type`` and its
    id."""

    model: type[HashedRecord]
    created_by: str
    object_type: str


record_kinds: list[RecordKind] = []
integrity_checks: dict[str, IntegrityCheck] = {}
patient_names: list[PatientNames] = []


def register_records(kind: RecordKind) -> None:
    """Check the records of ``kind`` in ``verify_audit``."""
    if kind not in record_kinds:
        record_kinds.append(kind)


def register_integrity_check(name: str, check: IntegrityCheck) -> None:
    """Run ``check`` in ``verify_audit``, reporting its count as ``name``."""
    integrity_checks[name] = check


def register_patient_names(names: PatientNames) -> None:
    """Let the audit log name patients, for administrators, with ``names`` (patient ids to
    how they read them)."""
    if names not in patient_names:
        patient_names.append(names)


def patient_names_of(patient_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """How the auditor reads each of these patients (unknown ones are left out)."""
    ids, found = set(patient_ids), {}
    for names in patient_names:
        found.update(names(ids))
    return found
