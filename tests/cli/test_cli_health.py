"""`svduty examples`, `svduty ingest istv|admissions` with the shipped default mappings, `status --json`, and the
agreements register: warned without one, refused when the workspace requires one."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from svduty.cli.main import app

runner = CliRunner()


def test_examples_load_with_the_default_mappings_and_status_lists_them(tmp_path):
    ws, out = str(tmp_path / "ws"), tmp_path / "ex"
    made = runner.invoke(app, ["examples", "--out", str(out)])
    assert made.exit_code == 0 and "SYNTHETIC" in made.output
    assert sorted(p.name for p in out.iterdir()) == ["admissions.csv", "istv.csv", "istv.xml"]
    again = tmp_path / "ex2"
    runner.invoke(app, ["examples", "--out", str(again)])
    assert all((out / n).read_bytes() == (again / n).read_bytes() for n in ("istv.csv", "istv.xml", "admissions.csv"))

    result = runner.invoke(app, ["ingest", "istv", str(out / "istv.csv"), str(out / "istv.xml"), "-w", ws])
    assert result.exit_code == 0, result.output
    assert "no current data-sharing agreement covers istv" in result.stderr
    result = runner.invoke(app, ["ingest", "admissions", str(out / "admissions.csv"), "-w", ws])
    assert result.exit_code == 0, result.output

    report = json.loads(runner.invoke(app, ["status", "--json", "-w", ws]).stdout)
    files = {f["file"].rsplit("/", 1)[-1]: f for f in report["ingests"]}
    assert set(files) == {"istv.csv", "istv.xml", "admissions.csv"}
    for f in files.values():
        assert f["rows_read"] == f["rows_stored"] + f["rows_rejected"] and f["rows_rejected"] == 0
        assert f["agreement"] == {"reference": None, "checked": "none"}
    assert files["istv.csv"]["reporting_period"] == {"start": "2021-06-01", "end": "2021-08-31"}
    assert files["istv.xml"]["layout"] == "xml" and files["istv.csv"]["site_code"] == "SYN01"
    assert (files["istv.csv"]["rows_stored"], files["istv.xml"]["rows_stored"]) == (360, 120)
    assert report["ed_attendances"] == {"ingested": 480, "synthetic_layer": 0}
    assert report["hospital_admissions"] == 600


def test_agreements_register_warns_then_refuses(tmp_path):
    ws, out = str(tmp_path / "ws"), tmp_path / "ex"
    runner.invoke(app, ["examples", "--out", str(out)])
    register = tmp_path / "register.toml"
    register.write_text(
        'require_current_agreement = true\n[[agreements]]\nreference = "DSA-1"\ndatasets = ["istv"]\n'
        'status = "active"\nstarts_on = 2020-01-01\nreview_on = 2099-01-01\n'
    )
    loaded = runner.invoke(app, ["agreements", "load", str(register), "-w", ws])
    assert loaded.exit_code == 0 and "1 agreements loaded; ingests refused" in loaded.output
    ok = runner.invoke(app, ["ingest", "istv", str(out / "istv.csv"), "-w", ws])
    assert ok.exit_code == 0 and "warning" not in ok.stderr
    refused = runner.invoke(app, ["ingest", "admissions", str(out / "admissions.csv"), "-w", ws])
    assert refused.exit_code == 1
    assert "no current data-sharing agreement covers admissions data; refused" in refused.stderr
    assert "Traceback" not in refused.output
    named = runner.invoke(app, ["ingest", "istv", str(out / "istv.xml"), "--agreement", "DSA-9", "-w", ws])
    assert named.exit_code == 1 and "'DSA-9' is not in the workspace's register" in named.stderr
    runner.invoke(app, ["agreements", "require", "--off", "-w", ws])
    warned = runner.invoke(app, ["ingest", "admissions", str(out / "admissions.csv"), "-w", ws])
    assert warned.exit_code == 0 and "warning" in warned.stderr
    listing = json.loads(runner.invoke(app, ["agreements", "list", "--json", "-w", ws]).stdout)
    assert listing["require_current_agreement"] is False and listing["agreements"][0]["current"] is True
    report = json.loads(runner.invoke(app, ["status", "--json", "-w", ws]).stdout)
    by_source = {f["source"]: f["agreement"] for f in report["ingests"]}
    assert by_source == {
        "istv": {"reference": "DSA-1", "checked": "current"},
        "admissions": {"reference": None, "checked": "none"},
    }


def test_bad_mapping_is_one_line(tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('name = "x"\nmethods = {}\nlocation_types = {}\nsite_code = ""\n')
    result = runner.invoke(app, ["ingest", "istv", str(tmp_path / "none.csv"), "--mapping", str(mapping)])
    assert result.exit_code == 1 and "site_code" in result.stderr and "Traceback" not in result.output


def test_dual_kde_and_analyst_descriptions(tmp_path):
    import csv

    from svduty.data.workspace import Workspace

    ws, out = str(tmp_path / "ws"), tmp_path / "ex"
    runner.invoke(app, ["examples", "--out", str(out)])
    assert runner.invoke(app, ["ingest", "police-uk", "--sample", "-w", ws]).exit_code == 0
    assert runner.invoke(app, ["ingest", "istv", str(out / "istv.csv"), str(out / "istv.xml"), "-w", ws]).exit_code == 0
    stem = tmp_path / "maps" / "ed-vs-police"
    result = runner.invoke(app, ["dual-kde", "--from", "2021-06", "--to", "2021-09", "--out", str(stem), "-w", ws])
    assert result.exit_code == 0, result.output
    meta = json.loads(stem.with_suffix(".json").read_text())
    assert meta["synthetic"] is True and meta["method"] == "ratio"
    with Workspace.open(ws, read_only=True) as w:
        located = w.con.execute("SELECT count(*) FROM ed_assaults WHERE lat IS NOT NULL").fetchone()[0]
        police = w.con.execute(
            "SELECT count(*) FROM incidents WHERE lat IS NOT NULL AND offence_group = 'Violence and sexual offences' "
            "AND month BETWEEN DATE '2021-06-01' AND DATE '2021-09-01'"
        ).fetchone()[0]
    assert (meta["ed_assaults"], meta["police_violence"]) == (located, police)
    assert all(stem.with_suffix(s).exists() for s in (".geojson", ".csv", ".svg", ".png"))
    assert "Cheapside" not in stem.with_suffix(".geojson").read_text()  # no free text in exports

    refused = runner.invoke(app, ["ed-descriptions", "--analyst", " ", "--purpose", "x", "--out", "d.csv", "-w", ws])
    assert refused.exit_code == 1 and "reads of free-text locations are logged" in refused.stderr
    target = tmp_path / "descriptions.csv"
    ok = runner.invoke(
        app, ["ed-descriptions", "--analyst", "A. Analyst", "--purpose", "venue check", "--out", str(target), "-w", ws]
    )
    assert ok.exit_code == 0, ok.output
    rows = list(csv.DictReader(target.open()))
    assert len(rows) > 0 and any("Cheapside" in r["description"] for r in rows)
    with Workspace.open(ws, read_only=True) as w:
        assert w.con.execute("SELECT analyst, purpose, rows FROM description_reads").fetchall() == [
            ("A. Analyst", "venue check", len(rows))
        ]


def test_rms_extract_records_its_agreement_and_is_refused_without_one(tmp_path):
    """Police record extracts are personal data: the RMS ingest takes --agreement like the health extracts."""
    ws = str(tmp_path / "ws")
    register = tmp_path / "register.toml"
    register.write_text(
        'require_current_agreement = true\n[[agreements]]\nreference = "DSA-RMS"\ndatasets = ["rms"]\n'
        'status = "active"\nstarts_on = 2020-01-01\n'
        '[[agreements]]\nreference = "DSA-OLD"\ndatasets = ["rms"]\nstatus = "expired"\n'
    )
    assert runner.invoke(app, ["agreements", "load", str(register), "-w", ws]).exit_code == 0
    stale = runner.invoke(app, ["ingest", "rms", "--example", "--agreement", "DSA-OLD", "-w", ws])
    assert stale.exit_code == 1 and "'DSA-OLD' is not current" in stale.stderr and "Traceback" not in stale.output
    ok = runner.invoke(app, ["ingest", "rms", "--example", "--agreement", "DSA-RMS", "-w", ws])
    assert ok.exit_code == 0 and "warning" not in ok.stderr, ok.output
    report = json.loads(runner.invoke(app, ["status", "--json", "-w", ws]).stdout)
    assert [f["agreement"] for f in report["ingests"] if f["source"] == "rms"] == [
        {"reference": "DSA-RMS", "checked": "current"}
    ]


def test_ingest_istv_reads_codes_from_a_code_list_file(tmp_path):
    """--code-list replaces the shipped working list; the printed title and each rejection name the list."""
    ws, out = str(tmp_path / "ws"), tmp_path / "ex"
    runner.invoke(app, ["examples", "--out", str(out)])
    codes = tmp_path / "codes.csv"
    source = "TEST list for svduty's tests (not a national code list)"
    rows = ["data_element,code,label,group,source"]
    rows += [f"ASSAULT METHOD,{c},TEST {g},{g},{source}" for c, g in (("01", "body part"), ("03", "sharp object"))]
    rows += [f"ASSAULT LOCATION TYPE,{c},TEST {c},other,{source}" for c in ("01", "02", "03", "04", "05", "06", "07")]
    rows += [f"ASSAULT LOCATION TYPE,99,TEST 99,not known,{source}"]
    codes.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "istv", str(out / "istv.csv"), "--code-list", str(codes), "-w", ws])
    assert result.exit_code == 0, result.output
    assert "codes: TEST list" in " ".join(result.output.split())
    report = json.loads(runner.invoke(app, ["status", "--json", "-w", ws]).stdout)
    (f,) = report["ingests"]
    raw = list(csv.DictReader(io.StringIO((out / "istv.csv").read_text(encoding="utf-8"), newline="")))
    kept = sum(r["Assault Method"] in ("01", "03") for r in raw)
    assert (f["rows_read"], f["rows_stored"], f["rows_rejected"]) == (len(raw), kept, len(raw) - kept)
    bad = runner.invoke(app, ["ingest", "istv", str(out / "istv.csv"), "--code-list", str(tmp_path / "none.csv")])
    assert bad.exit_code != 0 and "cannot read code list" in bad.output + bad.stderr
