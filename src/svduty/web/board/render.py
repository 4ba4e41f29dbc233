"""Board pack PDF: the figures of ``pack.build`` through one HTML template, printed by WeasyPrint (as the SNA report
and the decision records are), and stored as sent."""

from __future__ import annotations

import hashlib
from datetime import date

from django.template.loader import render_to_string
from django.utils import translation

from svduty.web.partnership.models import Partnership

from . import pack as figures
from .models import BoardPack
from .quarters import Quarter


def pack_html(built: figures.Pack) -> str:
    return render_to_string("board/pack_pdf.html", {"pack": built, "s": {s.key: s for s in built.sections}})


def pack_pdf(partnership: Partnership, quarter: Quarter, today: date) -> bytes:
    from svduty.web.core.pdf import html_to_pdf

    return html_to_pdf(pack_html(figures.build(partnership, quarter, today)))


def store_pack(partnership: Partnership, quarter: Quarter, today: date, user=None, language: str | None = None):
    """Render and keep the PDF (a new row each time: earlier packs are never overwritten)."""
    with translation.override(language or translation.get_language() or "en-gb"):
        pdf = pack_pdf(partnership, quarter, today)
    meeting = (
        figures.BoardMeeting.objects.filter(partnership=partnership, date__gt=quarter.end).order_by("date").first()
    )
    return BoardPack.objects.create(
        partnership=partnership,
        quarter=quarter.code,
        meeting=meeting,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        generated_by=user,
        synthetic=bool(partnership.is_demo),
    )
