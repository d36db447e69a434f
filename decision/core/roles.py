"""Roles are Django groups; these predicates are the only place that interprets them.

Superusers administer and may do everything a role may do; every action they take is
audited like anyone else's.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection

SURGEON = "surgeon"
TUMOR_BOARD = "tumor_board"
AUDITOR = "auditor"
ROLES = (SURGEON, TUMOR_BOARD, AUDITOR)

User = AbstractBaseUser | AnonymousUser

# Asked on every request, so spelt out rather than built by the ORM each time.
_ROLES_SQL = (
    "SELECT g.name FROM auth_group g "
    "JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = %s"
)


def user_roles(user: User) -> frozenset[str]:
    """The user's role names, read once per request and cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_crlm_roles", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_ROLES_SQL, [user.pk])
            cached = frozenset(name for (name,) in cursor.fetchall() if name in ROLES)
        user._crlm_roles = cached
    return cached


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
