"""API tokens in the admin: made here, shown once, revoked here; never edited or deleted."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone

from decision.api import services
from decision.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "key_start", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "key_start")
    fields = ("user", "name", "expires_at", "key_start", "created_at", "revoked_at")
    readonly_fields = ("key_start", "created_at", "revoked_at")
    autocomplete_fields = ("user",)
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else self.readonly_fields

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)}

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        token, text = services.api_token_create(
            admin=request.user,
            user=obj.user,
            name=obj.name,
            expires_at=obj.expires_at,
            request=request,
        )
        obj.pk = token.pk
        messages.warning(
            request,
            f"The token for {obj.user} is shown this once; copy it now: {text}",
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        count = services.api_tokens_revoke(admin=request.user, tokens=queryset, request=request)
        messages.success(request, f"{count} token(s) revoked.")
