"""Hostile inputs from the attack review: zip bombs, pipes and devices, NUL bytes, lone-CR line ends.

Each must end in a one-line error or in rows stored/rejected with their reason: never a traceback, never a hang,
never memory proportional to what an archive claims to hold.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import socket
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from svduty.data import IngestError, police_uk, population, rms
from svduty.data.mapping import load_mapping

HEADER = (
    b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    b"Last outcome category,Context\n"
)
ROW = (
    b"ab12,2021-08,Durham Constabulary,Durham Constabulary,-1.571,54.776,On or near Claypath,E01020634,"
    b"County Durham 026B,Robbery,,\n"
)
MEMORY_LIMIT = 1536 << 20  # address space for the child: enough for svduty (threads, DuckDB), not for 2 GiB
BOMB_MEMBER = 2 << 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _svduty(*args: str, tmp_path: Path, limit: bool = False, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SVDUTY_")}
    return subprocess.run(
        [sys.executable, "-m", "svduty.cli", *args, "--workspace", str(tmp_path / "ws")],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        preexec_fn=_limit_memory if limit else None,
    )


def _one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def _bomb(path: Path, size: int) -> Path:
    """A real zip bomb: ``size`` bytes of valid-looking police.uk rows, deflated about 290:1."""
    chunk = HEADER + ROW * ((1 << 20) // len(ROW))
    body = ROW * ((1 << 20) // len(ROW))
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("2021-08-durham-street.csv", "w", force_zip64=True) as member,
    ):
        member.write(chunk)
        written = len(chunk)
        while written < size:
            member.write(body)
            written += len(body)
    return path


@pytest.mark.slow
def test_zip_bomb_is_refused_with_bounded_memory(tmp_path):
    bomb = _bomb(tmp_path / "bomb.zip", BOMB_MEMBER)
    assert bomb.stat().st_size < 16 << 20  # a few MB on disk ...
    with zipfile.ZipFile(bomb) as archive:
        assert archive.infolist()[0].file_size >= BOMB_MEMBER  # ... holding 2 GiB
    # Control: inflating the member whole cannot fit under the limit the child gets.
    control = subprocess.run(
        [sys.executable, "-c", f"import zipfile; zipfile.ZipFile({str(bomb)!r}).read('2021-08-durham-street.csv')"],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_memory,
    )
    assert control.returncode != 0 and "MemoryError" in control.stderr
    started = time.monotonic()
    result = _svduty("ingest", "police-uk", str(bomb), tmp_path=tmp_path, limit=True)
    _one_line_error(result, "bomb.zip!2021-08-durham-street.csv", "zip bomb")
    assert time.monotonic() - started < 60


def _lying_zip(path: Path, real: bytes, claimed: int) -> Path:
    """A zip whose headers claim a small member while its deflate stream inflates to ``real``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("2021-08-durham-street.csv", real)
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, claimed)  # uncompressed size, local header
    struct.pack_into("<I", data, central + 24, claimed)  # uncompressed size, central directory
    path.write_bytes(bytes(data))
    return path


def test_zip_member_lying_about_its_size_is_refused(tmp_path):
    real = HEADER + ROW * (64 * (1 << 20) // len(ROW))  # 64 MiB, claiming 200 KB
    liar = _lying_zip(tmp_path / "liar.zip", real, 200_000)
    result = _svduty("ingest", "police-uk", str(liar), tmp_path=tmp_path, limit=True)
    _one_line_error(result, "liar.zip!2021-08-durham-street.csv", "cannot read member")


def test_plausible_zip_member_is_streamed_and_ingested(workspace, tmp_path):
    archive_path = tmp_path / "download.zip"
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2021-08/2021-08-durham-street.csv", HEADER + ROW * 3000)
    (result,) = police_uk.ingest(workspace, [archive_path])
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (3000, 3000, 0)
    assert not list((workspace.path / "tmp").glob("*"))  # the streamed copy is gone


@pytest.mark.parametrize("adapter", ["police-uk", "population", "rms"])
@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_pipe_socket_or_device_is_refused_not_waited_on(tmp_path, adapter, kind):
    if kind == "fifo":
        target = tmp_path / "2021-08-durham-street.csv"
        os.mkfifo(target)
    elif kind == "socket":
        target = tmp_path / "s.csv"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
    else:
        target = Path(os.devnull)  # a character device
    extra = ["--mapping", str(rms.example_paths()[0])] if adapter == "rms" else []
    result = _svduty("ingest", adapter, str(target), *extra, tmp_path=tmp_path, timeout=60)
    what = {"fifo": "a named pipe", "socket": "a socket", "device": "a character device"}[kind]
    _one_line_error(result, str(target), what)


def test_fifo_named_like_a_zip_is_refused(tmp_path):
    target = tmp_path / "download.zip"
    os.mkfifo(target)
    _one_line_error(_svduty("ingest", "police-uk", str(target), tmp_path=tmp_path, timeout=60), "a named pipe")


def test_nul_bytes_in_police_uk_fields_are_rejected_with_their_reason(workspace, tmp_path):
    path = tmp_path / "2021-08-durham-street.csv"
    path.write_bytes(HEADER + ROW + ROW.replace(b"Claypath", b"Clay\x00path") + ROW.replace(b"ab12", b"a\x00"))
    (result,) = police_uk.ingest(workspace, [path])
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (3, 1, 2)
    rejects = workspace.con.execute("SELECT line, field, reason, raw FROM rejects ORDER BY line").fetchall()
    assert [(line, field) for line, field, _, _ in rejects] == [(3, "Location"), (4, "Crime ID")]
    assert all("NUL byte" in reason and "\x00" not in raw for _, _, reason, raw in rejects)
    stored = workspace.con.execute("SELECT count(*) FROM incidents WHERE contains(location, chr(0))").fetchone()
    assert stored == (0,)


def test_nul_bytes_in_population_fields_are_rejected(workspace, tmp_path):
    path = tmp_path / "census.csv"
    path.write_bytes(
        b"lsoa21_code,lsoa21_name,age_group,usual_residents\n"
        b"E01000001,City of London 001A,Aged 15 years and under,10\n"
        b"E01000002,City of\x00London 001B,Aged 15 years and under,10\n"
    )
    result = population.ingest_file(workspace, path)
    assert (result.rows_read, result.rows_rejected) == (2, 1)
    row = workspace.con.execute("SELECT line, field, reason FROM rejects").fetchone()
    assert row is not None and row[:2] == (3, "lsoa21_name") and "NUL byte" in row[2]


def test_nul_bytes_in_rms_fields_are_rejected(workspace):
    mapping_path, extract_path = rms.example_paths()
    lines = extract_path.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b",", b",\x00", 1)  # a NUL at the start of the second field of the first row
    result = rms.ingest_bytes(
        workspace, b"\n".join(lines), load_mapping(mapping_path), display="x.csv", file_name="x.csv"
    )
    header = next(csv.reader(io.StringIO(lines[0].decode())))
    row = workspace.con.execute("SELECT line, field, reason, raw FROM rejects WHERE line = 2").fetchone()
    assert row is not None and row[1] == header[1] and "NUL byte" in row[2] and "\x00" not in (row[3] or "")
    assert result.rows_read == result.rows_stored + result.rows_rejected


def test_lone_cr_line_ends_in_population_and_rms_split_rows(workspace):
    census = (
        b"lsoa21_code,lsoa21_name,age_group,usual_residents\r"
        b"E01000001,City of London 001A,Aged 15 years and under,10\r"
        b"E01000002,City of London 001B,Aged 15 years and under,12\r"
    )
    parsed = population.parse(census, "census.csv", display="census.csv")
    assert parsed.read == 2 and not parsed.rejects
    mapping_path, extract_path = rms.example_paths()
    text = extract_path.read_bytes()
    expected = len(list(csv.reader(io.StringIO(text.decode(), newline="")))) - 1
    result = rms.ingest_bytes(
        workspace,
        text.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
        load_mapping(mapping_path),
        display="r.csv",
        file_name="r.csv",
    )
    assert result.rows_read == expected


def test_empty_police_uk_file_is_an_ingest_of_nothing(workspace, tmp_path):
    header_only = tmp_path / "2021-08-durham-street.csv"
    header_only.write_bytes(HEADER)
    (result,) = police_uk.ingest(workspace, [header_only])
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (0, 0, 0)
    no_bytes = tmp_path / "2021-09-durham-street.csv"
    no_bytes.write_bytes(b"")
    with pytest.raises(IngestError, match="empty file"):
        police_uk.ingest(workspace, [no_bytes])
