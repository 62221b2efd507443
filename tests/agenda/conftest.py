"""Fixtures for the agenda, index and scorecard tests (helpers live in agenda_helpers.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from agenda_helpers import AGENDA_YAML, YEARS, fake_indicators, series, tidy

from dyad import agenda as ag
from dyad import indicators as registry


@pytest.fixture(autouse=True)
def fake_registry(monkeypatch):
    """The constructed indicators, registered for one test only: they must not leak into other areas' tests
    (which iterate the registry, e.g. the docs check)."""
    registry.load()
    for indicator in fake_indicators():
        monkeypatch.setitem(registry._REGISTRY, indicator.id, indicator)


@pytest.fixture
def agenda_text() -> str:
    return AGENDA_YAML


@pytest.fixture
def test_agenda() -> ag.Agenda:
    return ag.loads(AGENDA_YAML, where="test.yaml", strict=False)


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    return {"test_rise": tidy("test_rise", YEARS, series("rise", 1)),
            "test_flat": tidy("test_flat", YEARS, series("flat", 2)),
            "test_fall": tidy("test_fall", YEARS, series("fall", 3))}
