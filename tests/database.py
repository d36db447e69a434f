"""Statements run against the database directly, bypassing the application."""

from __future__ import annotations

from django.db import connection, transaction


def execute_as_in_production(statement: str) -> None:
    """Run ``statement`` in a transaction of its own with TRUNCATE refused, as on a
    production database (only the test database allows TRUNCATE, to be emptied between
    tests)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL crlm.allow_truncate = 'off'")
        cursor.execute(statement)
