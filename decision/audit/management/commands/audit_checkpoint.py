"""Print the audit chain's head, signed, for keeping outside the database."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from decision.audit.integrity import Checkpoint
from decision.audit.models import AuditEvent

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Print one line (JSON) naming the audit chain's last event, its link and time, "
        "signed with the audit key. Keep these lines outside the database (log shipping, "
        "a ticket, paper): 'verify_audit --checkpoints FILE' then finds events removed, "
        "rewritten or added since. Run it from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        head = AuditEvent.objects.order_by("-sequence").first()
        if head is None:
            raise CommandError("The audit log is empty: there is nothing to checkpoint yet.")
        line = Checkpoint.of(head).to_line()
        logger.info("audit checkpoint %s", line)
        self.stdout.write(line)
