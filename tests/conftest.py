"""Shared fixtures. Real-data tests read ../shared/data in place; with CI set, missing data fails the test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DYAD_SHARED_DATA", ROOT.parent / "shared" / "data"))


def need_data(*parts: str) -> Path:
    """Path under ../shared/data; fails (CI) or skips (elsewhere) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"real data missing: {path} (tests read ../shared/data beside the project)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return need_data()


@pytest.fixture
def store(tmp_path):
    from dyad.store import open_store

    s = open_store(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def unvotes_store(tmp_path_factory):
    """A store with the whole unvotes release loaded once per test session."""
    from dyad.store import open_store

    path = tmp_path_factory.mktemp("unvotes") / "store.duckdb"
    s = open_store(path)
    s.ingest("unvotes", need_data("unvotes"))
    yield s
    s.close()
