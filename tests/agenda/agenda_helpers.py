"""Constructed series, small agendas, fake indicators and fixtures for the agenda tests.

A uniquely named module, not a conftest.py: other areas' tests import the root ``conftest`` by name, which
a second conftest module would shadow. Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

YEARS = list(range(2010, 2024))          # baseline 2013-2017, evaluation 2018-2023 in the test agendas


def tidy(indicator: str, years, values, a: str = "CHN", b: str = "RUS", ci: float | None = None) -> pd.DataFrame:
    """Tidy indicator rows for constructed values (NaN values are left out, as compute functions do)."""
    rows = []
    for year, value in zip(years, values, strict=True):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        row = {"a": a, "b": b, "period": str(year), "indicator": indicator, "value": float(value), "n": 10}
        if ci is not None:
            row.update(ci_low=float(value) - ci, ci_high=float(value) + ci)
        rows.append(row)
    return pd.DataFrame(rows)


def series(kind: str, seed: int = 1) -> np.ndarray:
    """Constructed yearly values over YEARS: a planted rise, a fall, or flat noise."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, 1.0, len(YEARS))
    step = np.array([0.0 if y < 2018 else 1.0 for y in YEARS])
    return {"rise": 10 + noise + 6 * step, "fall": 10 + noise - 6 * step, "flat": 10 + noise}[kind]


AGENDA_YAML = textwrap.dedent("""\
    id: test-agenda
    title: A constructed agenda
    countries: [CHN, RUS]
    baseline: {start: 2013, end: 2017}
    evaluation: {start: 2018}
    directions:
      D1: {name: trust}
      D2: {name: economy}
      D3: {name: empty direction}
    proposals:
      - id: P1
        statement: Something that should rise.
        directions: [D1]
        indicators:
          - {id: test_rise, sign: "+", rationale: planted rise}
          - {id: test_flat, sign: "+"}
      - id: P2
        statement: Something that should fall.
        directions: [D2]
        indicators:
          - {id: test_fall, sign: "-"}
      - id: P3
        statement: Nothing measures this.
        directions: [D3]
        evidence: none
        note: would need a survey
    """)




def write(tmp_path, text: str, name: str = "agenda.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- fake indicators, so the store path (compute through the registry) is tested too ---------------------

def _compute_for(indicator_id: str, kind: str, seed: int):
    def compute(store, a, b, by="year", **options):
        return tidy(indicator_id, YEARS, series(kind, seed), a, b)
    return compute


def _directed_compute(store, a, b, by="year", **options):
    # CHN->RUS rises, RUS->CHN falls: the two flows must come out as separate series.
    kind = "rise" if (a, b) == ("CHN", "RUS") else "fall"
    return tidy("test_directed", YEARS, series(kind, 4), a, b)


FAKES = {"test_rise": ("rise", 1), "test_flat": ("flat", 2), "test_fall": ("fall", 3)}


def fake_indicators() -> list:
    """Indicators over the constructed series, for tests to put in the registry (see conftest.py)."""
    from dyad.indicators import Indicator

    out = [Indicator(id=ind_id, label=ind_id, unit="index", source="none", method="none",
                     compute=_compute_for(ind_id, kind, seed), directions=("D1",))
           for ind_id, (kind, seed) in FAKES.items()]
    out.append(Indicator(id="test_directed", label="directed", unit="index", source="none", method="none",
                         compute=_directed_compute, directions=("D2",), directed=True))
    return out


# -- the registry fixture and the constructed inputs --------------------------------------------------------

@pytest.fixture(autouse=True)
def fake_registry(monkeypatch):
    """The constructed indicators, registered for one test only: they must not leak into other areas' tests
    (which iterate the registry, e.g. the docs check)."""
    from dyad import indicators as registry

    registry.load()
    for indicator in fake_indicators():
        monkeypatch.setitem(registry._REGISTRY, indicator.id, indicator)


def make_agenda():
    """The constructed agenda (AGENDA_YAML), loaded leniently."""
    from dyad import agenda as ag

    return ag.loads(AGENDA_YAML, where="test.yaml", strict=False)


def make_frames() -> dict[str, pd.DataFrame]:
    """Tidy frames of the three constructed series, as the analysis API takes them."""
    return {"test_rise": tidy("test_rise", YEARS, series("rise", 1)),
            "test_flat": tidy("test_flat", YEARS, series("flat", 2)),
            "test_fall": tidy("test_fall", YEARS, series("fall", 3))}
