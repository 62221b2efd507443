"""``dyad events`` and ``dyad ingest gdelt`` from the command line."""

from __future__ import annotations

import io

import pandas as pd
from click.testing import CliRunner

from dyad.cli import cli
from events.helpers import gdelt2_row, write_tab


def test_events_command_tidy_csv(tmp_path):
    rows = [gdelt2_row(1, "20180105", "CHN", "RUS", "042", 1.9), gdelt2_row(2, "20180205", "RUS", "CHN", "130", -4.4),
            gdelt2_row(3, "20180206", "CHN", "RUS", "057", 8.0)]
    write_tab(tmp_path / "x.export.CSV", rows)
    store = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    out = runner.invoke(cli, ["--store", store, "ingest", "gdelt", "--from", str(tmp_path / "x.export.CSV")])
    assert out.exit_code == 0, out.output
    assert "loaded 3" in out.output
    out = runner.invoke(cli, ["--store", store, "events", "CHN", "Russia", "--by", "month", "--indicator",
                              "ev_verbal_coop", "--indicator", "ev_verbal_conflict", "--format", "csv"])
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns[:6]) == ["a", "b", "period", "indicator", "value", "n"]
    coop = frame[frame.indicator == "ev_verbal_coop"].set_index("period")["value"]
    conf = frame[frame.indicator == "ev_verbal_conflict"].set_index("period")["value"]
    assert coop.to_dict() == {"2018-01": 1.0, "2018-02": 1.0} and conf.to_dict() == {"2018-01": 0.0, "2018-02": 1.0}
    out = runner.invoke(cli, ["--store", store, "events", "CHN", "RUS", "--by", "year", "--directed",
                              "--indicator", "ev_verbal_conflict", "--format", "json"])
    assert out.exit_code == 0 and '"value": 0.0' in out.output      # the threat was RUS -> CHN
