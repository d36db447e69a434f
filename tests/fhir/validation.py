"""Checks every exported Bundle must pass: FHIR R4 validity and self-contained references."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle


def validate(bundle: dict[str, Any]) -> None:
    """Parse the Bundle and each resource in it with the R4B models (which match R4's
    for the resources exported); raise on the first invalid one. The Bundle must also be
    plain JSON, and every reference in it must resolve inside it."""
    json.dumps(bundle, allow_nan=False)
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        for contained in resource.get("contained", []):
            get_fhir_model_class(contained["resourceType"]).model_validate(contained)
    assert unresolved_references(bundle) == []


def references(node: Any) -> Iterator[str]:
    """Every ``reference`` value anywhere under ``node``."""
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def unresolved_references(bundle: dict[str, Any]) -> list[str]:
    """References that point at neither an entry of the Bundle nor a resource contained in
    the resource that holds them."""
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    unresolved = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        local = {f"#{contained['id']}" for contained in resource.get("contained", [])}
        unresolved.extend(
            target for target in references(resource) if target not in full_urls | local
        )
    return unresolved


def keys(node: Any) -> Iterator[str]:
    """Every element name anywhere under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from keys(item)


def systems(node: Any) -> Iterator[str]:
    """Every code or identifier ``system`` anywhere under ``node``."""
    if isinstance(node, dict):
        if isinstance(node.get("system"), str):
            yield node["system"]
        for value in node.values():
            yield from systems(value)
    elif isinstance(node, list):
        for item in node:
            yield from systems(item)


def resources_of(bundle: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def one(bundle: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (resource,) = resources_of(bundle, resource_type)
    return resource


def full_url_of(bundle: dict[str, Any], resource: dict[str, Any]) -> str:
    return next(entry["fullUrl"] for entry in bundle["entry"] if entry["resource"] is resource)
