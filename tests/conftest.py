"""Fixtures every test directory may use: where the real open data lives, and fresh workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from svduty.data.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO.parent / "shared" / "data" / "real"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``../shared/data/real`` (present in CI and on the project's machines)."""
    if not (REAL_DATA / "MANIFEST.md").exists():
        pytest.skip("../shared/data/real is not beside this checkout")
    return REAL_DATA


@pytest.fixture
def workspace(tmp_path: Path):
    """A new, empty workspace with the latest schema."""
    ws = Workspace.create(tmp_path / "workspace")
    yield ws
    ws.close()
