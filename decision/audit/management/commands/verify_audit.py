"""Verify that no audit event and no assessment has been changed since it was written."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from decision.audit.integrity import verify_integrity


class Command(BaseCommand):
    help = (
        "Recompute the audit chain and the content hash of every assessment (and every "
        "other record written once). Prints 'OK: N events, M assessments' and exits 0, or "
        "names the first bad row and exits 1."
    )

    def handle(self, *args, **options) -> None:
        report = verify_integrity()
        if not report.ok:
            self.stdout.write(f"FAILED: {report.problem}")
            raise SystemExit(1)
        assessments = report.records.get("assessments", 0)
        self.stdout.write(f"OK: {report.events} events, {assessments} assessments")
        others = {name: count for name, count in report.records.items() if name != "assessments"}
        for name, count in others.items():
            self.stdout.write(f"   also checked: {count} {name}")
