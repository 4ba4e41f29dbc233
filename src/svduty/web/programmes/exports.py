"""The board dashboard as a table (CSV, XLSX) and a printable PDF (WeasyPrint, like the decision PDFs).

Columns are the page's figures; money in pounds. The CSV goes through ``csv.writer`` like the other exports.
"""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .dashboard import RAG_RULES
from .options import COHORTS


def columns() -> list[str]:
    return [str(c) for c in _columns()]


def _columns() -> list:
    return [
        _("Reference"),
        _("Programme"),
        _("Provider"),
        _("Status"),
        _("Evidence rating"),
        _("Budget (£)"),
        _("Paid (£)"),
        _("Reported spend to date (£)"),
        _("Spend above award"),
        _("Delivery against targets due (%)"),
        _("People reached"),
        *[str(label) for _k, label, *_r in COHORTS],
        _("Accepted returns"),
        _("Late returns"),
        _("RAG"),
        _("RAG reasons"),
    ]


def table(rows) -> list[list]:
    out = []
    for r in rows:
        p = r.programme
        out.append(
            [
                p.reference,
                p.title,
                p.organisation.name,
                str(p.get_status_display()),
                str(r.evidence_label),
                r.budget_pence / 100,
                r.paid_pence / 100,
                None if r.reported_spend_pence is None else r.reported_spend_pence / 100,
                str(_("Yes") if r.over_award else _("No")),
                None if r.delivery is None else round(100 * r.delivery),
                r.reached,
                *[r.cohorts.get(k, 0) for k, *_rest in COHORTS],
                r.accepted,
                r.late,
                r.rag,
                "; ".join(r.reasons),
            ]
        )
    return out


def to_csv(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns())
    for line in table(rows):
        writer.writerow(["" if v is None else (f"{v:.2f}" if isinstance(v, float) else v) for v in line])
    return buffer.getvalue()


def to_xlsx(rows, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Programmes"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(columns())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in table(rows):
        sheet.append(line)
    money = {6, 7, 8}  # 1-based columns holding pounds
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if cell.column in money and cell.value is not None:
                cell.number_format = "£#,##0.00"
    for column, width in zip(
        "ABCDEFGHIJKLMNOPQRS", [10, 40, 30, 12, 18, 12, 12, 14, 10, 10, 10, 10, 10, 10, 10, 8, 8, 8, 40], strict=False
    ):
        sheet.column_dimensions[column].width = width
    rules = book.create_sheet("RAG rules")
    for colour, text in RAG_RULES:
        rules.append([colour, str(text)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(context: dict) -> bytes:
    from svduty.web.core.pdf import html_to_pdf

    return html_to_pdf(render_to_string("programmes/dashboard_pdf.html", context))
