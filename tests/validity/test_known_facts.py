"""Known facts (facts.yaml): each public, dated fact is checked on a store built from ../shared/data.

The store is built once per session through the report's data layout (all sources except GDELT, whose
loaded files are a few days each and carry none of these facts). Each check runs the real API -- the
indicator registry, the UN alignment matrix, the scorecard -- and compares a sign, a rank or a verdict.
A fact the data refute carries `refuted: <reason>` in the YAML and is an expected failure (strict: if the
data come to agree, the test says so).
"""

from __future__ import annotations

import operator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import need_data

FACTS = yaml.safe_load((Path(__file__).with_name("facts.yaml")).read_text(encoding="utf-8"))["facts"]
OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
AGG = {"mean": np.mean, "min": np.min, "max": np.max, "sum": np.sum}


@pytest.fixture(scope="session")
def facts_store(tmp_path_factory):
    from dyad.report.ingest import ingest_layout
    from dyad.report.layout import LAYOUT
    from dyad.store import open_store

    data = need_data()
    layout = tuple(e for e in LAYOUT if e.source not in ("gdelt", "peacesciencer"))
    s = open_store(tmp_path_factory.mktemp("facts") / "store.duckdb")
    ingest_layout(s, data, layout, show_progress=False)
    yield s
    s.close()


def _periods(spec) -> list[str]:
    p = spec["periods"]
    if isinstance(p, str) and "-" in p and len(p) == 9:
        lo, hi = (int(x) for x in p.split("-"))
        return [str(y) for y in range(lo, hi + 1)]
    return [str(x) for x in (p if isinstance(p, list) else [p])]


def series(store, spec) -> pd.Series:
    """The indicator's values over the spec's periods (missing periods are absent, never 0)."""
    from dyad import indicators as registry

    rows = registry.get(spec["indicator"]).compute(store, spec["a"], spec["b"], by=spec.get("by", "year"),
                                                   **spec.get("options", {}))
    if "indicator" in rows:
        rows = rows[rows["indicator"] == spec["indicator"]]
    values = pd.Series(pd.to_numeric(rows["value"], errors="coerce").to_numpy(), index=rows["period"].astype(str))
    return values[values.index.isin(_periods(spec))].dropna()


def _value(store, spec) -> tuple[float, list[str]]:
    s = series(store, spec)
    assert len(s), f"{spec['indicator']} {spec['a']}>{spec['b']}: no data for {spec['periods']}"
    return float(AGG[spec.get("agg", "mean")](s.to_numpy())), list(s.index)


def check(store, c) -> tuple[bool, str]:
    kind = c["kind"]
    if kind == "compare":
        left, years = _value(store, c["left"])
        right, ryears = _value(store, c["right"]) if "right" in c else (float(c["value"]), [])
        return OPS[c["op"]](left, right), f"{left:.6g} ({', '.join(years)}) {c['op']} {right:.6g} {ryears or ''}"
    if kind == "absent":
        s = series(store, c["series"])
        return bool((s <= 0).all()), f"values above 0: {s[s > 0].to_dict()}"
    if kind == "above_median":
        from dyad.measures.alignment import alignment_matrix

        lo, hi = (int(x) for x in c["years"].split("-"))
        notes, ok = [], True
        for year in range(lo, hi + 1):
            m = alignment_matrix(store, year, "agreement")          # long: a, b, value (both orders)
            pairs = m[m["a"] < m["b"]]
            median = float(np.nanmedian(pairs["value"].to_numpy(dtype=float)))
            value = float(m.loc[(m["a"] == c["a"]) & (m["b"] == c["b"]), "value"].iloc[0])
            ok &= value > median
            notes.append(f"{year}: {value:.3f} vs median {median:.3f}")
        return ok, "; ".join(notes)
    if kind == "verdict":
        from dyad.agenda import load
        from dyad.analysis.scorecard import scorecard

        card = scorecard(store, load(c["agenda"]), c["a"], c["b"])
        prop = next(p for p in card.proposals if p.id == c["proposal"])
        ev = next(e for e in prop.evidence if e.series == c["series"])
        return ev.change.verdict == c["verdict"], ev.text()
    raise ValueError(f"unknown check kind {kind!r}")


def _param(fact):
    marks = [pytest.mark.xfail(reason=fact["refuted"], strict=True)] if fact.get("refuted") else []
    return pytest.param(fact, id=f"{fact['id']}-{fact['direction']}", marks=marks)


def test_the_facts_cover_five_directions_and_several_dyads():
    assert len(FACTS) >= 15
    assert {f["direction"] for f in FACTS} == {"D1", "D2", "D3", "D4", "D5"}
    assert len({frozenset(f["dyad"]) for f in FACTS}) >= 3
    assert all(f.get("source") and f.get("date") and f.get("fact") for f in FACTS)


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.parametrize("fact", [_param(f) for f in FACTS])
def test_known_fact(facts_store, fact):
    ok, detail = check(facts_store, fact["check"])
    assert ok, f"{fact['id']} ({fact['date']}): {fact['fact']} -- data: {detail}"


@pytest.mark.slow
@pytest.mark.realdata
def test_index_has_economic_values_2018_2023_and_nothing_before_1949(facts_store):
    from dyad.agenda import load
    from dyad.analysis.index import relationship_index

    res = relationship_index(facts_store, load("russia-china-2018"), "CHN", "RUS", reps=0)
    values = res.to_frame()
    d2 = values[(values["direction"] == "D2") & values["value"].notna()]
    assert {str(y) for y in range(2018, 2024)} <= set(d2["period"])
    assert values["period"].astype(int).min() >= 1949
    overall = values[values["direction"] == "overall"]
    with_value = overall[overall["value"].notna()]
    assert with_value["status"].str.match(r"^(complete|partial: missing D\d(, D\d)*)$").all()
    # the overall compares the same directions every year: where one is missing there is no value, said why
    without = overall[overall["value"].isna()]
    assert without["status"].str.startswith("no overall value").all()
    # the record-trade year has an overall value, above the 2013-2017 reference
    assert with_value.set_index("period").loc["2023", "value"] > 0
