"""Verify that no audit event, and no record written once, has been changed, removed or
forged since it was written."""

from __future__ import annotations

import json
from argparse import FileType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from decision.audit.integrity import Checkpoint, verify_integrity


class Command(BaseCommand):
    help = (
        "Recompute the audit chain, every record's content hash and its creating event, "
        "and check the chain against checkpoints kept outside the database. Prints "
        "'OK: N events, M assessments' and exits 0, or 'FAILED: N problems' and one line "
        "per problem (table, row, what is wrong; up to --limit), and exits 1."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoints",
            type=FileType("r"),
            metavar="FILE",
            help="Lines written by 'manage.py audit_checkpoint' (kept outside the database).",
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print the report as JSON."
        )
        parser.add_argument(
            "--limit", type=int, default=50, help="Problems listed at most (default 50)."
        )

    def handle(self, *args: Any, checkpoints, as_json: bool, limit: int, **options: Any) -> None:
        kept = []
        if checkpoints is not None:
            lines = [(number, line) for number, line in enumerate(checkpoints, 1) if line.strip()]
            for number, line in lines:
                try:
                    kept.append(Checkpoint.from_line(line))
                except ValueError as error:
                    raise CommandError(f"{checkpoints.name}, line {number}: {error}") from None
        report = verify_integrity(checkpoints=kept)
        if as_json:
            self.stdout.write(_json_report(report, checkpoints=len(kept)))
        elif report.ok:
            assessments = report.records.get("assessments", 0)
            self.stdout.write(f"OK: {report.events} events, {assessments} assessments")
            for name, count in report.records.items():
                if name != "assessments":
                    self.stdout.write(f"   also checked: {count} {name}")
            if kept:
                self.stdout.write(f"   and {len(kept)} checkpoints")
        else:
            shown = report.problems[:limit]
            self.stdout.write(f"FAILED: {len(report.problems)} problems")
            self.stdout.writelines(f"  {problem}" for problem in shown)
            if len(report.problems) > len(shown):
                self.stdout.write(f"  ... and {len(report.problems) - len(shown)} more")
        if not report.ok:
            raise SystemExit(1)


def _json_report(report, *, checkpoints: int) -> str:
    head = report.head
    return json.dumps(
        {
            "ok": report.ok,
            "events": report.events,
            "records": report.records,
            "checkpoints": checkpoints,
            "head": {"sequence": head.sequence, "link": head.hash} if head else None,
            "problems": [{"table": p.table, "row": p.row, "kind": p.kind} for p in report.problems],
        },
        indent=2,
    )
