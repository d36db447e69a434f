"""Authentication: Django's model backend, reading the user of a session with their
roles."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from decision.core import roles


class ModelBackendWithRoles(ModelBackend):
    """Passwords, permissions and active accounts as ``ModelBackend`` checks them; the
    user of each request's session is read together with their role names, in one query
    (``roles.user_with_roles``) instead of one for the user and one for the roles."""

    def get_user(self, user_id):
        user = roles.user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
