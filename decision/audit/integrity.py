"""Recompute the audit chain and the content hashes of every record written once.

Used by ``manage.py verify_audit``. Reads in batches, so it runs in constant memory on
large databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from decision.audit.models import GENESIS_HASH, AuditEvent
from decision.audit.registry import integrity_checks

BATCH = 2000


@dataclass(frozen=True)
class IntegrityReport:
    events: int
    records: dict[str, int]
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_chain_problem() -> tuple[int, str | None]:
    """Walk the audit chain in order; return the number of events and the first problem."""
    expected_sequence, previous_hash, count = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=BATCH):
        count += 1
        where = f"audit event #{event.sequence} (row id {event.pk})"
        if event.sequence != expected_sequence:
            return count, (
                f"{where}: expected event #{expected_sequence}; events are missing or reordered"
            )
        if event.previous_hash != previous_hash:
            return count, f"{where}: does not link to the event before it"
        if event.compute_hash() != event.hash:
            return count, f"{where}: its content does not match its hash (it was changed)"
        expected_sequence, previous_hash = expected_sequence + 1, event.hash
    return count, None


def _hashed_models() -> Iterator[type[models.Model]]:
    """Every model whose rows carry a content hash (assessments, board decisions, ...)."""
    for model in apps.get_models():
        if hasattr(model, "compute_content_hash") and hasattr(model, "content_hash"):
            yield model


def content_hash_problem(model: type[models.Model]) -> tuple[int, str | None]:
    count = 0
    label = model._meta.verbose_name
    for record in model._default_manager.order_by("pk").iterator(chunk_size=BATCH):
        count += 1
        if record.compute_content_hash() != record.content_hash:
            return count, f"{label} {record.pk}: its content does not match its hash"
        problem = getattr(record, "consistency_problem", lambda: None)()
        if problem:
            return count, f"{label} {record.pk}: {problem}"
    return count, None


def verify_integrity() -> IntegrityReport:
    events, problem = audit_chain_problem()
    records: dict[str, int] = {}
    for model in _hashed_models():
        if problem:
            break
        count, problem = content_hash_problem(model)
        records[model._meta.verbose_name_plural] = count
    for name, check in integrity_checks.items():
        if problem:
            break
        count, problem = check()
        records[name] = count
    return IntegrityReport(events=events, records=records, problem=problem)
