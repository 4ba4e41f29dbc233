"""Server-drawn SVG bar charts for the dashboard (no script, no inline style: the CSP allows neither; WeasyPrint
prints the same SVG). Bars use attributes only."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

from svduty.web.core.money import format_pence

WIDTH, LABEL, BAR, GAP = 720, 260, 14, 10


def spend_chart(rows, caption: str) -> str:
    """Per programme: the award (outline) and reported spend to date (filled; red when above the award)."""
    biggest = max([r.budget_pence for r in rows] + [r.reported_spend_pence or 0 for r in rows] + [1])
    scale = (WIDTH - LABEL - 110) / biggest
    height = len(rows) * (BAR + GAP) + 30
    parts = [
        f'<svg class="svduty-chart" role="img" aria-labelledby="spend-title" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title id="spend-title">{escape(caption)}</title>'
        '<g font-family="Arial, sans-serif">'
    ]
    for i, r in enumerate(rows):
        y = 10 + i * (BAR + GAP)
        spent = r.reported_spend_pence or 0
        over = r.over_award
        parts.append(
            f'<text x="0" y="{y + BAR - 3}" font-size="12" fill="#0b0c0c">{escape(r.programme.title[:38])}</text>'
        )
        parts.append(
            f'<rect x="{LABEL}" y="{y}" width="{r.budget_pence * scale:.1f}" height="{BAR}" fill="#ffffff" '
            f'stroke="#505a5f" stroke-width="1"/>'
        )
        parts.append(
            f'<rect x="{LABEL}" y="{y + 3}" width="{spent * scale:.1f}" height="{BAR - 6}" '
            f'fill="{"#d4351c" if over else "#1d70b8"}"/>'
        )
        label = f"{format_pence(spent, whole=True)} of {format_pence(r.budget_pence, whole=True)}" + (
            " OVER" if over else ""
        )
        parts.append(
            f'<text x="{LABEL + max(r.budget_pence, spent) * scale + 6:.1f}" y="{y + BAR - 3}" font-size="11" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


def delivery_chart(rows, caption: str) -> str:
    """Per programme: delivery against the targets due, 0–100%, with the 70% and 90% RAG lines."""
    height = len(rows) * (BAR + GAP) + 30
    span = WIDTH - LABEL - 60
    colours = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c", "grey": "#b1b4b6"}
    parts = [
        f'<svg class="svduty-chart" role="img" aria-labelledby="delivery-title" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title id="delivery-title">{escape(caption)}</title>'
        '<g font-family="Arial, sans-serif">'
    ]
    for mark in (0.7, 0.9):
        x = LABEL + span * mark
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" stroke="#505a5f" stroke-dasharray="3,3"/>'
        )
        parts.append(f'<text x="{x - 10:.1f}" y="{height - 6}" font-size="11" fill="#0b0c0c">{int(mark * 100)}%</text>')
    for i, r in enumerate(rows):
        y = 10 + i * (BAR + GAP)
        value = r.delivery
        parts.append(
            f'<text x="0" y="{y + BAR - 3}" font-size="12" fill="#0b0c0c">{escape(r.programme.title[:38])}</text>'
        )
        width = span * (value or 0)
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{colours[r.rag]}"/>')
        text = "not yet rated" if value is None else f"{round(100 * value)}%"
        parts.append(f'<text x="{LABEL + width + 6:.1f}" y="{y + BAR - 3}" font-size="11" fill="#0b0c0c">{text}</text>')
    parts.append("</g></svg>")
    return mark_safe("".join(parts))
