"""Writing the access log: every read of a case's personal details, by page or API."""

from __future__ import annotations

from .models import AccessLog
from .options import AccessAction


def log_identity_read(request, case, *, action: str = AccessAction.VIEW_PAGE, reason: str = "") -> AccessLog:
    return AccessLog.objects.create(
        user=request.user if request.user.is_authenticated else request.auth,
        case=case,
        action=action,
        reason=reason[:300],
        path=request.get_full_path()[:300],
    )
