"""Keyed pseudonyms for people: HMAC-SHA256 of the source identifier under a key kept in the workspace.

A plain hash of a police person number can be reversed by hashing every possible number; a keyed HMAC cannot
without the key (NIST FIPS 198-1; ICO guidance on pseudonymisation). The key is 32 random bytes created on first
use in ``<workspace>/pseudonymisation.key`` (mode 0600). Keep it with the workspace and never share it: the same
person gets the same pseudonym across extracts only while the key is the same.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from svduty.data import WorkspaceError

KEY_FILE = "pseudonymisation.key"


def workspace_key(workspace_dir: Path) -> bytes:
    """The workspace's pseudonymisation key, created (random, 256 bits) if it does not exist yet."""
    path = Path(workspace_dir) / KEY_FILE
    try:
        if path.exists():
            key = bytes.fromhex(path.read_text().strip())
            if len(key) < 32:
                raise WorkspaceError(f"{path}: pseudonymisation key is shorter than 32 bytes")
            return key
        key = secrets.token_bytes(32)
        # Written whole to a private temporary file, then linked into place: a crash never leaves an empty key,
        # and link() fails if another process created the key first.
        temp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return workspace_key(workspace_dir)
        finally:
            temp.unlink(missing_ok=True)
        return key
    except ValueError as exc:
        raise WorkspaceError(f"{path}: pseudonymisation key is not hexadecimal") from exc
    except OSError as exc:
        raise WorkspaceError(f"cannot read or create the pseudonymisation key {path}: {exc.strerror}") from exc


def pseudonym(key: bytes, namespace: str, identifier: str) -> str:
    """HMAC-SHA256(key, namespace + NUL + identifier), hex. The namespace keeps sources' number spaces apart."""
    message = namespace.encode() + b"\x00" + identifier.strip().encode()
    return hmac.digest(key, message, "sha256").hex()  # the one-shot C path: ~4x faster than hmac.new
