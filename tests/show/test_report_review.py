"""Report defects an editor or a specialist would not sign, each with the rule that now prevents it:
thin-only series drawn as data, one country's own figures as a direction's headline while a measure of the
relation has data, a front-page warning for a file pattern whose source was read from another, direction codes
(D2) in a legend."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from dyad.indicators import DIRECTIONS, Indicator
from dyad.report import charts
from dyad.report import data as rd
from dyad.report.ingest import IngestPlan, Outcome


def _ind(id_, label, unit="events", directed=False, **kw):
    return Indicator(id_, label, unit, "constructed", "m", lambda *a, **k: None, directions=("D1",),
                     directed=directed, **kw)


def _frame(years, values, quality=None, a="AAA", b="BBB"):
    out = pd.DataFrame({"a": a, "b": b, "period": [str(y) for y in years], "indicator": "x",
                        "value": np.asarray(values, dtype=float), "n": 50})
    if quality is not None:
        out["quality"] = quality
    return out


def test_a_series_with_fewer_than_two_supported_periods_is_not_drawn():
    ind = _ind("ev_probe", "Probe", min_support=7, support_unit="covered days")
    thin = rd.IndicatorResult(ind, "year", _frame([2016, 2018, 2025], [1, 0, 6], ["thin", "thin", "ok"]))
    out = rd.drawable(thin)
    assert not out.ok and "only 1 of 3 periods reach the indicator's minimum support (7 covered days)" in out.note
    two = rd.IndicatorResult(ind, "year", _frame([2016, 2018, 2025], [1, 0, 6], ["ok", "thin", "ok"]))
    assert rd.drawable(two) is two
    plain = rd.IndicatorResult(ind, "year", _frame([2016, 2018], [1, 2]))        # no quality column: as given
    assert rd.drawable(plain) is plain
    # one year for both sides (speeches of 2023 only): two rows, one period, no chart
    one = rd.IndicatorResult(ind, "year", pd.concat([_frame([2023], [26.0]), _frame([2023], [35.0], a="BBB",
                                                                                    b="AAA")]))
    out = rd.drawable(one)
    assert not out.ok and "one period only (2023)" in out.note
    # periods are counted once for both directions: 2 rows of one supported year are one period
    both = rd.IndicatorResult(ind, "year", pd.concat([_frame([2016, 2025], [1, 6], ["thin", "ok"]),
                                                      _frame([2016, 2025], [1, 6], ["thin", "ok"], a="BBB", b="AAA")]))
    assert not rd.drawable(both).ok


def test_own_figures_headline_only_when_no_measure_of_the_relation_can():
    years = list(range(2000, 2024))
    own = [rd.IndicatorResult(_ind(f"own{k}_x", f"Figure {k} of a", "USD", directed=True), "year",
                              _frame(years, np.arange(len(years)) + k)) for k in range(3)]
    relation = rd.IndicatorResult(_ind("trade_x", "Trade of a with b", "USD"), "year",
                                  _frame(range(2016, 2024), np.arange(8) + 1.0))
    second = rd.IndicatorResult(_ind("arms_x", "Arms a to b", "deals", directed=True), "year",
                                _frame(range(2017, 2024), np.arange(7) + 1.0))
    heads = rd.headlines([*own, relation, second], newest=2023)
    assert heads == [relation, second]         # full-coverage GDP-like figures of one side stay in the appendix
    heads = rd.headlines(own, newest=2023)      # nothing else: two of them, so the direction is not empty
    assert len(heads) == 2 and all(rd.relevance(h.indicator) < 0.5 for h in heads)
    # a measure of the relation whose data ended years ago still comes before one side's own figures
    old = rd.IndicatorResult(_ind("cow_x", "Trade of a with b (COW)", "USD"), "year",
                             _frame(range(1990, 2011), np.arange(21) + 1.0))
    heads = rd.headlines([*own, old], newest=2023)
    assert heads[0] is old and len(heads) == 2


def test_ingest_warning_leaves_out_an_alternative_pattern_of_a_source_that_was_read():
    plan = IngestPlan(data_dir="/d", outcomes=[
        Outcome("baci", "trade/baci_*.csv", "/d/trade/baci_x.csv", "ingested", rows_new=5),
        Outcome("baci", "**/BACI_*.zip", "", "absent", "nothing matches **/BACI_*.zip"),
        Outcome("sipri", "arms/*.csv", "", "absent", "nothing matches arms/*.csv"),
        Outcome("gdelt", "events/*.csv", "/d/events/x.csv", "failed", "bad header")])
    assert [(o.source, o.status) for o in plan.problems()] == [("sipri", "absent"), ("gdelt", "failed")]
    table = plan.by_source().set_index("source")
    assert table.loc["baci", "problems"] == "" and table.loc["baci", "absent"] == 1
    assert table.loc["sipri", "problems"] == "nothing matches arms/*.csv"


def test_index_chart_names_the_directions():
    frame = pd.DataFrame({"direction": ["D1", "D2", "overall"] * 3, "period": ["2019"] * 3 + ["2020"] * 3 +
                          ["2021"] * 3, "value": np.arange(9.0)})
    spec = charts.frame_spec(frame, "Index by direction")
    names = {row["pair"] for ds in spec["datasets"].values() for row in ds}
    assert names == {DIRECTIONS["D1"], DIRECTIONS["D2"], "overall"}


def test_a_pair_outside_the_agenda_is_scored_on_the_generic_agenda_and_says_so():
    from dyad.report.optional import DEFAULT_AGENDA, agenda_id

    assert agenda_id("RUS", "CHN") == agenda_id("CHN", "RUS") == DEFAULT_AGENDA
    assert agenda_id("USA", "CHN") == "generic"       # the index chart names this agenda, not Russia-China's


def test_counts_and_money_start_at_zero_rates_do_not():
    years = list(range(2000, 2010))
    deals = charts.indicator_spec(rd.IndicatorResult(_ind("arms_x", "Deals a to b", "deals", directed=True), "year",
                                                     _frame(years, np.arange(10) + 1.0)))
    share = charts.indicator_spec(rd.IndicatorResult(_ind("un_x", "Agreement", "share of joint roll calls"), "year",
                                                     _frame(years, np.linspace(0.6, 0.8, 10))))
    balance = charts.indicator_spec(rd.IndicatorResult(_ind("trade_x", "Balance of a with b", "USD"), "year",
                                                       _frame(years, np.linspace(-5e9, 5e9, 10))))

    def zero(spec):
        found = [layer["encoding"]["y"]["scale"]["zero"] for layer in spec.get("layer", [])
                 if layer.get("encoding", {}).get("y", {}).get("field") == "value"]
        assert found
        return set(found)

    assert zero(deals) == {True} and zero(share) == {False} and zero(balance) == {False}


def test_coverage_chip_tells_thin_from_not_loaded():
    ind = _ind("ev_probe", "Probe", min_support=7, support_unit="covered days")
    other = dataclasses.replace(ind, id="ev_other")
    thin = rd.drawable(rd.IndicatorResult(ind, "year", _frame([2016, 2025], [1, 6], ["thin", "thin"])))
    none = rd.IndicatorResult(other, "year", None, "skipped: no rows for this dyad")
    row = rd.data_coverage([thin, none]).iloc[0]
    assert row["with_data"] == 0 and row["thin"] == 1


def test_a_check_of_the_data_is_no_finding_and_no_headline():
    mirror = _ind("trade_mirror_gap", "Mirror discrepancy of exports a→b", "percent", directed=True)
    assert rd.relevance(mirror) == 0.5
    assert rd.relevance(_ind("trade_total", "Bilateral trade (both directions)", "USD")) == 1.0


def test_no_line_runs_through_a_thin_value():
    """A thin value is a hollow point: the line stops before it and starts again after it (China's "100%" of
    Russia's arms imports in 2019, one contract, had been the peak of a solid line)."""
    ind = _ind("probe_share", "Probe share", unit="percent", min_support=3, support_unit="deals")
    years = list(range(2010, 2020))
    quality = ["ok"] * 4 + ["thin"] + ["ok"] * 5
    rows, _, _ = charts.indicator_rows(rd.IndicatorResult(ind, "year", _frame(years, np.arange(10.0), quality)))
    run = dict(zip(rows["period"], rows["run"], strict=True))
    assert len({run[str(y)] for y in years[:4]}) == 1 and len({run[str(y)] for y in years[5:]}) == 1
    assert len({run["2013"], run["2014"], run["2015"]}) == 3               # before, the thin year, after
    spec = charts.indicator_spec(rd.IndicatorResult(ind, "year", _frame(years, np.arange(10.0), quality)))
    text = str(spec)
    assert "datum.line && !datum.thin" in text and "mark" in text


def test_command_line_warns_only_of_sources_that_got_no_file(capsys):
    """`dyad report --data` on stderr: the same rule as the page (BACI read from trade/ is not ABSENT)."""
    from dyad.cli.show import _echo_problems

    plan = IngestPlan(data_dir="/d", outcomes=[
        Outcome("baci", "trade/baci_*.csv", "/d/trade/baci_x.csv", "ingested", rows_new=5),
        Outcome("baci", "**/BACI_*.zip", "", "absent", "nothing matches **/BACI_*.zip"),
        Outcome("sipri", "arms/*.csv", "", "absent", "nothing matches arms/*.csv")])
    _echo_problems(plan)
    err = capsys.readouterr().err
    assert "ABSENT" in err and "sipri (arms/*.csv)" in err and "baci" not in err
