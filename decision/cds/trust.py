"""Trusting CDS Clients (CDS Hooks 2.0): each call carries a JWT, signed by the record
system with a key it registered here, naming this endpoint as its audience. Anything
else is refused, with the reason, before the request's body is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from django.http import HttpRequest

from decision.cds import selectors
from decision.cds.keys import ALGORITHMS, jwk_named
from decision.cds.models import CdsClient

# Clocks of two systems never agree to the second.
CLOCK_LEEWAY = timedelta(seconds=60)
# A token valid for longer is refused: a stolen one would be usable for that long, and its
# jti would have to be remembered for that long.
MAX_TOKEN_LIFETIME = timedelta(hours=1)
_LONGEST_CLAIM = 255


class TokenRefused(Exception):
    """A call that is not trusted: ``reason`` is a stable code for the audit log, ``detail``
    the explanation the caller receives."""

    def __init__(self, reason: str, detail: str, *, issuer: str = "", client=None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.issuer = issuer
        self.client = client


@dataclass(frozen=True)
class TrustedToken:
    client: CdsClient
    jti: str
    expires_at: datetime


def bearer_token(request: HttpRequest) -> str:
    """The JWT of the ``Authorization: Bearer`` header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("missing_token", "Send a signed JWT in an Authorization: Bearer header.")
    return token.strip()


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenRefused("malformed_token", "The bearer token is not a JWT.") from None
    if header.get("alg") not in ALGORITHMS:
        raise TokenRefused(
            "algorithm_refused",
            f"Tokens must be signed with {' or '.join(ALGORITHMS)}, not {header.get('alg')!r}.",
        )
    if header.get("typ") != "JWT":
        raise TokenRefused("malformed_token", 'The token\'s header must have "typ": "JWT".')
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise TokenRefused("malformed_token", 'The token\'s header must name its key ("kid").')
    return header


def _text_claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name, "")
    if not isinstance(value, str) or len(value) > _LONGEST_CLAIM:
        raise TokenRefused("malformed_token", f'The token\'s "{name}" must be a short string.')
    return value


def _client(token: str) -> CdsClient:
    """The registered, active client whose issuer (and tenant) the token names. Its claims
    are read here before the signature is checked, only to choose the key to check it with."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRefused("malformed_token", "The bearer token is not a JWT.") from None
    issuer = _text_claim(claims, "iss")
    if not issuer:
        raise TokenRefused("malformed_token", 'The token has no issuer ("iss").')
    client = selectors.cds_client_for_issuer(issuer, tenant=_text_claim(claims, "tenant"))
    if client is None:
        raise TokenRefused(
            "unknown_issuer", "This issuer (and tenant) is not a registered client.", issuer=issuer
        )
    return client


def token_verify(token: str, *, audiences: list[str], now: datetime) -> TrustedToken:
    """Check ``token`` as the specification asks: a registered issuer, a signature by the
    key its ``kid`` names in that client's JWK set with ES384 or RS384, one of
    ``audiences``, and ``exp``, ``iat`` and ``jti`` present and valid at ``now``. Whether
    the ``jti`` was seen before is for ``services.token_accept``."""
    header = _header(token)
    client = _client(token)

    def refused(reason: str, detail: str) -> TokenRefused:
        return TokenRefused(reason, detail, issuer=client.issuer, client=client)

    key = jwk_named(client.jwks, header["kid"])
    if key is None or key.get("alg", header["alg"]) != header["alg"]:
        raise refused("unknown_key", "The token's key (kid) is not registered for its alg.")
    try:
        public_key = jwt.PyJWK(key, algorithm=header["alg"]).key
        claims = jwt.decode(
            token,
            key=public_key,
            algorithms=[header["alg"]],
            audience=audiences,
            issuer=client.issuer,
            leeway=CLOCK_LEEWAY,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise refused("expired", "The token has expired.") from None
    except jwt.InvalidAudienceError:
        raise refused("wrong_audience", f"The token's aud must be {audiences[0]}.") from None
    except (jwt.ImmatureSignatureError, jwt.InvalidIssuedAtError):
        raise refused("not_yet_valid", "The token's iat (or nbf) is in the future.") from None
    except jwt.MissingRequiredClaimError as missing:
        raise refused("malformed_token", f'The token has no "{missing.claim}".') from None
    except jwt.PyJWTError:
        raise refused("bad_signature", "The token's signature does not verify.") from None
    expires_at = datetime.fromtimestamp(claims["exp"], tz=UTC)
    if expires_at > now + MAX_TOKEN_LIFETIME + CLOCK_LEEWAY:
        raise refused("lifetime_too_long", "Tokens may be valid for at most an hour.")
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > _LONGEST_CLAIM:
        raise refused("malformed_token", 'The token\'s "jti" must be a short, non-empty string.')
    return TrustedToken(client=client, jti=jti, expires_at=expires_at)
