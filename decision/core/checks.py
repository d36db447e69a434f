"""Deployment checks of this app's own settings (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_networks_check(app_configs=None, **kwargs) -> list[Warning]:
    """Behind a TLS proxy, the proxy's network must be trusted: otherwise every client
    shares the proxy's address, so five failed logins lock a user out for everyone and
    the audit log names only the proxy."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "DJANGO_BEHIND_TLS_PROXY is set but DJANGO_TRUSTED_PROXIES is empty.",
                hint=(
                    "Set DJANGO_TRUSTED_PROXIES to the reverse proxy's network (for example "
                    "127.0.0.1/32), so that login lockouts and the audit log see each "
                    "client's own address."
                ),
                id="decision.W001",
            )
        ]
    return []
