"""The register as the file ``svduty agreements load`` reads (``svduty.data.agreements``): the one bridge from the web
app to the analysts' workspace, in that direction only."""

from __future__ import annotations

from .models import DataSharingAgreement


def register_export(require_current_agreement: bool = False) -> dict:
    return {
        "require_current_agreement": require_current_agreement,
        "agreements": [
            {
                "reference": a.reference,
                "title": a.title,
                "datasets": list(a.datasets),
                "status": a.status,
                "starts_on": a.starts_on.isoformat(),
                "review_on": a.review_on.isoformat(),
                "ends_on": a.ends_on.isoformat() if a.ends_on else None,
                "parties": [p.name for p in a.parties.all()],
            }
            for a in DataSharingAgreement.objects.prefetch_related("parties")
        ],
    }
