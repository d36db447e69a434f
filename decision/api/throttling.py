"""A request budget per API token (per user for browser sessions)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from decision.api.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    """``DJANGO_API_RATE`` requests per token; over it, 429 with ``Retry-After``. Counts
    are kept in the cache of each app process."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
