"""Who is calling: a bearer token (partner systems) or the browser session (with CSRF on unsafe methods)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, hash_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            record = ApiToken.objects.select_related("user", "user__profile").get(key_hash=hash_token(token))
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        if not record.is_active(now) or not record.user.is_active:
            return None
        if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)  # not on every call: no write per request
        request.user = record.user
        return record.user


class Anonymous:
    """Lets anyone through as the anonymous user, for endpoints the public may read (tailored to who is signed in)."""

    def __call__(self, request):
        return AnonymousUser()


STAFF_AUTH = [BearerToken(), SessionAuth()]
PUBLIC_AUTH = [BearerToken(), SessionAuth(), Anonymous()]


def api_user(request):
    """The authenticated user for this request, or the anonymous user."""
    user = getattr(request, "auth", None)
    return user if user is not None else AnonymousUser()
