"""Data layer: canonical schema, source adapters, validation, the workspace store.

Imports nothing else of svduty; every other layer may import it.
"""

from __future__ import annotations


class IngestError(Exception):
    """A file (or a whole input) cannot be ingested at all.

    Row-level problems never raise: they become rows of ``rejects``. This is for what stops a whole file
    (wrong header, unreadable archive, missing path) and carries enough to print one clear line.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None, field: str | None = None):
        super().__init__(message)
        self.file = file
        self.row = row
        self.field = field

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.field:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.args[0]}" if prefix else str(self.args[0])


class WorkspaceError(Exception):
    """The workspace is missing, locked by another process, or from a newer svduty."""


class UnknownNameError(Exception):
    """A ``--force`` or ``--area`` names nothing the workspace holds (the message lists what it does hold)."""
