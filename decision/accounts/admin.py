"""The user admin gains a reset of two-factor sign-in; devices have no admin pages of their
own, so that none is removed without its audit event and the end of the user's sessions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from decision.accounts.services import two_factor_reset

User = get_user_model()

for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.action(description="Reset two-factor sign-in", permissions=["change"])
def two_factor_reset_selected(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    users = list(queryset)
    for user in users:
        two_factor_reset(user=user, administrator=request.user, request=request)
    modeladmin.message_user(
        request,
        f"Two-factor sign-in reset for {len(users)} user{'s' if len(users) != 1 else ''}: "
        "their sessions have ended, and they set up an authenticator app at their next login.",
        messages.SUCCESS,
    )


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AccountUserAdmin(UserAdmin):
    actions = [two_factor_reset_selected]
    list_display = (*UserAdmin.list_display, "two_factor")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(confirmed))

    @admin.display(boolean=True, description="Two-factor", ordering="has_two_factor")
    def two_factor(self, user) -> bool:
        return user.has_two_factor
