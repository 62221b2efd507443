"""``dyad trade`` and ``dyad arms`` on a small hand-made store."""

from __future__ import annotations

import io
import json

import pandas as pd
from click.testing import CliRunner

from dyad.cli import cli

BACI_ROWS = ("t,i,j,k,v,q\n2021,156,643,270900,100,1\n2021,156,643,847130,300,1\n2021,643,156,270900,500,1\n"
             "2022,156,643,880240,50,1\n2022,643,156,271121,1000,1\n")
REGISTER = """Transfers of major conventional arms
Source: SIPRI Arms Transfers Database (c) SIPRI.
Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,SIPRI TIV of delivered weapons
China,Russia,2020,?,2,,Su-35,FGA aircraft,2,,2021; 2022,New,,30,60,60
China,France,2020,,1,,AS-365,light helicopter,1,,2021,New,,10,10,10
India,Russia,2021,,1,,S-400,SAM system,1,,2022,New,,100,100,100
China,Soviet Union,1955,,10,,MiG-17,fighter aircraft,10,,1956,New,,2,20,20
"""


def _store(tmp_path):
    (tmp_path / "BACI_HS17_Y2021_V202401.csv").write_text(BACI_ROWS)
    (tmp_path / "reg.csv").write_text(REGISTER, encoding="iso-8859-1")
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    for source, name in (("baci", "BACI_HS17_Y2021_V202401.csv"), ("sipri", "reg.csv")):
        out = runner.invoke(cli, ["--store", db, "ingest", source, "--from", str(tmp_path / name)])
        assert out.exit_code == 0, out.output
    return runner, db


def test_trade_values_csv(tmp_path):
    runner, db = _store(tmp_path)
    out = runner.invoke(cli, ["--store", db, "trade", "China", "RUS", "--format", "csv"])
    assert out.exit_code == 0, out.output
    f = pd.read_csv(io.StringIO(out.stdout), dtype={"period": str})
    assert list(f.columns[:6]) == ["a", "b", "period", "indicator", "value", "n"]
    get = f.set_index(["a", "period", "indicator"])["value"]
    assert get[("CHN", "2021", "trade_exports")] == 400_000.0       # 100 + 300 thousand USD
    assert get[("RUS", "2021", "trade_exports")] == 500_000.0
    assert get[("CHN", "2021", "trade_total")] == 900_000.0
    assert get[("CHN", "2021", "trade_balance")] == -100_000.0
    assert get[("CHN", "2022", "trade_growth")] == (1_050_000 / 900_000 - 1) * 100
    assert set(f["unit"]) == {"USD", "percent"}


def test_trade_group_energy(tmp_path):
    runner, db = _store(tmp_path)
    out = runner.invoke(cli, ["--store", db, "trade", "CHN", "RUS", "--group", "energy", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    share = {(r["a"], r["period"]): r["value"] for r in rows if r["indicator"] == "trade_share_energy"}
    assert share[("CHN", "2021")] == 25.0 and share[("RUS", "2022")] == 100.0
    bad = runner.invoke(cli, ["--store", db, "trade", "CHN", "RUS", "--group", "nope"])
    assert bad.exit_code != 0 and "unknown group" in bad.output


def test_trade_shares_view_sums_to_100(tmp_path):
    runner, db = _store(tmp_path)
    out = runner.invoke(cli, ["--store", db, "trade", "CHN", "RUS", "--view", "shares", "--format", "csv"])
    f = pd.read_csv(io.StringIO(out.stdout))
    assert (f.groupby(["a", "period"])["value"].sum().round(9) == 100).all()


def test_arms(tmp_path):
    runner, db = _store(tmp_path)
    out = runner.invoke(cli, ["--store", db, "arms", "RUS", "CHN", "--format", "csv"])
    assert out.exit_code == 0, out.output
    f = pd.read_csv(io.StringIO(out.stdout), dtype={"period": str}).set_index(["period", "indicator"])["value"]
    assert f[("2020", "arms_deals")] == 1
    assert f[("2021", "arms_tiv_delivered")] == 30 and f[("2022", "arms_tiv_delivered")] == 30
    assert f[("2021", "arms_share_of_imports")] == 30 / 40 * 100
    assert f[("2022", "arms_share_of_imports")] == 100
    cats = runner.invoke(cli, ["--store", db, "arms", "RUS", "CHN", "--categories", "--format", "csv"])
    assert "Aircraft" in cats.output


def test_arms_and_trade_have_no_russia_before_december_1991(tmp_path):
    """The Soviet deal of 1955 is the USSR's: left out (and said) unless --ussr-as-russia counts it."""
    runner, db = _store(tmp_path)
    out = runner.invoke(cli, ["--store", db, "arms", "RUS", "CHN", "--format", "csv"])
    periods = set(pd.read_csv(io.StringIO(out.stdout), dtype={"period": str})["period"])
    assert periods and min(periods) >= "1991" and "1956" not in periods
    assert "before both states existed left out" in out.stderr
    out = runner.invoke(cli, ["--store", db, "arms", "RUS", "CHN", "--ussr-as-russia", "--format", "csv"])
    f = pd.read_csv(io.StringIO(out.stdout), dtype={"period": str}).set_index(["period", "indicator"])["value"]
    assert f[("1955", "arms_deals")] == 1 and f[("1956", "arms_tiv_delivered")] == 20
    assert "USSR history counted" in out.stderr
    table = runner.invoke(cli, ["--store", db, "trade", "CHN", "RUS"]).stdout      # terminal: one readable scale
    line = next(ln for ln in table.splitlines() if "2021" in ln and "trade_exports" in ln and ln.startswith("CHN"))
    assert line.split()[4] == "0.40" and "m USD" in line and "400000" not in table


def test_ingest_option_passes_adapter_options(tmp_path):
    (tmp_path / "BACI_HS17_Y2021_V202401.csv").write_text(BACI_ROWS + "2021,251,842,270900,1,1\n")
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    out = runner.invoke(cli, ["--store", db, "ingest", "baci", "--from", str(tmp_path / "BACI_HS17_Y2021_V202401.csv"),
                              "--option", "countries=CHN,RUS"])
    assert out.exit_code == 0, out.output
    assert "read 5 rows" in out.output          # the France-USA row is outside the selection
    bad = runner.invoke(cli, ["--store", db, "ingest", "baci", "--from", str(tmp_path), "--option", "nokey"])
    assert bad.exit_code != 0 and "KEY=VALUE" in bad.output


def test_folders_pick_their_own_files(tmp_path):
    """`dyad ingest X --from <folder>`: each adapter reads exactly the files in its format."""
    from conftest import need_data
    from dyad.store import open_store

    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    for source, folder in (("baci", "trade"), ("comtrade", "trade"), ("oec", "trade"), ("sipri", "arms"),
                           ("wdi", "wdi")):
        out = runner.invoke(cli, ["--store", db, "ingest", source, "--from", str(need_data(folder))])
        assert out.exit_code == 0, out.output
    with open_store(db, read_only=True) as s:
        files = s.sql("SELECT p.source, f.file FROM provenance_files f JOIN provenance p USING (ingest_id)")
    picked = files.assign(name=files.file.str.rsplit("/", n=1).str[-1]).groupby("source")["name"].apply(sorted)
    assert picked["baci"] == ["baci_russia_china_processed_2017_2023.csv"]
    assert picked["comtrade"] == ["comtrade_imports_chn_from_rus_2017_2024.csv"]
    assert picked["oec"] == ["exports_russia_to_china_2018_2023.csv"]
    assert len(picked["sipri"]) == 3 and len(picked["wdi"]) == 5


def test_arms_zero_years_only_where_the_register_covers_the_pair(tmp_path):
    """A year without a deal is 0 where the loaded register holds a as a supplier and b as a recipient, from
    its first to its last order year; a pair it cannot speak for has no rows at all."""
    from dyad import indicators
    from dyad.store import open_store

    _, db = _store(tmp_path)
    with open_store(db, read_only=True) as s:
        fra_ind = indicators.get("arms_deals")(s, "FRA", "IND").set_index("period")["value"]
        assert fra_ind.index.tolist() == [str(y) for y in range(1955, 2022)]      # the file's orders: 1955-2021
        assert (fra_ind == 0).all()                      # France sold India nothing in this file: true zeros
        rus_chn = indicators.get("arms_deals")(s, "RUS", "CHN").set_index("period")["value"]
        assert rus_chn["2020"] == 1 and (rus_chn.drop("2020") == 0).all()
        assert indicators.get("arms_deals")(s, "CHN", "RUS").empty     # China supplies no one in this file
        share = indicators.get("arms_share_of_imports")(s, "RUS", "CHN").set_index("period")
        assert (share["quality"] == "thin").all()        # one or two delivering deals a year: thin
