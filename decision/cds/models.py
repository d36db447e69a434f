from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from decision.cds.keys import origins_list, validate_jwks, validate_origins
from decision.clinic.models import Assessment, Patient


class CdsClient(models.Model):
    """A record system (a CDS Client) that may call the CDS Hooks service, registered by an
    administrator: who signs its tokens, with which public keys, and as whom it reads.

    The card it receives reveals only what ``user`` may see on the web: a client whose user
    has no clinical role receives no clinical content at all.
    """

    title = models.CharField(
        "name", max_length=100, help_text="How people here know it, e.g. “Main EHR, production”."
    )
    issuer = models.CharField(
        max_length=255, help_text="The “iss” of its tokens, exactly as it signs them."
    )
    tenant = models.CharField(
        max_length=255,
        blank=True,
        help_text=(
            "Optional. When set, its tokens must carry this “tenant”; when blank, any tenant "
            "(or none) of this issuer is accepted."
        ),
    )
    jwks = models.JSONField(
        "JWK set",
        validators=[validate_jwks],
        help_text=(
            'Its public keys as a JWK set, {"keys": [...]}, each with a "kid": EC P-384 '
            "(ES384) or RSA of at least 2048 bits (RS384). Never a private key."
        ),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Cards show what this user may see on the web, and no more.",
    )
    allowed_origins = models.TextField(
        blank=True,
        validators=[validate_origins],
        help_text=(
            "Browser origins allowed to call from a web page (CORS), one per line, e.g. "
            "https://ehr.example.org. Blank for a record system that calls from its servers."
        ),
    )
    is_active = models.BooleanField(
        default=True, help_text="Untick to refuse its calls without losing its registration."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "CDS Hooks client"
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "tenant"], name="cds_client_issuer_tenant"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def origins(self) -> list[str]:
        return origins_list(self.allowed_origins)


class SeenToken(models.Model):
    """A token already accepted, kept until it expires so that it is never accepted twice
    (its ``jti``, per client)."""

    client = models.ForeignKey(CdsClient, on_delete=models.PROTECT, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="cds_seen_token_once"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.jti}"


class ServedCard(models.Model):
    """A card given to a client about a patient, by its ``uuid``: feedback names the card,
    and is recorded against the same patient."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(CdsClient, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    served_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Card {self.id}"
