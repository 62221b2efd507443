"""The all-dyads panel: one row per dyad-year for every pair of state-system members, one column per indicator.

Like peacesciencer's ``create_dyadyears()`` followed by its ``add_*`` verbs: the skeleton holds only pairs where
both states are members of the COW state system that year (read from the NMC rows, see
:func:`dyad.measures.covariates.members`); every indicator is then joined on ``a, b, year`` and the row count is
checked after each join (a join never adds rows). The whole build runs in DuckDB over the store's tables.

Columns: ``a, b`` (ISO3), ``cow_a, cow_b`` (COW codes), ``year``, ``membership`` ('nmc' when both memberships
are read from NMC, 'carried' for years after NMC's last year, where the last NMC year's members are carried
forward), then one column per dyadic indicator (``<id>``) and per state-year indicator (``<id>_a``, ``<id>_b``).
Method: docs/methods/panel.md.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dyad import indicators
from dyad.measures import covariates as cv

UN_COLUMNS = ("un_agreement", "un_idealpoint_distance")
FORMATS = ("parquet", "csv", "duckdb")


def _members(store, start: int, end: int) -> pd.DataFrame:
    m = cv.members(store)
    last = int(m["year"].max())
    m = m[(m["year"] >= start) & (m["year"] <= end)].assign(membership="nmc")
    if end > last:
        tail = m[m["year"] == last] if last >= start else cv.members(store).query("year == @last")
        carried = [tail.assign(year=y, membership="carried") for y in range(max(last + 1, start), end + 1)]
        m = pd.concat([m, *carried], ignore_index=True)
    return m.reset_index(drop=True)


def _cow_codes(m: pd.DataFrame) -> pd.Series:
    """COW code of each (country, year): the code whose spell covers the year (Germany 255 / 260 ...)."""
    ref = Path(__file__).with_name("reference") / "cow_states.csv"
    with open(ref, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(line for line in fh if not line.startswith("#")) if r.get("iso3")]
    spells = pd.DataFrame({"country": [r["iso3"] for r in rows], "cow": [int(r["cow"]) for r in rows],
                           "lo": [int(r["start"] or 0) for r in rows], "hi": [int(r["end"] or 9999) for r in rows]})
    j = m[["country", "year"]].reset_index().merge(spells, on="country", how="left")
    j["fit"] = (j["year"] >= j["lo"]) & (j["year"] <= j["hi"])
    j = j.sort_values(["index", "fit", "lo"], ascending=[True, False, False]).drop_duplicates("index")
    return j.set_index("index")["cow"].reindex(m.index).astype("Int64")


def _variables(store) -> set[str]:
    return set(store.sql("SELECT DISTINCT variable FROM covariates")["variable"]) if store.has_table("covariates") \
        else set()


def _select(ids: list[str] | None, present: set[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    sparse = [v for v in cv.SPARSE_DYADIC if v in present]
    complete = [v for v in cv.COMPLETE_DYADIC if v in present] + (["dyadigos"] if "dyadigos" in present else [])
    monadic = [v for v in cv.MONADIC if v in present]
    un = list(UN_COLUMNS)
    if ids is not None:
        wanted = set(ids) | ({"dyadigos"} if "igo_joint_memberships" in ids else set()) | \
            ({"cinc"} if "cinc_ratio" in ids else set())
        sparse, complete, monadic = ([v for v in x if v in wanted] for x in (sparse, complete, monadic))
        un = [u for u in un if u in wanted]
    return sparse, complete, monadic, un


def build(store, start: int = 1946, end: int = 2024, directed: bool = False,
          indicator_ids: list[str] | None = None, by: str = "year") -> pd.DataFrame:
    """The dyad-year panel as a DataFrame (see the module docstring).

    ``directed=False``: each pair once (a < b by ISO3); ``directed=True``: both orders. ``indicator_ids``: only
    these columns (default: every all-dyads indicator whose data is loaded).
    """
    if by != "year":
        raise ValueError("the panel is annual: no loaded source has all dyads by month (use --by year)")
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    m = _members(store, start, end)
    m["cow"] = _cow_codes(m)
    present = _variables(store)
    sparse, complete, monadic, un = _select(indicator_ids, present)
    con = store.con
    con.register("panel_members", pa.Table.from_pandas(m, preserve_index=False))
    un_frames = {col: _un_column(store, col, start, end) for col in un}
    for i, (col, f) in enumerate(un_frames.items()):
        if f.duplicated(["a", "b", "year"]).any():
            raise RuntimeError(f"{col}: more than one value per dyad-year; the join would add rows")
        # Arrow strings scan without the GIL; pandas object columns would be converted row by row
        con.register(f"panel_un{i}", pa.Table.from_pandas(f, preserve_index=False))
    try:
        skeleton = ("SELECT x.country AS a, y.country AS b, x.cow AS cow_a, y.cow AS cow_b, x.year, "
                    "CASE WHEN x.membership = 'nmc' AND y.membership = 'nmc' THEN 'nmc' ELSE 'carried' END "
                    "AS membership FROM panel_members x JOIN panel_members y ON x.year = y.year AND "
                    + ("x.country <> y.country" if directed else "x.country < y.country"))
        n_skeleton = con.execute(f"SELECT count(*) FROM ({skeleton})").fetchone()[0]
        query = _panel_sql(store, skeleton, sparse, complete, monadic, start, end, list(un_frames))
        frame = con.execute(query).df()
    finally:
        for name in ["panel_members"] + [f"panel_un{i}" for i in range(len(un_frames))]:
            con.unregister(name)
    if len(frame) != n_skeleton:
        raise RuntimeError(f"a join added rows: skeleton {n_skeleton:,}, panel {len(frame):,}")
    if "cinc_a" in frame and (indicator_ids is None or "cinc_ratio" in indicator_ids):
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["cinc_ratio"] = (frame["cinc_a"] / frame["cinc_b"]).where(frame["cinc_b"] > 0)
    if "dyadigos" in frame:
        frame = frame.rename(columns={"dyadigos": "igo_joint_memberships"})
    return frame.sort_values(["year", "a", "b"]).reset_index(drop=True)


def _panel_sql(store, skeleton: str, sparse, complete, monadic, start: int, end: int, un: list[str]) -> str:
    dyadic = sparse + complete
    parts = [f"WITH s AS ({skeleton})"]
    cols = ["s.*"]
    if dyadic:
        pivot = ", ".join(f"max(value) FILTER (WHERE variable = '{v}') AS \"{v}\"" for v in dyadic)
        names = ", ".join(f"'{v}'" for v in dyadic)
        parts.append(f", d AS (SELECT a, b, year, {pivot} FROM covariates WHERE b <> '' AND variable IN ({names}) "
                     f"AND year BETWEEN {int(start)} AND {int(end)} GROUP BY a, b, year)")
        spans = store.sql("SELECT variable, min(year) AS lo, max(year) AS hi FROM covariates WHERE variable IN "
                          f"({', '.join(repr(v) for v in sparse) or 'NULL'}) GROUP BY variable").set_index("variable")
        for v in sparse:
            lo, hi = int(spans.loc[v, "lo"]), int(spans.loc[v, "hi"])
            cols.append(f"CASE WHEN s.year BETWEEN {lo} AND {hi} THEN coalesce(d.\"{v}\", 0) END AS \"{v}\"")
        cols += [f"d.\"{v}\"" for v in complete]
    if monadic:
        pivot = ", ".join(f"max(value) FILTER (WHERE variable = '{v}') AS \"{v}\"" for v in monadic)
        names = ", ".join(f"'{v}'" for v in monadic)
        parts.append(f", m AS (SELECT a AS country, year, {pivot} FROM covariates WHERE b = '' AND variable IN "
                     f"({names}) AND year BETWEEN {int(start)} AND {int(end)} GROUP BY a, year)")
        cols += [f"ma.\"{v}\" AS \"{v}_a\", mb.\"{v}\" AS \"{v}_b\"" for v in monadic]
    joins = ""
    if dyadic:
        joins += " LEFT JOIN d ON d.a = s.a AND d.b = s.b AND d.year = s.year"
    if monadic:
        joins += (" LEFT JOIN m ma ON ma.country = s.a AND ma.year = s.year"
                  " LEFT JOIN m mb ON mb.country = s.b AND mb.year = s.year")
    for i, col in enumerate(un):
        cols.append(f"u{i}.\"{col}\"")
        joins += f" LEFT JOIN panel_un{i} u{i} ON u{i}.a = s.a AND u{i}.b = s.b AND u{i}.year = s.year"
    return " ".join(parts) + f" SELECT {', '.join(cols)} FROM s{joins}"


def _un_column(store, col: str, start: int, end: int) -> pd.DataFrame:
    if not store.has_table("votes") or store.count("votes") == 0:
        return pd.DataFrame(columns=["a", "b", "year", col])
    if col == "un_agreement":
        from dyad.measures import alignment as al

        f = al.all_years_matrix(store, "agreement")
        f = pd.DataFrame({"a": f["a"].astype(str), "b": f["b"].astype(str),
                          "year": f["period"].astype(str).astype(int), col: f["value"].astype(float)})
    else:
        from dyad.measures import idealpoints as ip

        p = ip.ideal_points(store).points[["country", "year", "value"]]
        p = p[(p["year"] >= start) & (p["year"] <= end)]
        f = p.merge(p, on="year", suffixes=("_a", "_b"))
        f = f[f["country_a"] != f["country_b"]]
        f = pd.DataFrame({"a": f["country_a"], "b": f["country_b"], "year": f["year"],
                          col: (f["value_a"] - f["value_b"]).abs()})
    return f[(f["year"] >= start) & (f["year"] <= end)]


def write(frame: pd.DataFrame, path: str | Path, table: str = "panel") -> Path:
    """Write the panel as Parquet, CSV or a table in a DuckDB file (chosen by the file's suffix)."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "parquet":
        frame.to_parquet(path, index=False)
    elif suffix == "csv":
        frame.to_csv(path, index=False)
    elif suffix in ("duckdb", "db"):
        import duckdb

        with duckdb.connect(str(path)) as con:
            con.register("panel_frame", frame)
            con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM panel_frame')
    else:
        raise ValueError(f"{path}: unknown output format; end the file name with .parquet, .csv or .duckdb")
    return path


def percentiles(store, indicator_id: str, a: str, b: str, by: str = "year") -> pd.DataFrame:
    """Where the dyad (a, b) stands among all dyads, per period: ``period, value, percentile, n_dyads``.

    ``percentile`` is the mid-rank percentage of dyads with a value that period: 100 * (below + equal / 2) / n.
    For an undirected indicator every pair counts once; for a directed one every ordered pair.
    """
    ind = indicators.get(indicator_id)
    if not ind.all_dyads and indicator_id not in UN_COLUMNS:
        raise ValueError(f"{indicator_id} has no all-dyads data (Indicator.all_dyads is False): no percentiles")
    if by != "year":
        raise ValueError("percentiles are per year: use by='year'")
    col = indicator_id if indicator_id not in cv.MONADIC else f"{indicator_id}_a"
    ids = [indicator_id] + (["cinc"] if indicator_id == "cinc_ratio" else [])
    last = dt.date.today().year
    panel = build(store, 1816, last, directed=ind.directed or indicator_id in cv.MONADIC, indicator_ids=ids) \
        if indicator_id not in UN_COLUMNS else None
    if panel is None:
        panel = _un_column(store, indicator_id, 1816, last)
        if not ind.directed:
            panel = panel[panel["a"] < panel["b"]]
    if col not in panel:
        return pd.DataFrame(columns=["period", "value", "percentile", "n_dyads"])
    panel = panel[["a", "b", "year", col]].dropna(subset=[col])
    x, y = (a, b) if (ind.directed or indicator_id in cv.MONADIC or a < b) else (b, a)
    mine = panel[(panel["a"] == x) & (panel["b"] == y)].set_index("year")[col]
    rows = []
    for year, values in panel.groupby("year")[col]:
        if year not in mine.index:
            continue
        v = float(mine.loc[year])
        vals = values.to_numpy()
        pct = 100.0 * ((vals < v).sum() + 0.5 * (vals == v).sum()) / len(vals)
        rows.append((str(year), v, pct, len(vals)))
    return pd.DataFrame(rows, columns=["period", "value", "percentile", "n_dyads"])
