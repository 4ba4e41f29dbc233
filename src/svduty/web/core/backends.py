"""The password backend: Django's ModelBackend, except that the signed-in user is loaded with their profile in one
query. Every page asks for the user's role (``core.permissions.role_of`` reads ``user.profile``), so without this
each signed-in request made one query for the user and a second for the profile."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


PATH = "svduty.web.core.backends.ProfileModelBackend"
