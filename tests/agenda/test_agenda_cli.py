"""``dyad index``, ``dyad scorecard`` and ``dyad agenda`` on constructed indicators and on the UN votes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from agenda_helpers import AGENDA_YAML, YEARS, fake_registry, series, write  # noqa: F401 (autouse fixture)
from click.testing import CliRunner

from dyad.agenda import AgendaError
from dyad.cli import cli


def _run(args: list[str]):
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    return result


@pytest.fixture
def store_path(tmp_path):
    from dyad.store import open_store

    path = tmp_path / "cli.duckdb"
    open_store(path).close()
    return str(path)


def test_scorecard_json_and_table(tmp_path, store_path):
    agenda = write(tmp_path, AGENDA_YAML)
    result = _run(["--store", store_path, "scorecard", "CHN", "RUS", "--agenda", str(agenda), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p["verdict"] for p in data["proposals"]] == ["stalled", "advanced", "not measurable"]
    rise = data["proposals"][0]["evidence"][0]
    x, years = np.asarray(series("rise", 1)), np.array(YEARS)
    assert rise["series"] == "test_rise" and rise["verdict"] == "advanced"
    assert rise["level_change"] == pytest.approx(x[years >= 2018].mean() - x[(years >= 2013) & (years <= 2017)].mean())
    table = _run(["--store", store_path, "scorecard", "CHN", "RUS", "--agenda", str(agenda)])
    assert "P2 [D2] ADVANCED" in table.output and "would need a survey" in table.output


def test_index_shows_inputs_weights_and_coverage(tmp_path, store_path):
    agenda = write(tmp_path, AGENDA_YAML)
    weights = write(tmp_path, "indicators: {test_rise: 2}\n", "w.yaml")
    result = _run(["--store", store_path, "index", "CHN", "RUS", "--agenda", str(agenda), "--weights", str(weights),
                   "--reps", "0", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {r["series"]: r["weight"] for r in data["inputs"]} == {"test_rise": 2.0, "test_flat": 1.0,
                                                                  "test_fall": 1.0}
    d3 = [r for r in data["index"] if r["direction"] == "D3"]
    assert d3 and all(r["coverage"] == 0 and r["value"] is None for r in d3)
    csv = _run(["--store", store_path, "index", "CHN", "RUS", "--agenda", str(agenda), "--reps", "0",
                "--format", "csv"])
    from io import StringIO
    frame = pd.read_csv(StringIO(csv.output))
    assert list(frame.columns[:6]) == ["a", "b", "period", "indicator", "value", "n"]
    assert set(frame["indicator"]) == {"index_D1", "index_D2", "index_D3", "index_overall"}
    table = _run(["--store", store_path, "index", "CHN", "RUS", "--agenda", str(agenda), "--reps", "0"])
    assert "Inputs (weights" in table.output and "coverage" in table.output


def test_index_table_is_a_year_by_direction_grid(tmp_path, store_path):
    """The terminal view: one line per year with a value, the directions as columns in order, "-" where a
    direction has none; checked cell by cell against the tidy JSON rows."""
    agenda = write(tmp_path, AGENDA_YAML)
    args = ["--store", store_path, "index", "CHN", "RUS", "--agenda", str(agenda), "--reps", "0"]
    rows = json.loads(_run([*args, "--format", "json"]).output)["index"]
    table = _run(args).output
    grid = table.split("Index by year", 1)[1].split("Inputs (weights", 1)[0]
    header = next(line for line in grid.splitlines() if line.startswith("year"))
    columns = header.split()[1:]
    assert columns == list(dict.fromkeys(r["direction"] for r in rows))
    lines = {line.split()[0]: line for line in grid.splitlines() if line[:4].isdigit()}
    years = sorted({str(r["period"]) for r in rows if r["value"] is not None})
    assert len(years) >= 5 and sorted(lines) == years          # no line for a year without any value
    assert "D3" in columns                                     # D3 has no input with data: "-" every year
    for year in years:
        cells = lines[year].split()[1:]
        for i, direction in enumerate(columns[:-1]):           # the directions (overall last, with interval)
            [row] = [r for r in rows if str(r["period"]) == year and r["direction"] == direction]
            assert cells[i] == ("-" if row["value"] is None else f"{row['value']:+.2f}"), (year, direction)


def test_agenda_show_and_validate(tmp_path):
    path = write(tmp_path, AGENDA_YAML)
    ok = _run(["agenda", "validate", str(path)])
    assert ok.exit_code == 0 and "valid -- 3 directions, 3 proposals, 3 indicator links" in ok.output
    bad = write(tmp_path, AGENDA_YAML.replace("- id: P2", "- id: P1"), "bad.yaml")
    failed = _run(["agenda", "validate", str(bad)])
    assert isinstance(failed.exception, AgendaError) and "duplicate id" in str(failed.exception)
    shown = json.loads(_run(["agenda", "show", "russia-china-2018", "--lenient", "--format", "json"]).output)
    assert len(shown["proposals"]) == 12 and shown["baseline"] == "2013-2017"
    assert "russia-china-2018" in _run(["agenda", "list"]).output


@pytest.mark.slow
@pytest.mark.realdata
def test_builtin_scorecard_on_un_votes(unvotes_store, shared_data):
    """Every proposal is listed; UN-vote evidence matches agreement computed here from the raw wide file."""
    from dyad.agenda import load
    from dyad.analysis.scorecard import scorecard

    card = scorecard(unvotes_store, load("russia-china-2018", strict=False), "CHN", "RUS")
    assert [p.id for p in card.proposals] == [f"P{i}" for i in range(1, 13)]
    from unxml_raw import china_russia_yearly

    # Voeten's wide export to 2019, then the UN's own records (read with json/pandas) to 2026
    yearly = china_russia_yearly(min_n=20)          # the agenda's min_n
    base = yearly.loc[2013:2017, "mean"]
    evaluation = yearly.loc[2018:, "mean"]
    p5 = {e.indicator: e for e in card.proposals[4].evidence}
    change = p5["un_agreement"].change
    # with the UN's records to 2025 there are >= 3 years on each side: the windows design
    assert change.design.startswith("windows")
    assert change.base_mean == pytest.approx(base.mean()) and change.eval_mean == pytest.approx(evaluation.mean())
    assert change.n_eval == len(evaluation) and "left out 2026" in p5["un_agreement"].note
    from scipy import stats
    assert change.p_value == pytest.approx(stats.ttest_ind(evaluation, base, equal_var=False).pvalue)
    assert all(p.verdict != "not measurable" or p.reason() for p in card.proposals)
