"""Roles are Django groups; these predicates are the only place that interprets them.

Superusers administer and may do everything a role may do; every action they take is
audited like anyone else's.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

SURGEON = "surgeon"
TUMOR_BOARD = "tumor_board"
AUDITOR = "auditor"
ROLES = (SURGEON, TUMOR_BOARD, AUDITOR)

User = AbstractBaseUser | AnonymousUser


def user_roles(user: User) -> frozenset[str]:
    """The user's role names. Read once and kept on the user object, which Django loads
    afresh for every request: a role given or taken away counts from the next request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        names = user.groups.filter(name__in=ROLES).values_list("name", flat=True)
        user._role_names = frozenset(names)
    return user._role_names


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
