"""Zip archive members read safely: streamed in chunks, never inflated whole, refused when implausibly big.

data.police.uk's custom download is a zip of CSVs. A 2 MB zip can hold a 2 GiB member (a zip bomb); inflating it
whole took 8.4 GB of RAM. Here a member goes to disk 1 MiB at a time and is refused, with one line, when its
size or compression ratio is not that of a police.uk file, both from the zip's directory and on the bytes produced.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from svduty.data import IngestError

# Zip members are streamed to disk in chunks and refused when implausible: the largest police.uk street-level file
# (a Metropolitan Police month) is about 30 MB and deflates about 8:1, so a member over 1 GiB or compressed more
# than 200:1 is not police.uk data (a 2 MB zip holding a 2 GiB member is a zip bomb).
MAX_MEMBER_BYTES = 1 << 30
MAX_RATIO = 200
CHUNK = 1 << 20


def check_size(path: Path, member: str, size: int, compressed: int) -> None:
    """Refuse a member too big, or compressed too well, to be a police.uk file (before or while inflating it)."""
    where = f"{path}!{member}"
    if size > CHUNK and size > MAX_RATIO * max(compressed, 1):
        raise IngestError(
            f"member is compressed {size / max(compressed, 1):,.0f}:1 ({compressed:,} bytes to {size:,}); police.uk "
            f"files compress about 8:1, so over {MAX_RATIO}:1 is refused as a zip bomb",
            file=where,
        )
    if size > MAX_MEMBER_BYTES:
        raise IngestError(
            f"member inflates to {size / 2**20:,.0f} MiB, over the {MAX_MEMBER_BYTES >> 20:,} MiB a police.uk "
            "file can be: refused",
            file=where,
        )


def stream(path: Path, member: str, write: Callable[[bytes], object]) -> int:
    """Inflate one member in 1 MiB chunks through ``write``, re-checking size and ratio as the bytes come.

    The sizes in a zip's directory can lie, so the limits are enforced on the bytes actually produced; memory
    stays at a chunk whatever the member holds.
    """
    where = f"{path}!{member}"
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(member)
            with archive.open(info) as inflating:
                while chunk := inflating.read(CHUNK):
                    total += len(chunk)
                    check_size(path, member, total, info.compress_size)
                    write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        # NotImplementedError: e.g. Deflate64 members; RuntimeError: encrypted members; BadZipFile: bad CRC
        raise IngestError(f"cannot read member ({exc})", file=where) from exc
    return total


@contextmanager
def on_disk(folder: Path, archive: Path, member: str) -> Iterator[Path]:
    """The member streamed into a temporary file in ``folder`` (deleted afterwards), for readers that want a path."""
    folder.mkdir(parents=True, exist_ok=True)
    temp_file = folder / f"member-{os.getpid()}.csv"
    try:
        with temp_file.open("wb") as out:
            stream(archive, member, out.write)
        yield temp_file
    finally:
        temp_file.unlink(missing_ok=True)
