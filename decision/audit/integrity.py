"""Verify the audit trail: the chain of events, the records written once against their
content hashes and the events that created them, and the chain against checkpoints kept
outside the database. Every problem found is reported, not only the first.

Used by ``manage.py verify_audit``; events and records are read in batches.
"""

from __future__ import annotations

import hmac
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from decision.audit.keys import KEY_ROTATED, current_key, known_keys
from decision.audit.models import GENESIS_HASH, AuditEvent
from decision.audit.registry import Problem, RecordKind, integrity_checks, record_kinds
from decision.core.hashing import canonical_datetime, hmac_hex

BATCH = 2000
EVENTS = AuditEvent._meta.db_table


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at one moment, signed, for keeping outside the database."""

    sequence: int
    link: str
    time: str
    key_id: str
    mac: str

    def signed_content(self) -> dict[str, object]:
        return {"sequence": self.sequence, "link": self.link, "time": self.time}

    def to_line(self) -> str:
        return json.dumps(
            {"sequence": self.sequence, "link": self.link, "time": self.time,
             "key_id": self.key_id, "mac": self.mac},
            sort_keys=True,
        )  # fmt: skip

    @classmethod
    def of(cls, event: AuditEvent) -> Checkpoint:
        """A checkpoint of ``event``, signed with the current key."""
        key_id, key = current_key()
        content = {
            "sequence": event.sequence,
            "link": event.hash,
            "time": canonical_datetime(event.occurred_at),
        }
        return cls(**content, key_id=key_id, mac=hmac_hex(key, content))

    @classmethod
    def from_line(cls, line: str) -> Checkpoint:
        """Read a line written by ``to_line``; ValueError if it is not one."""
        try:
            values = json.loads(line)
            return cls(
                sequence=int(values["sequence"]),
                link=str(values["link"]),
                time=str(values["time"]),
                key_id=str(values["key_id"]),
                mac=str(values["mac"]),
            )
        except (TypeError, KeyError, json.JSONDecodeError) as error:
            raise ValueError(f"not a checkpoint: {error}") from None


@dataclass
class IntegrityReport:
    events: int = 0
    records: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    head: AuditEvent | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Seen:
    """What the chain says about records: the events that created each, and the first
    event that names each."""

    created: dict[str, dict[str, list[tuple[int, object]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    named: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))


def _rotation_is_proven(event: AuditEvent, previous_key: str, previous_hash: str) -> bool:
    """Whether ``event`` records a switch of keys from ``previous_key``, proven by an HMAC
    under that key of the new key's id and the chain's link at the switch."""
    if event.action != KEY_ROTATED or event.payload.get("previous_key_id") != previous_key:
        return False
    old_key = known_keys().get(previous_key)
    proof = event.payload.get("proof")
    expected = {"key_id": event.key_id, "previous_hash": previous_hash}
    return old_key is not None and proof == hmac_hex(old_key, expected)


CHANGED = "its content does not match its link (changed, or written without the audit key)"


def _chain(report: IntegrityReport, seen: _Seen, kinds: list[RecordKind]) -> None:
    keys = known_keys()
    creators = {kind.created_by for kind in kinds}
    object_types = {kind.object_type for kind in kinds}
    expected, previous_hash, previous_key = 1, GENESIS_HASH, None
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=BATCH):
        report.events += 1
        found = []
        if event.sequence != expected:
            last_missing = f" to #{event.sequence - 1}" if event.sequence - 1 > expected else ""
            found.append(f"events #{expected}{last_missing} before it are missing")
        if event.previous_hash != previous_hash:
            found.append("does not link to the event before it")
        key = keys.get(event.key_id)
        if key is None:
            found.append("is signed with a key this server does not hold")
        elif not hmac.compare_digest(event.compute_hash(key), event.hash):
            found.append(CHANGED)
        if previous_key not in (None, event.key_id) and not _rotation_is_proven(
            event, previous_key, previous_hash
        ):
            found.append("changes the audit key without a proven rotation")
        report.problems += [Problem(EVENTS, f"#{event.sequence}", kind) for kind in found]
        if event.action in creators:
            seen.created[event.action][event.object_id].append(
                (event.sequence, event.payload.get("content_hash"))
            )
        if event.object_type in object_types and event.object_id:
            seen.named[event.object_type].setdefault(event.object_id, event.sequence)
        expected, previous_hash, previous_key = event.sequence + 1, event.hash, event.key_id
        report.head = event


def _records(report: IntegrityReport, seen: _Seen, kind: RecordKind) -> None:
    """Each record of ``kind`` against its own content hash and the event that created it,
    and each event naming such a record against the records there are."""
    model, table = kind.model, kind.model._meta.db_table
    created, stored = seen.created[kind.created_by], set()
    count = 0
    for record in model._default_manager.order_by("pk").iterator(chunk_size=BATCH):
        count += 1
        row = str(record.pk)
        stored.add(row)
        if record.compute_content_hash() != record.content_hash:
            report.problems.append(Problem(table, row, "its content does not match its hash"))
        problem = getattr(record, "consistency_problem", lambda: None)()
        if problem:
            report.problems.append(Problem(table, row, problem))
        events = created.get(row, [])
        if not events:
            report.problems.append(Problem(table, row, "has no event that created it"))
        elif len(events) > 1:
            report.problems.append(Problem(table, row, "is created by more than one event"))
        elif events[0][1] != record.content_hash:
            report.problems.append(
                Problem(table, row, f"its hash differs from the one event #{events[0][0]} holds")
            )
    for object_id, sequence in seen.named[kind.object_type].items():
        if object_id not in stored:
            report.problems.append(
                Problem(
                    EVENTS,
                    f"#{sequence}",
                    f"names {kind.object_type} {object_id}, which is missing",
                )
            )
    report.records[str(model._meta.verbose_name_plural)] = count


def _checkpoints(report: IntegrityReport, checkpoints: Iterable[Checkpoint]) -> None:
    """Each checkpoint kept outside the database must still lie on the chain."""
    keys = known_keys()
    checkpoints = list(checkpoints)
    links = dict(
        AuditEvent.objects.filter(sequence__in=[c.sequence for c in checkpoints]).values_list(
            "sequence", "hash"
        )
    )
    last = report.head.sequence if report.head else 0
    for checkpoint in checkpoints:
        row = f"#{checkpoint.sequence}"
        key = keys.get(checkpoint.key_id)
        if key is None or not hmac.compare_digest(
            hmac_hex(key, checkpoint.signed_content()), checkpoint.mac
        ):
            report.problems.append(
                Problem("checkpoints", row, "its signature does not verify with this server's keys")
            )
        elif checkpoint.sequence not in links:
            ends = "the chain ends" if checkpoint.sequence > last else "the chain lacks it"
            report.problems.append(
                Problem(EVENTS, row, f"is missing: {ends} at #{last}, but a checkpoint holds it")
            )
        elif links[checkpoint.sequence] != checkpoint.link:
            report.problems.append(
                Problem(EVENTS, row, "differs from the checkpoint kept outside the database")
            )


def verify_integrity(*, checkpoints: Iterable[Checkpoint] = ()) -> IntegrityReport:
    """Check the whole chain, every record and every checkpoint; report every problem."""
    report, seen, kinds = IntegrityReport(), _Seen(), list(record_kinds)
    _chain(report, seen, kinds)
    for kind in kinds:
        _records(report, seen, kind)
    for name, check in integrity_checks.items():
        report.records[name], problems = check()
        report.problems += problems
    _checkpoints(report, checkpoints)
    return report
