"""Small request/response rules every page shares: the Content-Security-Policy header, refusing NUL bytes before
they reach the database, and the session lifetimes."""

from __future__ import annotations

import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext_lazy as _


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP built in, and one header string is all svduty needs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RejectNulMiddleware:
    """A NUL byte cannot be stored in PostgreSQL text, so ``/public/decisions/DN50-24%00/`` raised a 500 in the
    query. No real address or search holds one: the path is a 404, a query string a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in request.path_info:
            raise Http404("No such page")
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(_("The address contains a character that is not allowed."))
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Idle timeout: the session cookie's age (SESSION_COOKIE_AGE), renewed at most every few minutes while the user
    works. Absolute lifetime: staff roles sign in again after SVDUTY_STAFF_SESSION_MAX_SECONDS however active."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from .permissions import is_partner_role

            now = int(time.time())
            session = request.session
            started = session.setdefault("svduty_signed_in_at", now)
            if is_partner_role(user) and now - started > settings.SVDUTY_STAFF_SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, _("For security you have been signed out after 12 hours: sign in again."))
                return redirect_to_login(request.get_full_path())
            if now - session.get("svduty_seen_at", 0) > settings.SVDUTY_SESSION_RENEW_SECONDS:
                session["svduty_seen_at"] = now  # marks the session modified: cookie and expiry renewed
        return self.get_response(request)


def mark_signed_in(sender, request, user, **kwargs):
    """user_logged_in: the absolute lifetime runs from this sign-in (login() may keep the session's old data)."""
    request.session["svduty_signed_in_at"] = int(time.time())
