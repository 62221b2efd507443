"""Ingest outcomes: rejected and partial runs; files written by R with a leading row-name column."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import need_data
from dyad.cli import cli
from dyad.store import IngestRejected, open_store, run_status
from events.helpers import gdelt2_row, write_tab

HEADER = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", "Actor1Code", "Actor1Name",
          "Actor1CountryCode", "Actor2Code", "Actor2Name", "Actor2CountryCode", "EventCode", "EventBaseCode",
          "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions", "AvgTone", "DATEADDED"]


def test_run_status_rule():
    assert run_status(10, 0, 10) == "rejected" and run_status(10, 9, 1) == "partial"
    assert run_status(10, 10, 0) == "ok" and run_status(0, 0, 0) == "ok"


def test_baci_file_given_to_gdelt_is_rejected_and_exits_non_zero(tmp_path):
    baci = need_data("trade", "baci_russia_china_processed_2017_2023.csv")
    store = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    out = runner.invoke(cli, ["--store", store, "ingest", "gdelt", "--from", str(baci)])
    assert out.exit_code != 0
    message = out.output + str(out.exception)      # the console entry point prints the error on one line
    assert "every one of the" in message and "status rejected" in message
    rows = sum(1 for _ in open(baci))     # headerless to the GDELT reader: the BACI header is a row too
    with open_store(store, read_only=True) as s:
        prov = s.provenance()
        assert prov["status"].tolist() == ["rejected"]
        assert int(prov["rows_read"][0]) == rows and int(prov["rows_loaded"][0]) == 0
        assert s.count("events") == 0 and len(s.quarantine()) == rows
    shown = runner.invoke(cli, ["--store", store, "sources", "--format", "csv"])
    summary = pd.read_csv(pd.io.common.StringIO(shown.stdout))
    assert summary.loc[0, "rejected_runs"] == 1 and summary.loc[0, "ingests"] == 0


def test_partial_run_is_partial_and_counted(tmp_path):
    rows = [gdelt2_row(1, "20180105", "CHN", "RUS", "042", 1.9), gdelt2_row(2, "20180105", "CHN", "RUS", "042", 1.9)]
    bad = gdelt2_row(3, "20180105", "CHN", "RUS", "042", 1.9)
    bad[29] = "4"                       # quad class 4 is not the quad class of root 04
    write_tab(tmp_path / "x.export.CSV", rows + [bad])
    store = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    out = runner.invoke(cli, ["--store", store, "ingest", "gdelt", "--from", str(tmp_path / "x.export.CSV")])
    assert out.exit_code == 0 and "status partial" in out.output
    shown = runner.invoke(cli, ["--store", store, "sources", "--format", "csv"])
    summary = pd.read_csv(pd.io.common.StringIO(shown.stdout))
    assert summary.loc[0, "partial_runs"] == 1 and summary.loc[0, "ingests"] == 1
    runs = runner.invoke(cli, ["--store", store, "sources", "--runs", "--format", "csv"])
    assert pd.read_csv(pd.io.common.StringIO(runs.stdout))["status"].tolist() == ["partial"]
    # a partial run counts as done: the same file again changes nothing
    with open_store(store) as s:
        assert s.ingest("gdelt", tmp_path / "x.export.CSV").skipped


def _extract(n=5):
    rows = []
    for i in range(n):
        rows.append({"GLOBALEVENTID": 1000 + i, "SQLDATE": 20180105, "MonthYear": 201801, "Year": 2018,
                     "FractionDate": 2018.0137, "Actor1Code": "CHN", "Actor1Name": "CHINA",
                     "Actor1CountryCode": "CHN", "Actor2Code": "RUS", "Actor2Name": "RUSSIA",
                     "Actor2CountryCode": "RUS", "EventCode": "042", "EventBaseCode": "042", "EventRootCode": "04",
                     "QuadClass": 1, "GoldsteinScale": 1.9, "NumMentions": 3, "AvgTone": 1.5,
                     "DATEADDED": 20180105})
    return pd.DataFrame(rows, columns=HEADER)


@pytest.mark.parametrize("style", ["write.csv", "write.table"])
def test_r_row_name_column_is_skipped_and_recorded(tmp_path, style):
    frame = _extract()
    frame.index = [str(i + 1) for i in range(len(frame))]
    path = tmp_path / f"{style}.csv"
    text = frame.to_csv(quoting=1)           # write.csv: header starts with "" and every row with its name
    if style == "write.table":               # write.table: no name for the row-name column in the header
        head, rest = text.split("\n", 1)
        text = head.split(",", 1)[1] + "\n" + rest
    path.write_text(text)
    with open_store(tmp_path / "s.duckdb") as s:
        result = s.ingest("gdelt", path)
        assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 5, 0)
        assert "row-name column" in result.message and result.status == "ok"
        ids = s.sql("SELECT event_id FROM events ORDER BY event_id")["event_id"].tolist()
        assert ids == [str(1000 + i) for i in range(5)]


def test_real_georgia_files_written_by_r_load_in_full(tmp_path):
    with open_store(tmp_path / "s.duckdb") as s:
        for name in ("january13.csv", "february13.csv", "april13.csv"):
            path = need_data("events", "gdelt", "undp_georgia_2011_2013", name)
            expected = pd.read_csv(path, index_col=0, dtype=str)   # pandas reads the R layout by itself
            result = s.ingest("gdelt", path)
            assert result.rows_rejected == 0 and result.rows_loaded == len(expected), name
            assert "row-name column" in result.message
            got = s.sql("SELECT event_id, strftime(date, '%Y%m%d') AS d FROM events WHERE event_id IN "
                        "(SELECT unnest(?))", [expected["GLOBALEVENTID"].tolist()])
            assert dict(zip(got["event_id"], got["d"], strict=True)) == \
                dict(zip(expected["GLOBALEVENTID"], expected["SQLDATE"], strict=True))
        assert set(s.provenance()["status"]) == {"ok"}


def test_rejected_run_raises_the_typed_error(tmp_path):
    (tmp_path / "junk.csv").write_text("t,i,j,k,v,q\n2017,156,643,10620,48.6,3.1\n")
    with open_store(tmp_path / "s.duckdb") as s, pytest.raises(IngestRejected, match="junk.csv"):
        s.ingest("gdelt", tmp_path / "junk.csv")
