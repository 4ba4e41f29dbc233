"""Render an SNA ``Assessment`` as ``index.html`` (self-contained), ``sna.pdf``, ``tables/*.csv``, ``summary.json``.

Nothing here computes a figure: numbers come from ``svduty.analysis.needs_assessment``; the report only words,
formats and draws them. One module per section (``SECTIONS``), each with its data, figures and text, and one
template per section (``templates/sna/<id>.html.j2``) included by ``templates/sna.html.j2``; one template serves
screen and print (WeasyPrint), with inline CSS and SVG charts, system fonts, and no network access.
"""

from __future__ import annotations

from svduty.report.sna.common import (
    OGL,
    POLICE_SOURCE,
    Column,
    Figure,
    RenderResult,
    Section,
    Table,
    fmt_change,
    fmt_gbp,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_prev,
    make_table,
)
from svduty.report.sna.document import area_label, build_summary, render, synthetic_columns_of, write_pdf
from svduty.report.sna.where import concentration_sentence

__all__ = [
    "OGL",
    "POLICE_SOURCE",
    "Column",
    "Figure",
    "RenderResult",
    "Section",
    "Table",
    "area_label",
    "build_summary",
    "concentration_sentence",
    "fmt_change",
    "fmt_gbp",
    "fmt_int",
    "fmt_num",
    "fmt_pct",
    "fmt_prev",
    "make_table",
    "render",
    "synthetic_columns_of",
    "write_pdf",
]
