"""The public keys and browser origins of a registered record system, as an administrator
pastes them: what is accepted, and reading them back."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import jwt
from django.core.exceptions import ValidationError

# The asymmetric algorithms the CDS Hooks specification recommends; nothing else is accepted
# (never ``none``, never a shared-secret HMAC).
ALGORITHMS = ("ES384", "RS384")
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
MIN_RSA_BITS = 2048


def _key_problems(key: Any, position: int) -> list[str]:
    where = f"Key {position}"
    if not isinstance(key, dict):
        return [f"{where} is not a JSON object."]
    kid = key.get("kid")
    if not isinstance(kid, str) or not kid.strip():
        return [f'{where} has no "kid": tokens name their key by it.']
    where = f'Key "{kid}"'
    private = [member for member in _PRIVATE_MEMBERS if member in key]
    if private:
        return [
            f"{where} holds private or secret parts ({', '.join(private)}): paste only the "
            "public key set, and treat this private key as disclosed."
        ]
    if key.get("kty") not in ("EC", "RSA"):
        return [f"{where} has key type {key.get('kty')!r}; only EC (P-384) and RSA keys."]
    if key["kty"] == "EC" and key.get("crv") != "P-384":
        return [f"{where} is an EC key on {key.get('crv')!r}; ES384 needs the P-384 curve."]
    if "alg" in key and key["alg"] not in ALGORITHMS:
        return [f"{where} is for {key['alg']!r}; only {' and '.join(ALGORITHMS)} are accepted."]
    if "use" in key and key["use"] != "sig":
        return [f'{where} has "use" {key["use"]!r}; a signing key has "sig".']
    algorithm = key.get("alg") or ("ES384" if key["kty"] == "EC" else "RS384")
    try:
        parsed = jwt.PyJWK(key, algorithm=algorithm)
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        return [f"{where} cannot be read as a public key ({error})."]
    if key["kty"] == "RSA" and parsed.key.key_size < MIN_RSA_BITS:
        return [f"{where} is an RSA key of {parsed.key.key_size} bits; at least {MIN_RSA_BITS}."]
    return []


def validate_jwks(value: Any) -> None:
    """A JWK set (RFC 7517) of public signing keys, each named by a distinct ``kid``."""
    if not isinstance(value, dict) or not isinstance(value.get("keys"), list):
        raise ValidationError('Paste a JWK set: a JSON object with a "keys" list.')
    if not value["keys"]:
        raise ValidationError("The JWK set holds no key.")
    problems = []
    for position, key in enumerate(value["keys"], start=1):
        problems += _key_problems(key, position)
    kids = [key.get("kid") for key in value["keys"] if isinstance(key, dict)]
    if len(kids) != len(set(kids)):
        problems.append('Two keys share a "kid"; each must be unique in the set.')
    if problems:
        raise ValidationError(problems)


def jwk_named(jwks: dict[str, Any], kid: str) -> dict[str, Any] | None:
    """The key of the set whose ``kid`` is ``kid``, if any."""
    return next((key for key in jwks.get("keys", []) if key.get("kid") == kid), None)


def origins_list(text: str) -> list[str]:
    """The origins of a client, one per line, without blank lines or trailing slashes."""
    return [line.strip().rstrip("/") for line in text.splitlines() if line.strip()]


def validate_origins(text: str) -> None:
    """Each line an origin: scheme and host, with an optional port, and no path."""
    problems = []
    for origin in origins_list(text):
        parts = urlsplit(origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
        ):
            problems.append(f"{origin!r} is not an origin such as https://ehr.example.org.")
    if problems:
        raise ValidationError(problems)
