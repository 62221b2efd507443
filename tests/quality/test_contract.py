"""The shared contract: Indicator support fields, quality/coverage columns, state existence."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dyad import countries, indicators, quality


def test_existence_dates_from_the_reference_tables():
    assert countries.existence("CHN").start == dt.date(1949, 10, 1)
    assert not countries.exists("CHN", 1948) and countries.exists("CHN", 1949)
    assert countries.existence("RUS").start == dt.date(1991, 12, 26)
    assert not countries.exists("RUS", 1990) and countries.exists("RUS", 1991)
    assert countries.exists("RUS", 1960, ussr_as_russia=True)
    assert not countries.exists("RUS", 1921, ussr_as_russia=True)
    # COW years for a state without an exact date; a state that ended
    assert countries.existence("USA").start == dt.date(1816, 1, 1)
    assert countries.exists("DDR", 1990) and not countries.exists("DDR", 1991)
    assert countries.existence("XXX") is None and countries.exists("XXX", 1800)


def test_dyad_existence_for_a_month_and_the_un_seat_rule():
    span = quality.period_span("1991-11", "month")
    assert span == (dt.date(1991, 11, 1), dt.date(1991, 11, 30))
    assert not quality.dyad_exists("CHN", "RUS", span)
    assert quality.dyad_exists("CHN", "RUS", quality.period_span("1991-12", "month"))
    assert quality.dyad_exists("CHN", "RUS", span, ussr_as_russia=True)
    # UN measures: Russia continues the USSR seat, China's seat is the PRC's from 25 Oct 1971
    assert quality.dyad_exists("CHN", "RUS", quality.period_span("1971", "year"), un=True)
    assert not quality.dyad_exists("CHN", "RUS", quality.period_span("1970", "year"), un=True)
    assert quality.period_span("26", "session") == (dt.date(1971, 9, 1), dt.date(1972, 8, 31))


def test_indicators_carry_min_support_and_unit():
    un = indicators.get("un_agreement")
    assert (un.min_support, un.support_unit) == (10, "joint roll calls")
    ev = indicators.get("ev_verbal_conflict")
    assert ev.support_unit == "covered days" and ev.min_support == 7
    meta = indicators.catalogue()
    assert {"min_support", "support_unit"} <= set(meta.columns)
    # every indicator documents its rule: a unit, and a threshold unless the unit says why not
    assert (meta["support_unit"].str.len() > 0).all()


def test_mark_quality_and_drop_thin_against_a_hand_count():
    ind = indicators.get("un_agreement")
    rng = np.random.default_rng(3)
    n = rng.integers(0, 25, size=40)
    frame = pd.DataFrame({"a": "A", "b": "B", "period": [str(1980 + i) for i in range(40)],
                          "indicator": "un_agreement", "value": rng.random(40), "n": n})
    marked = quality.mark_quality(frame, ind)
    assert (marked["quality"] == "thin").sum() == int((n < 10).sum())
    kept, dropped = quality.drop_thin(marked)
    assert dropped == int((n < 10).sum()) and (kept["n"] >= 10).all()
    assert len(quality.drop_thin(marked, include_thin=True)[0]) == 40
    assert quality.drop_thin(frame)[1] == 0          # no quality column: unchanged


def test_event_values_need_days_against_the_period():
    """Covered days count against the period: thin below 7 days or below a quarter of the period's days."""
    ind = indicators.get("ev_relationship_score")
    days = [8, 8, 6, 100, 91, 92]
    length = [365, 31, 31, 365, 365, 365]        # a year, a month ... (coverage = covered days / days)
    frame = pd.DataFrame({"a": "A", "b": "B", "period": [str(2000 + i) for i in range(6)],
                          "indicator": ind.id, "value": 0.5, "n": 50, "covered_days": days,
                          "coverage": [d / n for d, n in zip(days, length, strict=True)]})
    marked = quality.mark_quality(frame, ind)
    by_hand = ["thin" if d < 7 or d / n < 0.25 else "ok" for d, n in zip(days, length, strict=True)]
    assert marked["quality"].tolist() == by_hand == ["thin", "ok", "thin", "ok", "thin", "ok"]


def test_un_agreement_from_1971_with_thin_years(store):
    """Constructed votes: CHN's seat votes before 25 Oct 1971 are left out; n < 10 is thin."""
    rows, votes = [], []
    rcid = 0
    rng = np.random.default_rng(7)
    plan = {1970: 12, 1971: 3, 1975: 15, 1990: 11}
    for year, count in plan.items():
        for _ in range(count):
            rcid += 1
            rows.append({"rcid": rcid, "session": year - 1945, "date": dt.date(year, 11, 15), "year": year})
            for c in ("CHN", "RUS"):
                votes.append({"rcid": rcid, "country": c, "vote": rng.choice(["yes", "no", "abstain"])})
    store.ensure_table("rollcalls")
    store.ensure_table("votes")
    store.con.register("r", pd.DataFrame(rows))
    store.con.execute("INSERT INTO rollcalls (rcid, session, date, year) SELECT rcid, session, date, year FROM r")
    store.con.register("v", pd.DataFrame(votes))
    store.con.execute("INSERT INTO votes (rcid, country, vote) SELECT rcid, country, vote FROM v")
    out = indicators.get("un_agreement").compute(store, "CHN", "RUS", by="year", ci=False)
    assert list(out["period"]) == ["1971", "1975", "1990"]
    assert list(out["quality"]) == ["thin", "ok", "ok"]
    assert out["coverage"].isna().all()       # no coverage recorded in a hand-built store: unknown
    v = pd.DataFrame(votes).pivot(index="rcid", columns="country", values="vote")
    yr = pd.DataFrame(rows).set_index("rcid")["year"]
    same = (v["CHN"] == v["RUS"]).groupby(yr).mean()
    assert np.allclose(out["value"], same.loc[[1971, 1975, 1990]].to_numpy())
    assert any("USSR" in n for n in out.attrs["notes"])


@pytest.mark.parametrize("ussr", [False, True])
def test_events_before_1992_need_ussr_as_russia(store, ussr):
    ev = pd.DataFrame({"dataset": "gdelt", "event_id": [str(i) for i in range(6)],
                       "date": pd.to_datetime(["1990-05-01", "1990-05-02", "1990-05-03", "2015-03-01",
                                               "2015-03-02", "2015-03-03"]).date,
                       "source_country": "CHN", "target_country": "RUS", "cameo": "040", "root": 4, "quad": 1,
                       "goldstein": 1.0})
    store.ensure_table("events")
    store.con.register("e", ev)
    store.con.execute("INSERT INTO events (dataset, event_id, date, source_country, target_country, cameo, root, "
                      "quad, goldstein) SELECT * FROM e")
    out = indicators.get("ev_verbal_coop").compute(store, "CHN", "RUS", by="year", ussr_as_russia=ussr)
    assert list(out["period"]) == (["1990", "2015"] if ussr else ["2015"])
    assert (out["value"] == 3).all()
