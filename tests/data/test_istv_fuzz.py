"""Fuzzing both ISTV layouts: whatever the bytes, no unhandled exception, read = stored + rejected, and every
assault accounted for exactly once (by line)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svduty.data import IngestError, istv
from svduty.data.health_mapping import load_istv_mapping
from svduty.data.workspace import Workspace

MAPPING = load_istv_mapping()
HEADER = (
    b"Site Code,Reporting Period Start Date,Reporting Period End Date,Arrival Date Time,Assault Date Time,"
    b"Assault Method,Assault Method Other Description,Assault Location Type,Assault Location Description,Age Band,"
    b"Sex,Synthetic"
)
VALID = [
    b"SYN01,2021-07-01,2021-07-31,2021-07-10 23:40,2021-07-10 23:05,03,,02,outside shops on Cheapside,16-24,M,true",
    b"SYN01,2021-07-01,2021-07-31,2021-07-31 23:59,2021-07-31 22:00,06,dog bite,01,at home,65+,F,true",
    b'SYN01,2021-07-01,2021-07-31,2021-07-02 01:10,2021-07-02 00:50,01,,03,"bar on Moorgate, upstairs",0-15,U,false',
]
FIELDS = ["arrival", "assault", "method", "location", "band", "sex"]


def mutate(row: bytes, how: str, junk: bytes, cut: int) -> bytes:
    clean = junk.replace(b"\n", b"").replace(b"\r", b"")
    if how == "truncate":
        return row[: cut % (len(row) + 1)]
    if how == "extra":
        return row + b"," + clean
    if how == "missing":
        return b",".join(row.split(b",")[:-2])
    if how == "field":
        parts = row.split(b",")
        parts[3 + cut % 8] = clean.replace(b",", b"").replace(b'"', b"")
        return b",".join(parts)
    if how == "junk":
        return clean
    if how == "latin-1":
        return row.replace(b"Cheapside", "Caf\xe9".encode("latin-1"))
    return row


csv_rows = st.tuples(
    st.sampled_from(VALID),
    st.sampled_from(["keep", "keep", "truncate", "extra", "missing", "field", "field", "junk", "latin-1"]),
    st.binary(max_size=30),
    st.integers(min_value=0, max_value=400),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(csv_rows, max_size=20), st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_csv_layout_never_crashes_and_always_adds_up(specs, newline, bom):
    lines = [mutate(*spec) for spec in specs]
    body = (b"\xef\xbb\xbf" if bom else b"") + newline.join([HEADER, *lines]) + newline
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "istv.csv"
        path.write_bytes(body)
        with Workspace.create(Path(tmp) / "ws") as ws:
            try:
                result = istv.ingest(ws, path, MAPPING)
            except IngestError as exc:
                assert str(path) in str(exc)
                assert ws.con.execute("SELECT count(*) FROM ingests").fetchone() == (0,)
                return
            assert result.rows_read == result.rows_stored + result.rows_rejected
            if b'"' not in b"".join(lines):  # no quoted field can span lines: rows are the non-blank lines
                assert result.rows_read == sum(1 for line in lines if line.strip(b" \t\r\n"))
            _accounted_once(ws, result)


def _accounted_once(ws: Workspace, result) -> None:
    stored = ws.con.execute("SELECT count(*) FROM ed_attendances").fetchone()
    rejected = ws.con.execute("SELECT count(*) FROM rejects").fetchone()
    assert (stored[0], rejected[0]) == (result.rows_stored, result.rows_rejected)
    (lines,) = ws.con.execute(
        "SELECT count(DISTINCT line) FROM (SELECT line FROM istv_assaults UNION ALL SELECT line FROM rejects)"
    ).fetchone()
    assert lines == result.rows_read


x = MAPPING.xml
ELEMENTS = {
    "arrival": x.arrival,
    "assault": x.assault_at,
    "method": x.method,
    "location": x.location_type,
    "band": x.age_band,
    "sex": x.sex,
}
GOOD_XML = {
    "arrival": "2021-09-10T23:40:00",
    "assault": "2021-09-10T23:05:00",
    "method": "03",
    "location": "02",
    "band": "16-24",
    "sex": "M",
}
assault_specs = st.tuples(
    st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=20), max_size=3),
    st.sets(st.sampled_from(FIELDS), max_size=2),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(assault_specs, max_size=15), st.sampled_from(["2021-09-01", "2021-13-01", ""]), st.booleans())
def test_xml_layout_never_crashes_and_always_adds_up(specs, start, break_it):
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        "<ISTVSubmission xmlns='urn:example:istv'>",
        f"<{x.header}><{x.period_start}>{start}</{x.period_start}><{x.period_end}>2021-09-30</{x.period_end}>"
        f"<{x.site_code}>SYN01</{x.site_code}></{x.header}>",
    ]
    for changes, dropped in specs:
        values = GOOD_XML | changes
        parts.append(f"<{x.assault}>")
        parts += [
            f"<{ELEMENTS[k]}>{escape(''.join(c for c in v if c.isprintable()))}</{ELEMENTS[k]}>"
            for k, v in values.items()
            if k not in dropped
        ]
        parts.append(f"</{x.assault}>")
    parts.append("</ISTVSubmission>")
    body = "\n".join(parts).encode("utf-8")
    if break_it:
        body = body[: len(body) // 2]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "istv.xml"
        path.write_bytes(body)
        with Workspace.create(Path(tmp) / "ws") as ws:
            try:
                result = istv.ingest(ws, path, MAPPING)
            except IngestError as exc:
                assert str(path) in str(exc)
                assert ws.con.execute("SELECT count(*) FROM ingests").fetchone() == (0,)
                assert break_it or start != "2021-09-01"
                return
            assert not break_it and start == "2021-09-01"
            assert result.rows_read == len(specs) == result.rows_stored + result.rows_rejected
            _accounted_once(ws, result)
            unchanged = sum(
                1 for changes, dropped in specs if not dropped and all(GOOD_XML[k] == v for k, v in changes.items())
            )
            assert result.rows_stored >= unchanged
