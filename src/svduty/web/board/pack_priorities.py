"""The board pack's first section: the strategy's priorities (placeholder until the strategy app lands)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from svduty.web.partnership.models import Partnership, Priority

from .pack import Section, table
from .quarters import Quarter


def priorities(partnership: Partnership, quarter: Quarter) -> Section:
    rows = list(Priority.objects.filter(partnership=partnership).order_by("order", "id"))
    source = _("Source: %(priority)s (the partnership's priorities).") % {"priority": table(Priority)}
    return Section("priorities", _("Strategy priorities"), source, rows)
