"""The report as files: ``index.html``, ``sna.pdf``, ``tables/*.csv`` and ``summary.json``.

Sections are built by their own modules in ``BUILD_ORDER`` (the summary last, as it quotes the others) and shown
in ``SHOW_ORDER``.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from svduty.analysis import costs
from svduty.analysis.needs_assessment import Assessment
from svduty.report.sna import (
    ae,
    compare,
    cost,
    glossary,
    measures,
    method,
    priorities,
    risk,
    summary,
    themes,
    when,
    where,
    who,
    why,
)
from svduty.report.sna.common import (
    OGL,
    RenderResult,
    ReportInput,
    Section,
    missing,
    package_version,
    templates_dir,
)

TEMPLATES = templates_dir()
BUILD_ORDER = (method, compare, where, why, risk, themes, when, who, ae, measures, cost, priorities, glossary, summary)
ZIP_NAME = "sna-report.zip"
SHOW_ORDER = (
    "summary",
    "method",
    "compare",
    "where",
    "why",
    "risk",
    "themes",
    "when",
    "who",
    "measures",
    "cost",
    "priorities",
    "glossary",
)


# -- summary.json --------------------------------------------------------------------------------------------------
def build_summary(a: Assessment) -> dict[str, Any]:
    """The machine-readable headline figures (issue 4, item 5), plus scope and provenance."""
    head = a.headline
    lsoas = a.tables["lsoa_sv"]
    top = lsoas[lsoas["count"] > 0].head(10)
    cost = a.cost.set_index("crime_type")
    conc = a.places.concentration if a.places else {}

    def clean(value: Any) -> Any:
        if missing(value):
            return None
        if hasattr(value, "item"):
            return value.item()
        return value

    return {
        "period": {"from": f"{a.period.start:%Y-%m}", "to": f"{a.period.end:%Y-%m}"},
        "previous_period": {"from": f"{a.period.prev_start:%Y-%m}", "to": f"{a.period.prev_end:%Y-%m}"},
        "scope": {"force": a.scope.force, "area": a.scope.area, "area_kind": a.notes.get("area_kind")},
        "all_crime": head["all_crime"],
        "anti_social_behaviour": head["anti_social_behaviour"],
        "serious_violence": head["serious_violence"],
        "sv_share": clean(head["sv_share"]),
        "by_crime_type": head["by_crime_type"],
        "previous_serious_violence": head["previous_serious_violence"],
        "change_vs_previous": clean(head["change_vs_previous"]),
        "change_p_value": clean(head.get("change_p_value")),
        "cost_gbp": int(cost.loc["Total", "cost_central"]),
        "cost_range_gbp": {"low": int(cost.loc["Total", "cost_low"]), "high": int(cost.loc["Total", "cost_high"])},
        "cost_in_area_gbp": int(cost.loc["Total", "area_cost_central"]),
        "cost_price_year": a.price_year,
        "cost_per_resident_gbp": clean(round(cost.loc["Total", "per_resident_central"], 2)) if a.residents else None,
        "residents": clean(a.residents),
        "top_lsoas": [
            {
                "code": r.code,
                "name": r.name,
                "count": int(r.count),
                "rate_per_1000": None if missing(r.rate_per_1000) else round(float(r.rate_per_1000), 2),
            }
            for r in top.itertuples()
        ],
        "concentration": {
            "top_1pct": clean(conc.get("top_1pct")),
            "top_5pct": clean(conc.get("top_5pct")),
            "top_10pct": clean(conc.get("top_10pct")),
            "gini": clean(conc.get("gini")),
            # the share of LSOAs each "top x%" really is (at least one LSOA): 1 of 6 LSOAs is 16.7%, not 1%
            "top_1pct_places": clean(conc.get("top_1pct_places")),
            "top_5pct_places": clean(conc.get("top_5pct_places")),
            "top_10pct_places": clean(conc.get("top_10pct_places")),
            "places": clean(conc.get("places")),
            "unit": "LSOA",
            "grid": {k: clean(v) for k, v in conc.get("grid", {}).items()} or None,
        },
        "success_measures": {m.key: m.summary() for m in a.measures},
        "priorities": [
            {
                "rank": int(r["rank"]),
                "name": r["name"],
                "score": round(float(r["score"]), 2),
                "evidence": list(r["evidence"]),
                "synthetic": bool(r["synthetic"]),
            }
            for _, r in a.priorities.iterrows()
        ],
        "synthetic_sections": a.synthetic_sections,
        "definition": a.notes.get("definition"),
        "population": {
            "lsoas": a.notes.get("lsoas"),
            "lsoas_with_population": a.notes.get("lsoas_with_population"),
            "sources": a.notes.get("population_sources"),
            "years": a.notes.get("population_years"),
        },
        "cost_source": costs.COST_SOURCE,
        "cost_figures_verified": costs.UNIT_COSTS_VERIFIED,
        "deflator_verified": costs.load_deflator().verified,
    }


def synthetic_columns_of(con: Any) -> list[dict[str, Any]]:
    """Rows of the workspace's ``synthetic_columns`` register (empty when the table is absent or empty)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "synthetic_columns" not in names:
        return []
    frame = con.execute(
        "SELECT table_name, column_name, rows, how FROM synthetic_columns WHERE rows > 0 ORDER BY 1, 2"
    ).df()
    return frame.to_dict("records")


# -- the report -----------------------------------------------------------------------------------------------------
def area_label(a: Assessment) -> str:
    """How the report names its area: the force(s) and the local authorities it covers, or the --area asked for."""
    forces = a.notes.get("forces") or []
    force = forces[0] if len(forces) == 1 else ", ".join(forces[:3]) if forces else (a.scope.force or "")
    lads = [str(x).split(" (")[0] for x in a.notes.get("area_lads") or []]
    if a.scope.area:
        where = ", ".join(lads) if a.notes.get("area_kind") == "local authority code" and lads else a.scope.area
        return f"{where} ({force})" if force else where
    pfas = a.notes.get("area_pfas") or []
    if len(lads) > 3 and len(pfas) == 1:  # a whole force area: name it, not its nine districts
        return f"{force} ({pfas[0]} police force area, {len(lads)} local authorities)"
    if lads:
        return f"{force} ({', '.join(lads)})" if force else ", ".join(lads)
    return force or "the workspace"


def render(
    a: Assessment,
    out_dir: Path,
    *,
    pdf: bool = True,
    label: str | None = None,
    synthetic_columns: list[dict[str, Any]] | None = None,
) -> RenderResult:
    """Write the report files to ``out_dir`` and return their paths and stage timings (seconds)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    tables_dir = out_dir / "tables"
    tables_dir.mkdir(exist_ok=True)
    for stale in tables_dir.glob("*.csv"):  # a table from an earlier run must not sit beside this report
        stale.unlink()
    written = []
    synthetic_tables = a.synthetic_tables()
    for name, frame in a.tables.items():
        path = tables_dir / f"{name}.csv"
        if name in synthetic_tables and name != "priorities":
            # a file can leave the report: each row of a synthetic section says so itself
            frame = frame.assign(synthetic=True)
        frame.to_csv(path, index=False)
        written.append(path)
    timings["tables (CSV)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    context = _context(a, label or area_label(a), synthetic_columns or [])
    timings["charts (SVG)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["html", "j2"])
    )
    template = env.get_template("sna.html.j2")
    html = template.render(**context, for_print=False)
    # The PDF renders the same template and CSS; ``for_print`` only leaves out what print CSS hides anyway
    # (screen-only SVG maps, collapsed data tables), which WeasyPrint would otherwise style for nothing.
    print_html = template.render(**context, for_print=True)
    html_path = out_dir / "index.html"
    html_path.write_text(html, encoding="utf-8")
    summary_path = out_dir / "summary.json"
    summary_path.write_text(json.dumps(build_summary(a), indent=2, default=str), encoding="utf-8")
    timings["HTML + summary.json"] = time.perf_counter() - t0

    pdf_path = None
    if pdf:
        t0 = time.perf_counter()
        pdf_path = out_dir / "sna.pdf"
        write_pdf(print_html, pdf_path, out_dir)
        timings["PDF (WeasyPrint)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    (out_dir / ZIP_NAME).unlink(missing_ok=True)
    write_zip(out_dir)
    timings["zip for e-mail"] = time.perf_counter() - t0
    return RenderResult(html_path, pdf_path, summary_path, written, timings)


def write_pdf(html: str, path: Path, base: Path) -> None:
    """Same HTML, print CSS (``@media print``), no network: WeasyPrint may only read ``data:`` and ``file:`` URLs."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data", "file"})
    # PDF/UA-1: tagged structure (headings, lists, tables, figures with alt text), document title and language
    # from <title> and <html lang>; checked by ``pdfinfo`` (Tagged: yes) and the structure tree in the tests.
    weasyprint.HTML(string=html, base_url=str(base), url_fetcher=fetcher, media_type="print").write_pdf(
        path, pdf_variant="pdf/ua-1", uncompressed_pdf=False
    )


def write_zip(out_dir: Path) -> Path:
    """The whole report folder as one file, for e-mail: index.html, sna.pdf, summary.json and tables/."""
    import zipfile

    target = out_dir / ZIP_NAME
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(out_dir.rglob("*")):
            if path.is_file() and path != target:
                zf.write(path, path.relative_to(out_dir).as_posix())
    return target


def build_sections(a: Assessment, area: str, synthetic_columns: list[dict[str, Any]]) -> dict[str, Section]:
    """Every section, built once, keyed by id."""
    r = ReportInput(a, area, synthetic_columns)
    for module in BUILD_ORDER:
        section = module.build(r)
        r.built[section.id] = section
    return r.built


def _context(a: Assessment, area: str, synthetic_columns: list[dict[str, Any]]) -> dict[str, Any]:
    built = build_sections(a, area, synthetic_columns)
    figures = {k: v for s in built.values() for k, v in s.figures.items()}
    shown = [built[k] for k in SHOW_ORDER if k in built]
    return {
        "title": f"Serious violence: strategic needs assessment for {area}",
        "css": (TEMPLATES / "sna.css").read_text(encoding="utf-8"),
        "generated": datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
        "version": package_version(),
        "period": a.period,
        "sections": [{"id": s.id, "title": s.title} for s in shown if s.in_contents],
        "shown": shown,
        "s": built,
        "figures": figures,
        "synthetic_sections": a.synthetic_sections,
        "synthetic_columns": synthetic_columns,
        "notes": a.notes,
        "attribution": OGL,
        "partnership": area,
        "zip_name": ZIP_NAME,
        "control": {
            "version": f"{a.period.end:%Y-%m} draft, generated {datetime.now(UTC):%Y-%m-%d}",
            "status": "Draft for the Serious Violence Board: not approved until the approval rows below are filled in",
            "next_review": f"by {a.period.end.year + 1}-{a.period.end.month:02d} (the Duty asks for a yearly review)",
        },
    }
