"""Loading pathway definition files into the database (the shipped two, or a partnership's own file)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from svduty.analysis.referrals.pathways import Pathway as PathwayDefinition
from svduty.analysis.referrals.pathways import load_pathway, shipped_pathways
from svduty.web.partnership.models import Organisation

from .models import Pathway


def store(definition: PathwayDefinition) -> Pathway:
    """Create or update the pathway row; the owning organisation is the first of the definition's type."""
    owner = Organisation.objects.filter(kind=definition.owning_agency_kind).order_by("pk").first()
    with transaction.atomic():
        row, created = Pathway.objects.select_for_update().get_or_create(
            slug=definition.slug,
            defaults={"name": definition.name, "definition": definition.model_dump(mode="json"), "organisation": owner},
        )
        if not created:
            row.name, row.definition = definition.name, definition.model_dump(mode="json")
            row.organisation = row.organisation or owner
            row.save()
        if definition.comparison is not None and row.comparison_rate is None:
            c = definition.comparison
            row.comparison_label, row.comparison_rate, row.comparison_source = c.label, c.rate, c.source
            row.save()
    return row


def load_shipped() -> list[Pathway]:
    return [store(d) for d in shipped_pathways().values()]


def load_file(path: Path) -> Pathway:
    return store(load_pathway(path))


def get_pathway(slug: str) -> Pathway | None:
    """The pathway row, loading a shipped definition on first use."""
    row = Pathway.objects.filter(slug=slug).first()
    if row is None and slug in shipped_pathways():
        row = store(shipped_pathways()[slug])
    return row
