"""Sign-in throttling on top of django-axes: the real client address behind a trusted proxy, and one limit per
lock-out parameter (axes has one limit for all of them).

Behind the documented TLS proxy every request comes from the proxy's address, so counting by ``REMOTE_ADDR`` made
five wrong passwords lock an account for everyone. ``client_ip`` reads ``X-Forwarded-For`` only when the request
came from a proxy in ``SVDUTY_TRUSTED_PROXIES`` and takes the right-most address that is not itself a trusted proxy
(the left of the header is whatever the client wrote). ``PerParameterLimitsHandler`` applies
``SVDUTY_AXES_LIMITS``: a few tries per address and username, more per address (many usernames, one password) and
per username (one account, many addresses), each over the short cool-off.
"""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _is_trusted(address: str, trusted: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str | None:
    """The address of the person signing in (AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.SVDUTY_TRUSTED_PROXIES
    if not remote or not trusted or not _is_trusted(remote, trusted):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, trusted):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a malformed header: count it against the proxy-facing address
    return remote


def _key(parameter) -> tuple[str, ...]:
    return (parameter,) if isinstance(parameter, str) else tuple(parameter)


class PerParameterLimitsHandler(AxesDatabaseHandler):
    """Locked when any one lock-out parameter has reached its own limit within the cool-off."""

    def is_locked(self, request, credentials=None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            limit = settings.SVDUTY_AXES_LIMITS.get(_key(parameter), settings.AXES_FAILURE_LIMIT)
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if failures >= limit:
                return True
        return False
