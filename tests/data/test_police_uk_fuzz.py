"""Fuzzing the police.uk adapter: whatever the bytes, no unhandled exception and read = stored + rejected."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from svduty.data import IngestError, police_uk
from svduty.data.workspace import Workspace

HEADER = (
    b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    b"Last outcome category,Context"
)
VALID = [
    b",2021-08,Durham Constabulary,Durham Constabulary,-1.571,54.776,On or near Claypath,E01020634,"
    b"County Durham 026B,Anti-social behaviour,,",
    b"3f2a,2021-08,Durham Constabulary,Durham Constabulary,-1.550,54.780,On or near Gilesgate,E01020700,"
    b"County Durham 020A,Violence and sexual offences,Unable to prosecute suspect,",
    b"9c1e,2021-08,British Transport Police,British Transport Police,-1.784602,50.738331,On or near Christchurch "
    b'(Station),E01034279,"Bournemouth, Christchurch and Poole 031E",Bicycle theft,,',
    b"77ab,2021-08,Durham Constabulary,Durham Constabulary,,,No Location,,,Robbery,Under investigation,",
]


def mutate(row: bytes, how: str, junk: bytes, cut: int) -> bytes:
    if how == "truncate":
        return row[: cut % (len(row) + 1)]
    if how == "extra":
        return row + b"," + junk.replace(b"\n", b"")
    if how == "missing":
        return b",".join(row.split(b",")[:-2])
    if how == "bad-number":
        parts = row.split(b",")
        parts[4] = junk.replace(b"\n", b"").replace(b",", b"") or b"NaN"
        return b",".join(parts)
    if how == "junk":
        return junk
    if how == "latin-1":
        return row.replace(b"Claypath", "Caf\xe9".encode("latin-1"))
    if how == "quote":
        return row.replace(b"On or near", b'"On or near')
    return row


rows = st.tuples(
    st.sampled_from(VALID),
    st.sampled_from(["keep", "keep", "truncate", "extra", "missing", "bad-number", "junk", "latin-1", "quote"]),
    st.binary(max_size=40),
    st.integers(min_value=0, max_value=400),
)


def independent_row_count(body: bytes) -> int:
    """Data rows are the non-blank lines after the header; CRLF, LF and a lone CR each end a line, as in any reader."""
    lines = re.split(rb"\r\n|\r|\n", body)[1:]
    return sum(1 for line in lines if line.strip(b" \t"))


@pytest.fixture(scope="module")
def fuzz_ws(fuzz_dir):
    """One workspace for every example (emptied before each): creating one per example cost most of the time."""
    ws = Workspace.create(fuzz_dir / "police-uk-ws")
    yield ws
    ws.close()


@pytest.mark.fuzz
@given(
    st.lists(rows, max_size=25),
    st.sampled_from([b"\n", b"\r\n"]),
    st.booleans(),
    st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "bom"]),
)
def test_any_bytes_never_crash_and_always_add_up(
    fuzz_ws, fuzz_dir, fuzz_examples, row_specs, newline, trailing, encoding
):
    fuzz_examples["police-uk"] += 1
    body = newline.join([HEADER] + [mutate(*spec) for spec in row_specs]) + (newline if trailing else b"")
    if encoding == "utf-16":
        body = body.decode("utf-8", errors="replace").encode("utf-16")
    elif encoding == "bom":
        body = b"\xef\xbb\xbf" + body
    ws = fuzz_ws
    with ws.transaction():
        for table in ("incidents", "rejects", "ingests"):
            ws.con.execute(f"DELETE FROM {table}")
    path = fuzz_dir / "2021-08-durham-street.csv"
    path.write_bytes(body)
    try:
        (result,) = police_uk.ingest(ws, [path])
    except IngestError as exc:
        assert str(path) in str(exc)
        (n,) = ws.con.execute("SELECT count(*) FROM ingests").fetchone()
        assert n == 0
        return
    assert result.rows_read == result.rows_stored + result.rows_rejected
    assert result.rows_read == independent_row_count(body.removeprefix(b"\xef\xbb\xbf"))
    (stored,) = ws.con.execute("SELECT count(*) FROM incidents").fetchone()
    (rejected,) = ws.con.execute("SELECT count(*) FROM rejects").fetchone()
    assert (stored, rejected) == (result.rows_stored, result.rows_rejected)
    (lines,) = ws.con.execute(
        "SELECT count(DISTINCT line) FROM (SELECT line FROM incidents UNION ALL SELECT line FROM rejects)"
    ).fetchone()
    assert lines == result.rows_read  # every row accounted for exactly once
