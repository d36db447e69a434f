"""Roles are Django groups; these predicates are the only place that interprets them.

Superusers administer and may do everything a role may do; every action they take is
audited like anyone else's.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, connections

from decision.core.sql import record_from_row

SURGEON = "surgeon"
TUMOR_BOARD = "tumor_board"
AUDITOR = "auditor"
ROLES = (SURGEON, TUMOR_BOARD, AUDITOR)

User = AbstractBaseUser | AnonymousUser


def user_roles(user: User) -> frozenset[str]:
    """The user's role names, read once per request and cached on the user object. The
    user of a session comes with them (see ``user_with_roles``); any other user, such as
    one who has just logged in, has them read the same way."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_crlm_roles", None)
    if cached is None:
        read = user_with_roles(user.pk)
        cached = user._crlm_roles = read._crlm_roles if read is not None else frozenset()
    return cached


def _role_names(group_names) -> frozenset[str]:
    return frozenset(name for name in group_names if name in ROLES)


def user_with_roles(user_id: object) -> AbstractBaseUser | None:
    """The user with primary key ``user_id`` (None if there is none), with their role
    names read in the same query and cached as ``user_roles`` reads them: the user of
    every request's session costs one round trip to the database, not two."""
    model = get_user_model()
    sql = _user_with_roles_sql(model, connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_db_prep_value(user_id, connection)])
        rows = cursor.fetchall()  # one per group the user is in; one without any
    if not rows:
        return None
    width = len(model._meta.concrete_fields)
    user = record_from_row(model, rows[0][:width])
    user._crlm_roles = _role_names(row[width] for row in rows)
    return user


@functools.cache
def _user_with_roles_sql(model: type[AbstractBaseUser], alias: str) -> str:
    """Every column of the user, then the name of one of their groups (NULL for none).
    Spelt out, since building it with the ORM on every request costs more than running
    it."""
    quote, meta = connections[alias].ops.quote_name, model._meta
    groups = meta.get_field("groups")
    through, group = groups.remote_field.through._meta, groups.related_model._meta
    columns = ", ".join(f"u.{quote(field.column)}" for field in meta.concrete_fields)
    return (
        f"SELECT {columns}, g.{quote(group.get_field('name').column)}"  # noqa: S608
        f" FROM {quote(meta.db_table)} u"
        f" LEFT JOIN {quote(through.db_table)} ug"
        f" ON ug.{quote(through.get_field(groups.m2m_field_name()).column)}"
        f" = u.{quote(meta.pk.column)}"
        f" LEFT JOIN {quote(group.db_table)} g"
        f" ON g.{quote(group.pk.column)}"
        f" = ug.{quote(through.get_field(groups.m2m_reverse_field_name()).column)}"
        f" WHERE u.{quote(meta.pk.column)} = %s"
    )


def _has(user: User, *roles: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user_roles(user) & set(roles))


def can_read_clinical(user: User) -> bool:
    """Patients, assessments, board cases: surgeons and tumor-board members."""
    return _has(user, SURGEON, TUMOR_BOARD)


def can_write_clinical(user: User) -> bool:
    """Register patients and record or correct assessments: surgeons."""
    return _has(user, SURGEON)


def can_record_board_decision(user: User) -> bool:
    """Run meetings and record tumor-board decisions: tumor-board members."""
    return _has(user, TUMOR_BOARD)


def can_read_audit(user: User) -> bool:
    """Read the audit log: auditors."""
    return _has(user, AUDITOR)
