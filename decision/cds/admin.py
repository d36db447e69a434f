"""Registering record systems that may call the CDS Hooks service (administrators only).
Every registration and change is an audit event; a client is deactivated, never deleted."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from decision.cds import services
from decision.cds.models import CdsClient


@admin.register(CdsClient)
class CdsClientAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "tenant", "user", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["title", "issuer", "tenant"]
    fields = ["title", "issuer", "tenant", "jwks", "user", "allowed_origins", "is_active"]
    readonly_fields = ["created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: CdsClient | None = None) -> bool:
        # Its tokens, cards and audit events name it: untick "active" instead.
        return False

    def save_model(self, request: HttpRequest, obj: CdsClient, form, change: bool) -> None:
        services.cds_client_save(
            client=obj, author=request.user, changed=list(form.changed_data), request=request
        )
