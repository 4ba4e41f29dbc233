"""The public record: each approved (or retired) version's ATRS Tier 1 information. Governance is public; scores,
people and drafts never are."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from . import atrs
from .models import IndexVersion
from .options import VersionStatus
from .views import atrs_values

PUBLIC_STATUSES = (VersionStatus.APPROVED, VersionStatus.RETIRED)


def records(request):
    versions = IndexVersion.objects.filter(status__in=PUBLIC_STATUSES)
    items = []
    for v in versions:
        values = atrs_values(v)
        items.append((v, values.get("1.1") or v.name, values.get("1.2", "")))
    return render(request, "risk/public_records.html", {"items": items})


def record(request, number):
    version = get_object_or_404(IndexVersion, number=number, status__in=PUBLIC_STATUSES)
    values = atrs_values(version)
    return render(
        request,
        "risk/public_record.html",
        {"version": version, "rows": atrs.record_rows(values, atrs.TIER1), "title": values.get("1.1") or version.name},
    )
