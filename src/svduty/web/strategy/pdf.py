"""The strategy as PDF (WeasyPrint, as the SNA report and decision records are; no network fetches)."""

from __future__ import annotations

from django.template.loader import render_to_string

from .priority_view import priority_cards


def render_pdf(strategy, priorities) -> bytes:
    from svduty.web.core.pdf import html_to_pdf

    html = render_to_string(
        "strategy/strategy_pdf.html", {"strategy": strategy, "cards": priority_cards(priorities, public=True)}
    )
    return html_to_pdf(html, pdf_variant="pdf/ua-1", data_only=True)
