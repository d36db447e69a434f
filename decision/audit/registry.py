"""What the apps above the audit log tell it, registered in their ``AppConfig.ready``:
the audit app never imports them.

- Integrity checks: ``verify_audit`` runs each after the audit chain and the content
  hashes, for records derived from others (such as the board queue's rows).
- Patient look-ups: turn what an auditor types (an MRN) into a patient id for the audit
  log's filter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

# A check returns how many records it read and the first problem found (None if none).
IntegrityCheck = Callable[[], tuple[int, str | None]]
PatientLookup = Callable[[str], uuid.UUID | None]

integrity_checks: dict[str, IntegrityCheck] = {}
patient_lookups: list[PatientLookup] = []


def register_integrity_check(name: str, check: IntegrityCheck) -> None:
    """Run ``check`` in ``verify_audit``, reporting its count as ``name``."""
    integrity_checks[name] = check


def register_patient_lookup(lookup: PatientLookup) -> None:
    """Let the audit log's patient filter find patients by what ``lookup`` understands."""
    if lookup not in patient_lookups:
        patient_lookups.append(lookup)
