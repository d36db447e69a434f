"""Reads for the CDS Hooks service."""

from __future__ import annotations

import uuid

from decision.cds.keys import origins_list
from decision.cds.models import CdsClient, ServedCard


def cds_client_for_issuer(issuer: str, *, tenant: str) -> CdsClient | None:
    """The active client registered for this issuer and tenant; failing that, the one
    registered for this issuer with no tenant, which accepts any."""
    clients = CdsClient.objects.filter(
        issuer=issuer, tenant__in={tenant, ""}, is_active=True
    ).select_related("user")
    by_tenant = {client.tenant: client for client in clients}
    return by_tenant.get(tenant) or by_tenant.get("")


def registered_origins() -> set[str]:
    """Every browser origin an active client may call from."""
    active = CdsClient.objects.filter(is_active=True)
    return {
        origin
        for text in active.values_list("allowed_origins", flat=True)
        for origin in origins_list(text)
    }


def served_card(card_id: uuid.UUID, *, client: CdsClient) -> ServedCard | None:
    """The card of this id given to this client, if it was."""
    return ServedCard.objects.filter(pk=card_id, client=client).first()
