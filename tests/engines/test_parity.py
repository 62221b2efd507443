"""One suite, every engine: the measures give identical results on DuckDB and on Spark.

Hook for measures merged later: ``SAMPLE_INPUTS`` (tests/sample_inputs.py) maps a source adapter's
name to small real files (paths under ../shared/data). Every registered adapter listed there is ingested into the parity store,
and every registered indicator (``un_*`` now; ``ev_*`` and ``trade_*`` once their branches are merged)
is computed for China-Russia on each engine and compared with DuckDB. An indicator whose source tables
stay empty fails under CI (skips elsewhere) with a message saying which line to add here.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from conftest import need_data
from dyad import indicators, schema
from sample_inputs import SAMPLE_INPUTS

ENGINES = ["duckdb", "spark"]
BASELINE = "duckdb"

# The hook for sources merged later is tests/sample_inputs.py (one line per adapter).
PARITY_INPUTS = SAMPLE_INPUTS


def spark_ready() -> str | None:
    """Why Spark cannot run here, or None when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return None


def need_engine(name: str) -> None:
    """Fail under CI, skip elsewhere, when an engine cannot start on this machine."""
    why = spark_ready() if name == "spark" else None
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"engine {name} unavailable: {why}")
        pytest.skip(f"engine {name} unavailable: {why}")


@pytest.fixture(scope="module", autouse=True)
def _engine_cache(tmp_path_factory):
    """Parquet snapshots go to a temporary folder, not the user's cache."""
    old = os.environ.get("DYAD_ENGINE_CACHE")
    os.environ["DYAD_ENGINE_CACHE"] = str(tmp_path_factory.mktemp("engine-cache"))
    yield
    if old is None:
        os.environ.pop("DYAD_ENGINE_CACHE", None)
    else:
        os.environ["DYAD_ENGINE_CACHE"] = old


@pytest.fixture(scope="module")
def parity_path(tmp_path_factory):
    """A store file with every registered adapter's PARITY_INPUTS ingested (then closed)."""
    from dyad import sources
    from dyad.store import open_store

    path = tmp_path_factory.mktemp("parity") / "parity.duckdb"
    registered = {a.name for a in sources.all_adapters()}
    with open_store(path) as s:
        for source, files in PARITY_INPUTS.items():
            if source in registered:
                for parts in files:
                    s.ingest(source, need_data(*parts))
    return path


@pytest.fixture(scope="module")
def stores(parity_path):
    """The parity store opened read-only once per engine: {engine: Store}."""
    from dyad.store import open_store

    opened = {name: open_store(parity_path, read_only=True, engine_name=name) for name in ENGINES}
    yield opened
    for s in opened.values():
        s.close()


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order, so engines that return groups in another order compare equal."""
    keys = [c for c in ("a", "b", "period", "indicator") if c in frame.columns]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got, want = canonical(got), canonical(want)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for col in want.columns:
        g, w = got[col], want[col]
        if pd.api.types.is_numeric_dtype(w) and not pd.api.types.is_bool_dtype(w):
            np.testing.assert_allclose(g.to_numpy(float), w.to_numpy(float), rtol=1e-12, atol=0,
                                       equal_nan=True, err_msg=col)
        else:
            assert g.astype(str).tolist() == w.astype(str).tolist(), col


def source_tables(indicator) -> list[str]:
    return [t for t in re.split(r"[,\s]+", indicator.source) if t in schema.TABLES]


# ------------------------------------------------------------------- every registered indicator

INDICATORS = [i.id for i in indicators.all_indicators()]


@pytest.mark.slow
@pytest.mark.parametrize("engine", [e for e in ENGINES if e != BASELINE])
@pytest.mark.parametrize("indicator_id", INDICATORS)
def test_indicator_parity(stores, engine, indicator_id):
    need_engine(engine)
    ind = indicators.get(indicator_id)
    empty = [t for t in source_tables(ind) if stores[BASELINE].count(t) == 0]
    if empty or not source_tables(ind):
        message = (f"{indicator_id}: source tables {empty or ind.source!r} are empty in the parity store; "
                   "add the adapter that fills them and a small real file to tests/sample_inputs.py")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    by = ind.frequencies[0]
    want = ind(stores[BASELINE], "CHN", "RUS", by=by)
    got = ind(stores[engine], "CHN", "RUS", by=by)
    assert_same(got, want)
    if len(want) == 0:
        # Equal, but nothing was compared: the sample files hold no China-Russia value for this one.
        pytest.skip(f"{indicator_id}: no CHN-RUS rows from the sample files on either engine")


# ------------------------------------------------------------------------ UN alignment in detail


def raw_joint_votes() -> pd.DataFrame:
    """China's and Russia's votes side by side, from the .rda files with pandas (no dyad code)."""
    import pyreadr

    votes = pyreadr.read_r(str(need_data("unvotes", "un_votes.rda")))["un_votes"]
    calls = pyreadr.read_r(str(need_data("unvotes", "un_roll_calls.rda")))["un_roll_calls"]
    votes = votes.assign(rcid=votes["rcid"].astype(int), vote=votes["vote"].astype(str))
    cn = votes[votes.country_code == "CN"][["rcid", "vote"]]
    ru = votes[votes.country_code == "RU"][["rcid", "vote"]]
    years = calls.assign(rcid=calls["rcid"].astype(int),
                         year=pd.to_datetime(calls["date"]).dt.year)[["rcid", "year"]]
    return cn.merge(ru, on="rcid", suffixes=("_a", "_b")).merge(years, on="rcid")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_agreement_matches_raw_files(stores, engine):
    need_engine(engine)
    joint = raw_joint_votes()
    # The data README: 4,489 roll calls with both voting, identical vote on 72.7%. The sample inputs also hold
    # UN records of 2023-24 (roll calls after Voeten's release, which ends on 14 Jan 2020): left out here.
    voeten = {"end": "2020-01-14"}
    total = indicators.get("un_agreement")(stores[engine], "CHN", "RUS", by="all", ci=False, **voeten)
    assert total["n"].tolist() == [len(joint)] == [4489]
    assert round(float(total["value"].iloc[0]), 3) == 0.727
    per_year = indicators.get("un_agreement")(stores[engine], "CHN", "RUS", by="year", ci=False, **voeten)
    want = (joint.assign(same=joint.vote_a == joint.vote_b).groupby("year")
            .agg(value=("same", "mean"), n=("same", "size")).reset_index())
    got = per_year.assign(year=per_year["period"].astype(int))[["year", "value", "n"]]
    merged = want.merge(got, on="year", suffixes=("_raw", "_dyad"), how="outer")
    assert merged["n_dyad"].notna().all() and merged["n_raw"].notna().all()
    assert (merged["n_raw"] == merged["n_dyad"]).all()
    np.testing.assert_allclose(merged["value_dyad"], merged["value_raw"], rtol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("measure", ["kappa", "sscore"])
def test_alignment_all_dyads_parity(stores, measure):
    """The all-dyads path (one Ibis query, numpy maths) for one year, on every engine."""
    from dyad.measures.alignment import alignment_matrix

    for engine in ENGINES:
        need_engine(engine)
    want = alignment_matrix(stores[BASELINE], 2018, measure)
    assert len(want) > 150 * 149
    for engine in ENGINES[1:]:
        assert_same(alignment_matrix(stores[engine], 2018, measure), want)


@pytest.mark.slow
def test_cli_engine_option(parity_path, stores):
    """``dyad --engine spark alignment`` prints what the DuckDB engine prints."""
    from click.testing import CliRunner

    from dyad.cli import cli

    need_engine("spark")
    args = ["--store", str(parity_path), "alignment", "CHN", "RUS", "--by", "session", "--no-ci",
            "--format", "csv"]
    outputs = {}
    for engine in ENGINES:
        result = CliRunner().invoke(cli, ["--engine", engine, *args])
        assert result.exit_code == 0, result.output
        outputs[engine] = result.output
    assert outputs["spark"] == outputs["duckdb"]
    assert outputs["duckdb"].count("\n") > 40      # sessions 26..74 with both countries voting


def test_spark_snapshot_follows_ingests(tmp_path):
    """After an ingest, Spark sees the new rows (the Parquet snapshot is keyed by provenance)."""
    from dyad.store import open_store

    need_engine("spark")
    first = tmp_path / "a.csv"
    first.write_text("rcid,country,country_code,vote\n1,China,CN,yes\n1,Russia,RU,no\n")
    second = tmp_path / "b.csv"
    second.write_text("rcid,country,country_code,vote\n2,China,CN,yes\n2,Russia,RU,yes\n2,France,FR,abstain\n")
    with open_store(tmp_path / "s.duckdb", engine_name="spark") as s:
        s.ingest("unvotes", first)
        assert s.table("votes").count().execute() == 2
        s.ingest("unvotes", second)
        votes = s.table("votes")
        assert votes.count().execute() == 5
        frame = votes.filter(votes.rcid == 2).order_by("country").execute()
        assert frame["country"].tolist() == ["CHN", "FRA", "RUS"]
        assert frame["vote"].tolist() == ["yes", "abstain", "yes"]


@pytest.mark.parametrize("engine,backend", [("duckdb", "duckdb"), ("spark", "pyspark")])
def test_store_table_is_on_the_chosen_backend(stores, engine, backend):
    need_engine(engine)
    assert stores[engine].table("votes")._find_backend().name == backend


def test_measure_backend_holds_canonical_tables(stores):
    from dyad import engine

    need_engine("spark")
    con = engine.measure_backend(stores["spark"], "spark")
    assert con.name == "pyspark"
    counts = {t: con.table(t).count().execute() for t in ("votes", "rollcalls", "rollcall_issues")}
    assert counts == {t: stores["duckdb"].count(t) for t in counts}
    assert min(counts.values()) > 0


def test_unknown_engine_is_a_clear_error(tmp_path):
    from dyad.store import StoreError, open_store

    with pytest.raises(StoreError, match="unknown engine 'sparkle'.*duckdb, spark"):
        open_store(tmp_path / "x.duckdb", engine_name="sparkle")
