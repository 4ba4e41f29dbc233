"""Render an evaluation (ITS, DiD, synthetic control or power) as ``index.html``, ``evaluation.pdf``, ``result.json``
and ``tables/*.csv``.

The report answers, in order, what a board asks: the question, the design, the data, how strong the evidence is
(Maryland Scientific Methods Scale, with the reason), the estimate with its interval, the checks, the limitations,
and a plain-language summary. Numbers come from ``svduty.analysis.evaluation``; this module words and draws them,
with the SNA report's formatting, table, figure and PDF helpers.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from svduty.analysis.evaluation.msms import Rating
from svduty.report import charts
from svduty.report.sna import OGL, Column, Figure, fmt_num, make_table, write_pdf
from svduty.report.sna.common import package_version as _version
from svduty.report.sna.common import templates_dir

TEMPLATES = templates_dir()


@dataclass
class EvaluationReport:
    """What the report needs: the design's result, its rating and a description of the data."""

    kind: str  # its | did | synth | power
    result: Any
    rating: Rating | None
    question: str
    data: dict[str, Any]  # label, value_label, area, period, frequency, sources, synthetic, units …
    natural_experiment: bool = False
    context: str = ""  # what happened at the interruption, in the user's words
    extra_limitations: list[str] = field(default_factory=list)
    # The workspace's local definition of serious violence when the evaluation ran (sv_definition.summary()).
    sv_definition: dict[str, Any] | None = None


@dataclass
class Rendered:
    html: Path
    pdf: Path | None
    result: Path
    tables: list[Path]


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf → null, numpy scalars → Python, dates → ISO text."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def result_json(report: EvaluationReport) -> dict[str, Any]:
    out = {
        **report.result.to_json(),
        "question": report.question,
        "natural_experiment": report.natural_experiment,
        "synthetic": bool(report.data.get("synthetic")),
        "data": report.data,
        "maryland_sms": report.rating.to_json() if report.rating else None,
        "sv_definition": report.sv_definition,
        "svduty_version": _version(),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return _clean(out)


def render(report: EvaluationReport, out_dir: Path, *, pdf: bool = True) -> Rendered:
    out_dir.mkdir(parents=True, exist_ok=True)
    tables_dir = out_dir / "tables"
    tables_dir.mkdir(exist_ok=True)
    for stale in tables_dir.glob("*.csv"):
        stale.unlink()
    from svduty.report.evaluation_its import its_context
    from svduty.report.evaluation_panels import did_context, power_context, synth_context

    contexts = {"its": its_context, "did": did_context, "synth": synth_context, "power": power_context}
    context, tables = contexts[report.kind](report)
    written = []
    for name, frame in tables.items():
        path = tables_dir / f"{name}.csv"
        (frame.assign(synthetic=True) if report.data.get("synthetic") else frame).to_csv(path, index=False)
        written.append(path)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape())
    template = env.get_template("evaluation.html.j2")
    base = {
        "css": (TEMPLATES / "sna.css").read_text(encoding="utf-8")
        + (TEMPLATES / "evaluation.css").read_text(encoding="utf-8"),
        "generated": datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
        "version": _version(),
        "report": report,
        "data": report.data,
        "rating": report.rating,
        "attribution": OGL,
    }
    html_path = out_dir / "index.html"
    html_path.write_text(template.render(**base, **context, for_print=False), encoding="utf-8")
    result_path = out_dir / "result.json"
    result_path.write_text(json.dumps(result_json(report), indent=2), encoding="utf-8")
    pdf_path = None
    if pdf:
        pdf_path = out_dir / "evaluation.pdf"
        write_pdf(template.render(**base, **context, for_print=True), pdf_path, out_dir)
    return Rendered(html_path, pdf_path, result_path, written)


# -- wording -------------------------------------------------------------------------------------------------------
def fmt_p(p: Any) -> str:
    if p is None or (isinstance(p, float) and not math.isfinite(p)):
        return "n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_signed(value: float, digits: int = 1) -> str:
    return f"{value:+,.{digits}f}"


def fmt_pct_signed(value: Any) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value * 100:+.1f}%"


def chance_words(low: float, high: float, null: float = 0.0) -> str:
    if low > null or high < null:
        return "the interval excludes no change, so chance alone is an unlikely explanation"
    return "the interval includes no change, so the data cannot rule out chance"


def _was(data: dict[str, Any]) -> str:
    return "was" if data.get("label", "").startswith(("all recorded crime", "serious violence")) else "were"


def _period_word(data: dict[str, Any]) -> str:
    return "quarter" if data.get("frequency") == "quarter" else "month"


def _check(name: str, result: str, ok: bool | None) -> dict[str, Any]:
    return {"name": name, "result": result, "ok": ok}


def _figure(
    fig_id: str,
    title: str,
    chart: Any,
    summary: str,
    frame: pd.DataFrame,
    columns: list[Column],
    csv: str,
    data: dict[str, Any],
    open_table: bool = False,
) -> Figure:
    return Figure(
        id=fig_id,
        title=title,
        summary=summary,
        table=make_table(frame, columns, title, csv, limit=40),
        source=data.get("source", "svduty workspace"),
        period=data.get("period", ""),
        svg=charts.to_svg_async(chart, title),
        synthetic=bool(data.get("synthetic")),
        open=open_table,
    )


def _num(digits: int = 1):
    return lambda v: fmt_num(v, digits)
