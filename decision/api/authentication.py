"""``Authorization: Bearer <token>`` for the JSON API."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from decision.api.models import ApiToken, token_hash

_REFUSED = "The token is not valid: unknown, expired or revoked."


class ApiTokenAuthentication(BaseAuthentication):
    """The user an API token acts for, with the token as ``request.auth``."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        try:
            token_text = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_REFUSED) from None
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=token_hash(token_text)).first()
        )
        if token is None or not token.is_usable(timezone.now()):
            raise AuthenticationFailed(_REFUSED)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes ``ApiTokenAuthentication``."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 (a scheme name)
        )
