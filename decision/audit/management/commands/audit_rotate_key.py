"""Start a new segment of the audit chain under the current audit key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from decision.audit.keys import current_key
from decision.audit.models import AuditEvent
from decision.audit.services import audit_chain_tail


class Command(BaseCommand):
    help = (
        "After DJANGO_AUDIT_KEY is set to a new key, with the old one in "
        "DJANGO_AUDIT_PREVIOUS_KEYS, record in the chain that it continues under the new "
        "key (the next audited action would also do it). See docs/audit.md."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        key_id, _key = current_key()
        with transaction.atomic():
            before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)
            last = before.first() or 0
            sequence, _link = audit_chain_tail()
        if sequence == last:
            self.stdout.write(f"The audit chain already continues under key {key_id}.")
        else:
            self.stdout.write(
                f"The audit chain continues under key {key_id} from event #{sequence}."
            )
