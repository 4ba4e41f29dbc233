"""The SNA report end to end on real data: files, summary.json against raw counts, structure, accessibility,
Chromium screenshots and PDF pages (saved under ``test-artifacts/sna/`` for a person to look at).

One workspace from the real City of London police.uk files (through the real adapter) plus ONS population and
lookup; a second copy enriched by ``svduty synth`` checks that synthetic sections are labelled.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shutil
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from typer.testing import CliRunner

from svduty.cli.main import app
from svduty.data import police_uk
from svduty.data.workspace import Workspace

SV = ("Violence and sexual offences", "Robbery", "Possession of weapons")
LOOKUP = "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Best_Fit_Lookup_for_EW_(V2).csv"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "sna"
CHROMIUM = Path("/usr/bin/chromium")
SUMMARY_KEYS = {
    "period",
    "all_crime",
    "serious_violence",
    "sv_share",
    "by_crime_type",
    "change_vs_previous",
    "cost_gbp",
    "cost_per_resident_gbp",
    "top_lsoas",
    "concentration",
    "success_measures",
    "priorities",
    "synthetic_sections",
}


NUMBER_OR_NULL = {"type": ["number", "null"]}
SUMMARY_SCHEMA = {
    "type": "object",
    "required": sorted(SUMMARY_KEYS),
    "properties": {
        "period": {
            "type": "object",
            "required": ["from", "to"],
            "properties": {"from": {"pattern": "^\\d{4}-\\d{2}$"}, "to": {"pattern": "^\\d{4}-\\d{2}$"}},
        },
        "all_crime": {"type": "integer", "minimum": 0},
        "serious_violence": {"type": "integer", "minimum": 0},
        "sv_share": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "by_crime_type": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "change_vs_previous": NUMBER_OR_NULL,
        "cost_gbp": {"type": "integer", "minimum": 0},
        "cost_per_resident_gbp": NUMBER_OR_NULL,
        "top_lsoas": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name", "count", "rate_per_1000"],
                "properties": {"count": {"type": "integer"}, "rate_per_1000": NUMBER_OR_NULL},
            },
        },
        "concentration": {
            "type": "object",
            "required": ["top_1pct", "top_5pct", "top_10pct", "gini"],
            "properties": {k: NUMBER_OR_NULL for k in ("top_1pct", "top_5pct", "top_10pct", "gini")},
        },
        "success_measures": {
            "type": "object",
            "additionalProperties": {"type": "object", "required": ["name", "available", "synthetic"]},
        },
        "priorities": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "score", "evidence"],
                "properties": {"score": {"type": "number"}, "evidence": {"type": "array", "items": {"type": "string"}}},
            },
        },
        "synthetic_sections": {"type": "array", "items": {"type": "string"}},
    },
}


@pytest.fixture(scope="module")
def real_ws(city_of_london_workspace: Path) -> Path:
    return city_of_london_workspace


@pytest.fixture(scope="module")
def report(real_ws: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sna-out") / "sna"
    result = CliRunner().invoke(app, ["sna", "--workspace", str(real_ws), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def synthetic_report(real_ws: Path, tmp_path_factory) -> Path:
    from svduty.data import synth

    copy = tmp_path_factory.mktemp("sna-synth") / "ws"
    shutil.copytree(real_ws, copy)
    ws = Workspace.open(copy)
    synth.run(ws, seed=7)
    ws.close()
    out = copy.parent / "sna"
    result = CliRunner().invoke(app, ["sna", "--workspace", str(copy), "--out", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output
    return out


def test_files_written(report: Path):
    assert (report / "index.html").stat().st_size > 50_000
    assert (report / "sna.pdf").read_bytes().startswith(b"%PDF")
    tables = {p.stem for p in (report / "tables").glob("*.csv")}
    assert {"by_crime_type", "monthly", "seasonal", "lsoa_sv", "cost", "unit_costs", "priorities", "outcomes"} <= tables
    assert {"concentration", "lorenz", "grid_top"} <= tables


def test_summary_json_against_raw_files(report: Path, real_data: Path):
    summary = json.loads((report / "summary.json").read_text())
    jsonschema.validate(summary, SUMMARY_SCHEMA)
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    cur = raw[(raw["Month"] >= "2020-12") & (raw["Month"] <= "2021-11")]
    prev = raw[(raw["Month"] >= "2019-12") & (raw["Month"] <= "2020-11")]
    sv = cur[cur["Crime type"].isin(SV)]
    assert summary["period"] == {"from": "2020-12", "to": "2021-11"}
    assert summary["all_crime"] == int((cur["Crime type"] != "Anti-social behaviour").sum())
    assert summary["serious_violence"] == len(sv)
    assert summary["by_crime_type"] == sv["Crime type"].value_counts().to_dict()
    assert summary["sv_share"] == pytest.approx(len(sv) / summary["all_crime"])
    assert summary["change_vs_previous"] == pytest.approx(len(sv) / prev["Crime type"].isin(SV).sum())
    top = sv["LSOA code"].value_counts()
    assert [t["code"] for t in summary["top_lsoas"][:3]] == list(top.index[:3])
    assert [t["count"] for t in summary["top_lsoas"][:3]] == list(top.iloc[:3])
    # per resident: the cost of the crimes inside the area's LSOAs only (issue 19, item 6)
    assert summary["cost_per_resident_gbp"] == pytest.approx(
        summary["cost_in_area_gbp"] / summary["residents"], abs=0.01
    )
    assert summary["cost_in_area_gbp"] < summary["cost_gbp"]
    assert summary["synthetic_sections"] == []
    assert all(not m["available"] for m in summary["success_measures"].values())
    assert [p["rank"] for p in summary["priorities"]] == list(range(1, len(summary["priorities"]) + 1))
    # every table a priority cites exists
    for p in summary["priorities"]:
        for ref in p["evidence"]:
            assert (report / ref).exists(), ref


def test_monthly_table_csv_matches_raw(report: Path, real_data: Path):
    monthly = pd.read_csv(report / "tables" / "monthly.csv").set_index("month")
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    expected = raw[raw["Crime type"].isin(SV)].groupby("Month").size()
    assert (monthly["serious_violence"] == expected.reindex(monthly.index)).all()


class _Outline(HTMLParser):
    """Collects heading levels, figures (caption, svg title, table) and any external URL."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.urls: list[str] = []
        self.figures: list[dict[str, bool]] = []
        self._in_figure = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        for key in ("src", "href"):
            value = a.get(key) or ""
            if value.startswith(("http:", "https:", "//")):
                self.urls.append(value)
        if tag == "figure":
            self._in_figure = True
            self.figures.append({"caption": False, "graphic": False, "table": False, "summary": False})
        elif self._in_figure and tag == "figcaption":
            self.figures[-1]["caption"] = True
        elif self._in_figure and tag in ("svg", "img"):
            self.figures[-1]["graphic"] = self.figures[-1]["graphic"] or tag == "img" or "aria-label" in a
        elif self._in_figure and tag == "table":
            self.figures[-1]["table"] = True
        elif self._in_figure and tag == "p" and "summary" in (a.get("class") or ""):
            self.figures[-1]["summary"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._in_figure = False


def test_html_structure_offline_and_accessible(report: Path):
    html = (report / "index.html").read_text()
    outline = _Outline()
    outline.feed(html)
    assert outline.urls == []  # no CDN, fonts or tiles; <svg xmlns> is not a fetch
    assert "<link" not in html and "<script" not in html and "@import" not in html
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"
    assert len(outline.figures) >= 8
    for fig in outline.figures:
        assert all(fig.values()), fig
    for section in ("Summary", "Method and data", "Where", "When", "Who and why", "Success measures",
                    "Cost of violence", "Recommendations"):  # fmt: skip
        assert f">{section}</h2>" in html
    assert "no record-level data" in html.lower()
    assert 'class="synthetic-tag"' not in html and 'class="synthetic-banner"' not in html


def test_synthetic_sections_are_labelled(synthetic_report: Path):
    summary = json.loads((synthetic_report / "summary.json").read_text())
    jsonschema.validate(summary, SUMMARY_SCHEMA)
    assert "Who and why" in summary["synthetic_sections"]
    assert "When: hour × weekday" in summary["synthetic_sections"]
    assert summary["success_measures"]["sharp_object_admissions_u25"]["synthetic"] is True
    themes = [p for p in summary["priorities"] if p["name"] in ("Victims under 25", "Domestic violence")]
    assert themes and all(p["synthetic"] for p in themes)
    real = [p for p in summary["priorities"] if p["name"] in SV]
    assert real and not any(p["synthetic"] for p in real)
    html = (synthetic_report / "index.html").read_text()
    for fig_id in ("fig-heatmap", "fig-age-sex", "fig-markers"):
        block = html[html.index(f'id="{fig_id}"') :][:3000]
        assert "Synthetic data" in block, fig_id
    # real police.uk volumes are unchanged by the synthetic layer
    assert summary["serious_violence"] == 1156


def _pdf_pages(pdf: Path, out: Path) -> list[Path]:
    if not shutil.which("pdftoppm"):
        pytest.skip("missing: poppler-utils (pdftoppm)")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("pdf-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / "pdf")], check=True, timeout=60)
    return sorted(out.glob("pdf-*.png"))


def test_pdf_pages_render(report: Path):
    pages = _pdf_pages(report / "sna.pdf", ARTIFACTS)
    assert len(pages) >= 10
    text = subprocess.run(["pdftotext", str(report / "sna.pdf"), "-"], capture_output=True, text=True, timeout=60)
    if text.returncode == 0:
        for phrase in ("Summary", "Cost of violence", "Priorities", "Page 1 of"):
            assert phrase in text.stdout


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="missing: Debian chromium (/usr/bin/chromium)")
def test_chromium_renders_offline_and_axe_clean(report: Path, synthetic_report: Path):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        try:
            for name, folder in (("real", report), ("synthetic", synthetic_report)):
                page = browser.new_page(viewport={"width": 1100, "height": 1400})
                requests: list[str] = []
                page.on("request", lambda r, requests=requests: requests.append(r.url))
                page.goto((folder / "index.html").as_uri())
                assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
                page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)
                for section in ("summary", "where", "who", "priorities"):
                    page.locator(f"#{section}").scroll_into_view_if_needed()
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{section}.png"))
                results = Axe().run(page)
                serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
                assert serious == [], [(v["id"], v["help"], len(v["nodes"])) for v in serious]
                page.close()
        finally:
            browser.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2021-13"], "is not a month written YYYY-MM"),
        (["--force", "durham"], "--force durham: no such force in the workspace, which holds city-of-london"),
        (["--from", "2030-01", "--to", "2030-06"], "no data for 2030-01 to 2030-06"),
        (["--area", "E09000099"], "--area E09000099: no such area in the workspace"),
    ],
)
def test_cli_errors_are_one_line(real_ws: Path, tmp_path: Path, args: list[str], message: str):
    result = CliRunner().invoke(app, ["sna", "--workspace", str(real_ws), "--out", str(tmp_path / "o"), *args])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert message in " ".join(result.output.split())


def test_cli_missing_workspace(tmp_path: Path):
    result = CliRunner().invoke(app, ["sna", "--workspace", str(tmp_path / "none"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "no workspace at" in result.output


def test_degenerate_workspace_still_reports(tmp_path: Path):
    """One robbery with no location: no map, no concentration, no population — a report that says so."""
    csv = tmp_path / "2021-01-test-street.csv"
    csv.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context\n,2021-01,Test Police,Test Police,,,No location,,,Robbery,,\n"
    )
    ws = Workspace.create(tmp_path / "ws")
    police_uk.ingest(ws, [csv])
    ws.close()
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sna", "--workspace", str(tmp_path / "ws"), "--out", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["serious_violence"] == 1 and summary["by_crime_type"]["Robbery"] == 1
    assert summary["concentration"]["gini"] is None and summary["cost_per_resident_gbp"] is None
    assert "fewer than two serious violence crimes with a location" in (out / "index.html").read_text()


def test_synthetic_tables_carry_a_synthetic_column(synthetic_report: Path, report: Path, real_data: Path):
    """Every CSV of a synthetic section says so in each row; the real tables beside them do not."""
    tables = synthetic_report / "tables"
    summary = json.loads((synthetic_report / "summary.json").read_text())
    names = ["hour_weekday", "age_sex", "under_25", "markers", "ed_attendances"]
    names += [f"measure_{k}" for k, m in summary["success_measures"].items() if m["synthetic"]]
    assert "measure_sharp_object_admissions_u25" in names
    for name in names:
        frame = pd.read_csv(tables / f"{name}.csv")
        assert len(frame) and "synthetic" in frame.columns and frame["synthetic"].all(), name
    for name in ("hour_weekday", "age_sex", "markers", "by_crime_type", "lsoa_sv"):
        assert "synthetic" not in pd.read_csv(report / "tables" / f"{name}.csv").columns, name
    # the real police.uk counts beside them are untouched (raw CSVs, pandas)
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    cur = raw[(raw["Month"] >= "2020-12") & (raw["Month"] <= "2021-11")]
    ct = pd.read_csv(tables / "by_crime_type.csv").set_index("crime_type")
    assert "synthetic" not in ct.columns
    assert (ct.loc[cur["Crime type"].value_counts().index, "count"] == cur["Crime type"].value_counts()).all()


def test_headline_grid_gini_is_generalised(report: Path):
    summary = json.loads((report / "summary.json").read_text())
    grid = summary["concentration"]["grid"]
    assert grid["places"] > grid["incidents"]
    expected = grid["places"] / grid["incidents"] * (grid["gini"] - 1) + 1  # Bernasco & Steenbeek (2017)
    assert grid["gini_reported"] == pytest.approx(expected)
    assert grid["gini_reported_method"] == "generalised Gini (Bernasco & Steenbeek 2017)"
    html = " ".join((report / "index.html").read_text().split())
    assert f"generalised Gini (Bernasco &amp; Steenbeek 2017) {expected:.2f}" in html
    conc = pd.read_csv(report / "tables" / "concentration.csv")
    assert conc.loc[1, "generalised_gini"] == pytest.approx(expected)


def test_top_shares_say_how_many_places_they_are(report: Path, real_data: Path):
    """Six City of London LSOAs: the 'top 1%' is one LSOA, i.e. 1/6 of places; summary.json and concentration.csv
    say so (ceil(6 × 1%) = 1, ceil(6 × 10%) = 1) beside the share of SV it holds."""
    summary = json.loads((report / "summary.json").read_text())["concentration"]
    assert summary["places"] == 6
    for p in ("1", "5", "10"):
        assert summary[f"top_{p}pct_places"] == pytest.approx(1 / 6)
    conc = pd.read_csv(report / "tables" / "concentration.csv")
    lsoa, grid = conc.iloc[0], conc.iloc[1]
    assert lsoa["top_1pct_places"] == pytest.approx(1 / 6)
    n = int(grid["places"])
    assert grid["top_1pct_places"] == pytest.approx(-(-n // 100) / n)
    assert grid["top_10pct_places"] == pytest.approx(-(-n // 10) / n)
    # the single busiest LSOA's share, from the raw files
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    cur = raw[(raw["Month"] >= "2020-12") & (raw["Month"] <= "2021-11") & raw["Crime type"].isin(SV)]
    city = {"E01000001", "E01000002", "E01000003", "E01000005", "E01032739", "E01032740"}
    counts = cur.loc[cur["LSOA code"].isin(city), "LSOA code"].value_counts()
    assert summary["top_1pct"] == pytest.approx(counts.max() / counts.sum())


def test_top_places_sentence_counts_the_lsoas(real_ws: Path, tmp_path: Path, real_data: Path):
    """--area E01000001 is one LSOA: the report says "The LSOA with most serious violence is …", not "three"."""
    out = tmp_path / "one"
    result = CliRunner().invoke(
        app, ["sna", "--workspace", str(real_ws), "--out", str(out), "--area", "E01000001", "--no-pdf"]
    )
    assert result.exit_code == 0, result.output
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    cur = raw[(raw["Month"] >= "2020-12") & (raw["Month"] <= "2021-11") & raw["Crime type"].isin(SV)]
    n = int((cur["LSOA code"] == "E01000001").sum())
    html = " ".join((out / "index.html").read_text().split())
    assert f"The LSOA with most serious violence is City of London 001A ({n:,})." in html
    assert "The three LSOAs" not in html
    assert "City of London 001A alone had 100% of the area&#39;s located serious violence" in html


def test_partly_covered_previous_period_reads_n_a(real_ws: Path, tmp_path: Path, real_data: Path):
    """--from 2019-06 --to 2020-05: the previous 12 months are only half in the data (from 2018-12), so the crime
    type table shows n/a for previous, change and p, and summary.json has no comparison (was +104%, p=5e-49)."""
    out = tmp_path / "np"
    args = ["sna", "--workspace", str(real_ws), "--out", str(out), "--from", "2019-06", "--to", "2020-05", "--no-pdf"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    assert raw["Month"].min() == "2018-12"
    cur = raw[(raw["Month"] >= "2019-06") & (raw["Month"] <= "2020-05")]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["serious_violence"] == int(cur["Crime type"].isin(SV).sum())
    assert summary["change_vs_previous"] is None and summary["change_p_value"] is None
    ct = pd.read_csv(out / "tables" / "by_crime_type.csv")
    assert ct[["previous", "change_pct", "change_p_value"]].isna().all().all()
    html = " ".join((out / "index.html").read_text().split())
    row = html[html.index("<td>Violence and sexual offences</td>") :]
    row = row[: row.index("</tr>")]
    assert row.count(">n/a<") == 3, row


def test_pdf_is_tagged_pdf_ua_with_title_and_language(report: Path):
    """PDF/UA-1 (WeasyPrint's variant): ``pdfinfo`` says Tagged: yes; the structure tree has the document's headings,
    lists, tables and figures; the catalogue names the language and the document title is shown."""
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils (pdfinfo) not installed")
    pdf = report / "sna.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+Serious violence: strategic needs assessment", info, re.M)
    tree = subprocess.run(
        ["pdfinfo", "-struct", str(pdf)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    tags = re.findall(r"^\s*(\w+)", tree, re.M)
    assert tags[0] == "Document"
    for tag in ("H1", "H2", "H3", "P", "L", "LI", "Table", "TR", "TH", "TD", "Figure"):
        assert tag in tags, tag
    assert tags.count("H1") == 1
    raw = pdf.read_bytes()
    for body in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):  # objects may sit in object streams
        with contextlib.suppress(zlib.error):
            raw += zlib.decompress(body)
    assert re.search(rb"/Lang\s*\(en-GB\)", raw)
    assert b"pdfuaid" in raw  # the PDF/UA identification in the XMP metadata


def _pdf_objects(pdf: Path) -> bytes:
    """The file with every Flate stream inflated after it (structure elements sit in compressed object streams)."""
    raw = pdf.read_bytes()
    out = raw
    for body in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        with contextlib.suppress(zlib.error):
            out += zlib.decompress(body)
    return out


def _dicts(buf: bytes, marker: bytes) -> list[bytes]:
    """Every ``<< … >>`` dictionary holding ``marker`` at its own level, nested dictionaries included."""
    found = []
    for m in re.finditer(re.escape(marker), buf):
        start = buf.rfind(b"<<", 0, m.start())
        depth, i = 0, start
        while i < len(buf) - 1:
            pair = buf[i : i + 2]
            if pair == b"<<":
                depth, i = depth + 1, i + 2
            elif pair == b">>":
                depth, i = depth - 1, i + 2
                if depth == 0:
                    break
            else:
                i += 1
        found.append(buf[start:i])
    return found


def test_pdf_ua_checks_a_validator_would_make(report: Path):
    """veraPDF is not installable offline here (no Debian package, no jar, no PyPI wheel), so the Matterhorn checks
    it would make that a file can show are made on the objects: every Figure has a non-empty /Alt, headings nest
    (one H1, no level skipped) in the structure tree, every table has TH header cells and every TD names its headers,
    the catalogue has /Lang, /MarkInfo /Marked true and /DisplayDocTitle, the XMP says pdfuaid:part 1, every page
    orders tabs by structure and every link annotation has /Contents."""
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils (pdfinfo) not installed")
    pdf = report / "sna.pdf"
    buf = _pdf_objects(pdf)
    elems = _dicts(buf, b"/Type /StructElem")
    kinds = [re.search(rb"/S\s*/(\w+)", e).group(1).decode() for e in elems]  # type: ignore[union-attr]
    figures = [e for e, k in zip(elems, kinds, strict=True) if k == "Figure"]
    assert len(figures) >= 8
    for fig in figures:
        alt = re.search(rb"/Alt\s*(\((?:[^()\\]|\\.)+\)|<[0-9a-fA-F]{8,}>)", fig)
        assert alt, fig[:200]
    cells = [e for e, k in zip(elems, kinds, strict=True) if k == "TD"]
    assert cells and all(b"/Headers" in c for c in cells)
    tree = subprocess.run(["pdfinfo", "-struct", str(pdf)], capture_output=True, text=True, timeout=60, check=True)
    lines = [(len(x) - len(x.lstrip()), x.split()[0]) for x in tree.stdout.splitlines() if x.strip()]
    levels = [int(tag[1]) for _, tag in lines if re.fullmatch(r"H[1-6]", tag)]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading level jumps from H{before} to H{after}"
    tables = [i for i, (_, tag) in enumerate(lines) if tag == "Table"]
    assert tables
    for i in tables:  # the TH cells must be inside this table's subtree
        indent = lines[i][0]
        j = i + 1
        while j < len(lines) and lines[j][0] > indent:
            j += 1
        assert "TH" in {tag for _, tag in lines[i + 1 : j]}, f"table at structure line {i} has no TH"
    assert re.search(rb"/Lang\s*\(en-GB\)", buf)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", buf)
    assert re.search(rb"/DisplayDocTitle\s+true", buf)
    assert re.search(rb'pdfuaid:part="1"|<pdfuaid:part>1</pdfuaid:part>', buf)
    pages = _dicts(buf, b"/Type /Page/")
    pages = [p for p in pages if re.search(rb"/Type\s*/Page(?!s)", p)]
    assert pages and all(b"/Tabs /S" in p for p in pages)
    links = _dicts(buf, b"/Subtype /Link")
    assert links and all(re.search(rb"/Contents\s*[(<]", link) for link in links)


def test_pdf_contents_has_page_numbers_and_board_parts(report: Path):
    text = subprocess.run(["pdftotext", "-layout", str(report / "sna.pdf"), "-"], capture_output=True, text=True)
    if text.returncode != 0:
        pytest.skip("pdftotext not available")
    pages = text.stdout.split("\f")
    contents = pages[0]
    for title in ("Summary", "Why: deprivation", "Recommendations", "Glossary"):
        match = re.search(rf"{re.escape(title)}[ .]+(\d+)", contents)
        assert match, title
        page = int(match.group(1))
        assert title in pages[page - 1], (title, page)  # the number points at the page the section starts on
    assert "Version and approval" in contents and "Approved by" in contents
    summary_page = next(i for i, p in enumerate(pages) if "Executive summary for the Serious" in p)
    assert "Key findings" in pages[summary_page] and "Recommendations" in pages[summary_page]


def test_every_referenced_file_exists_and_zip_for_email(report: Path):
    import zipfile

    html = (report / "index.html").read_text(encoding="utf-8")
    referenced = set(re.findall(r"tables/[\w.-]+\.csv", html))
    assert referenced
    for ref in referenced:
        assert (report / ref).exists(), ref
    with zipfile.ZipFile(report / "sna-report.zip") as zf:
        names = set(zf.namelist())
    assert {"index.html", "sna.pdf", "summary.json"} <= names
    assert {f"tables/{p.name}" for p in (report / "tables").glob("*.csv")} <= names
    assert "sna-report.zip" in html


def test_where_section_names_places_and_maps(report: Path, real_data: Path):
    """The Where section draws the named maps (svduty.analysis.where + report.place_maps) on the bundled City of
    London boundaries, and tables/top_cells.csv names each dense cell by an LSOA and a street of the raw files."""
    html = " ".join((report / "index.html").read_text().split())
    where = html[html.index('<h2 id="where">') : html.index("</section>", html.index('<h2 id="where">'))]
    for fig in ("fig-where-density", "fig-where-lsoa-rate", "fig-where-change", "fig-where-categories"):
        assert f'<figure id="{fig}"' in where, fig
    assert "LSOA boundaries" in where  # bundled boundaries are used, and named as the source
    cells = pd.read_csv(report / "tables" / "top_cells.csv")
    assert 1 <= len(cells) <= 10 and list(cells["rank"]) == list(range(1, len(cells) + 1))
    files = sorted((real_data / "police-uk" / "city-of-london").glob("*/*.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    assert set(cells["lsoa_name"]) <= set(raw["LSOA name"].dropna())
    # police.uk writes "Alderman'S Walk"; the report tidies the case, so compare without it
    assert cells["street"].notna().all()
    assert set(cells["street"].str.lower()) <= set(raw["Location"].dropna().str.lower())
    for place in cells["label"].head(3):  # the densest places are named in the map's text summary
        assert place.replace("&", "&amp;").replace("'", "&#39;") in where
    names = pd.read_csv(report / "tables" / "lsoa_names.csv")
    city = {"E01000001", "E01000002", "E01000003", "E01000005", "E01032739", "E01032740"}
    assert city <= set(names["code"]) and names.loc[names["code"].isin(city), "street"].notna().all()


@pytest.fixture(scope="module")
def health_report(real_ws: Path, tmp_path_factory) -> tuple[Path, Path]:
    """The real City of London workspace plus the `svduty examples` ISTV and admissions extracts, ingested."""
    base = tmp_path_factory.mktemp("sna-health")
    copy = base / "ws"
    shutil.copytree(real_ws, copy)
    runner = CliRunner()
    for args in (
        ["examples", "--out", str(base / "ex")],
        ["ingest", "admissions", str(base / "ex" / "admissions.csv"), "--workspace", str(copy)],
        ["ingest", "istv", str(base / "ex" / "istv.csv"), str(base / "ex" / "istv.xml"), "--workspace", str(copy)],
        ["sna", "--workspace", str(copy), "--out", str(base / "sna"), "--no-pdf"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return base / "sna", base / "ex" / "admissions.csv"


def test_success_measure_1_from_admissions(health_report: tuple[Path, Path]):
    """Measure 1 = X99 admissions of under-25s in the period, counted here from the CSV with the csv module."""
    import csv

    out, admissions_csv = health_report
    with admissions_csv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    under_25 = {"0-15", "16-24"}
    expected = sum(
        1
        for r in rows
        if r["External Cause"].startswith("X99")
        and "2020-12" <= r["Admission Date"][:7] <= "2021-11"
        and (int(r["Age"]) < 25 if r["Age"] else r["Age Band"] in under_25)
    )
    measure = json.loads((out / "summary.json").read_text())["success_measures"]["sharp_object_admissions_u25"]
    assert measure["available"] and measure["synthetic"]
    assert measure["latest"] == {"year": "2020-12 to 2021-11", "count": expected}
    # the baseline is a whole year of the extract (it starts in 2019-04), not the police data's first year
    first = min(r["Admission Date"][:7] for r in rows)
    assert measure["baseline"]["year"].split(" to ")[0] >= first
    assert "hospital admissions extract (admissions.csv)" in measure["source"]
    html = " ".join((out / "index.html").read_text().split())
    assert "Source: hospital admissions extract (admissions.csv)" in html
    table = pd.read_csv(out / "tables" / "measure_sharp_object_admissions_u25.csv")
    assert int(table["count"].iloc[-1]) == expected and table["synthetic"].all()


def test_ae_section_shows_istv_by_month_and_the_gap(health_report: tuple[Path, Path]):
    out, _ = health_report
    html = " ".join((out / "index.html").read_text().split())
    assert '<figure id="fig-ed-monthly"' in html
    assert "Emergency department (ISTV) data fill the gap of violence never reported to the police" in html
    assert "ISTV extract from site" in html  # health.sources names the ED data's origin
    monthly = pd.read_csv(out / "tables" / "ed_assaults_by_month.csv")
    assert {"month", "method", "location_type", "attendances"} <= set(monthly.columns)
    assert monthly["synthetic"].all()


def test_boundaries_option_is_passed_through(real_ws: Path, tmp_path: Path):
    """--boundaries FILE draws the Where maps on the user's file (named as their source); a file without the area's
    LSOAs is a one-line error naming the file."""
    from svduty.data.boundaries import BUNDLED

    mine = tmp_path / "my-lsoas.geojson"
    shutil.copyfile(BUNDLED, mine)
    out = tmp_path / "b"
    args = ["sna", "--workspace", str(real_ws), "--out", str(out), "--no-pdf", "--boundaries", str(mine)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    html = " ".join((out / "index.html").read_text().split())
    assert "LSOA boundaries: my-lsoas.geojson" in html
    wrong = tmp_path / "elsewhere.geojson"
    square = [[[-1.5, 54.7], [-1.4, 54.7], [-1.4, 54.8], [-1.5, 54.7]]]
    feature = {"type": "Feature", "properties": {"LSOA21CD": "E01999999", "LSOA21NM": "Nowhere 001A"}}
    feature["geometry"] = {"type": "Polygon", "coordinates": square}
    wrong.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    args[-1] = str(wrong)
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]  # after the stage ticks
    assert len(errors) == 1 and "elsewhere.geojson" in errors[0] and "none of the area's 6 LSOA codes" in errors[0]
    assert "Traceback" not in result.output
