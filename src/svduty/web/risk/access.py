"""Writing the access log: every view of a person's score or explanation, and of the panel list, page or API."""

from __future__ import annotations

from .models import RiskAccessLog


def log_view(request, user, action: str, *, run=None, score=None, people: int = 0) -> RiskAccessLog:
    return RiskAccessLog.objects.create(
        user=user,
        action=action,
        run=run if run is not None else (score.run if score is not None else None),
        score=score,
        people=people if score is None else 1,
        path=request.get_full_path()[:300],
    )
