"""Ending a user's sessions when their account is deactivated or their password changes.

Sessions live in the database, keyed by a random id; the user they belong to is inside
the encoded session data. Finding a user's sessions therefore reads every unexpired
session, which for a clinical service is a few hundred rows at most.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from decision.audit.services import atomic_audit_event_record

User = get_user_model()


def user_sessions_end(*, user: AbstractBaseUser, reason: str) -> int:
    """Delete every session of ``user`` (each browser is sent to log in again) and record
    it; returns how many sessions were ended."""
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == user_id
    ]
    count, _ = Session.objects.filter(pk__in=ended).delete()
    atomic_audit_event_record(
        action="auth.sessions_ended",
        actor=None,
        object_type="user",
        object_id=user.pk,
        payload={"reason": reason, "sessions": count},
    )
    return count


_WATCHED_FIELDS = {"is_active", "password"}


@receiver(pre_save, sender=User, dispatch_uid="accounts_note_sign_in_changes")
def _note_sign_in_changes(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a user is saved, note whether this save deactivates the account or changes
    its password (a login, which saves only ``last_login``, is not read)."""
    instance._sessions_end_reason = None
    if raw or instance._state.adding:
        return
    if update_fields is not None and not _WATCHED_FIELDS & set(update_fields):
        return
    before = User.objects.filter(pk=instance.pk).values("is_active", "password").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active:
        instance._sessions_end_reason = "deactivated"
    elif before["password"] != instance.password:
        instance._sessions_end_reason = "password_changed"


@receiver(post_save, sender=User, dispatch_uid="accounts_end_sessions")
def _end_sessions(sender, instance, created=False, raw=False, **kwargs) -> None:
    reason = getattr(instance, "_sessions_end_reason", None)
    if reason and not created and not raw:
        instance._sessions_end_reason = None
        user_sessions_end(user=instance, reason=reason)
