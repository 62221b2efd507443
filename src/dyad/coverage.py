"""What the loaded files cover: recorded per ingested file, looked up per indicator value.

At ingest (:func:`observe`, called by the store on each staged canonical table) dyad records, per file
(or per ingest run when the rows cannot be told apart by file), rows of the ``coverage`` table:

* events (GDELT, ICEWS): the days the file covers and its scope, inferred from the rows:
  ``pair`` (at least 90% of rows are between the same two countries: an extract for one dyad),
  ``country`` (at least 90% of rows involve one country: an extract for one actor),
  ``location`` (50-90% involve one country: a file selected by where events happened, e.g. Georgia),
  otherwise ``world``. Covered days are the days holding at least 10% of the rows of a typical day of the
  file (median over the days near the file's main cluster of dates, see :func:`dense_intervals`), so the
  stray old SQLDATEs in a GDELT daily export do not count as coverage of 1982; runs of such days separated
  by at most 3 days are joined (for ``pair`` files, the whole span from the first to the last such day).
  The canonical events table keeps no event geography, so a file selected by location (the Georgia files)
  cannot be told from the rows; declare it at ingest: ``--option scope=location:GEO`` (or ``pair:CHN-RUS``,
  ``country:CHN``, ``world``), which overrides the inference and is recorded.
* trade: the years (or months) each file reports, with the same scope rule on exporter and importer;
  the reporters are listed in ``detail``.
* UN votes: one row per session held, from its first to its last roll call.

At query time (:func:`for_periods`) the coverage of a period for a dyad is the share of its days covered by
files whose scope includes the dyad: ``world`` files cover every dyad; ``pair`` files only their own pair;
``country`` and ``location`` files only dyads that include their country. A store with no coverage rows of a
kind (built before coverage was recorded, or by hand) gives NaN: unknown, not zero.
Reference: docs/methods/coverage.md.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

PAIR_SHARE = 0.9
COUNTRY_SHARE = 0.9
LOCATION_SHARE = 0.5
DENSE_SHARE = 0.10
JOIN_GAP_DAYS = 3
CLUSTER_GAP_DAYS = 31
MIN_INTERVAL_SHARE = 0.05
NEAR_DAYS = 366

KINDS = {"events": "events", "trade": "trade", "rollcalls": "votes"}


# ------------------------------------------------------------------------------------- at ingest


def _ranges(con, staging: str, files: list, fallback: str) -> list[tuple[str, str]]:
    """(file label, rowid condition) per file when the staging rows are the files' rows in order."""
    total = int(con.execute(f'SELECT count(*) FROM "{staging}"').fetchone()[0])
    loaded = [(f.file, int(f.rows_loaded)) for f in files]
    if len(loaded) > 1 and sum(n for _, n in loaded) == total:
        out, lo = [], 0
        for label, n in loaded:
            if n:
                out.append((label, f"rowid >= {lo} AND rowid < {lo + n}"))
            lo += n
        return out
    return [(fallback, "true")]


def _scope(con, staging: str, where: str, a_col: str, b_col: str) -> tuple[str, str | None, str | None, int]:
    """Scope of the rows: (scope, country_a, country_b, rows)."""
    rows = int(con.execute(f'SELECT count(*) FROM "{staging}" WHERE {where}').fetchone()[0])
    if not rows:
        return "world", None, None, 0
    pair = con.execute(
        f'SELECT least({a_col}, {b_col}) AS x, greatest({a_col}, {b_col}) AS y, count(*) AS n FROM "{staging}" '
        f"WHERE {where} AND {a_col} IS NOT NULL AND {b_col} IS NOT NULL AND {a_col} <> {b_col} "
        "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 1").fetchone()
    if pair and pair[2] >= PAIR_SHARE * rows:
        return "pair", pair[0], pair[1], rows
    top = con.execute(
        f'SELECT c, count(*) AS n FROM (SELECT {a_col} AS c FROM "{staging}" WHERE {where} AND {a_col} IS NOT NULL '
        f'UNION ALL SELECT {b_col} FROM "{staging}" WHERE {where} AND {b_col} IS NOT NULL '
        f"AND {b_col} IS DISTINCT FROM {a_col}) GROUP BY c ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    if top and top[1] >= COUNTRY_SHARE * rows:
        return "country", top[0], None, rows
    if top and top[1] >= LOCATION_SHARE * rows:
        return "location", top[0], None, rows
    return "world", None, None, rows


def dense_intervals(days: pd.Series, counts: pd.Series, whole_span: bool = False) -> list[tuple[dt.date, dt.date]]:
    """Intervals of covered days from a file's daily row counts (see the module doc).

    1. Days with rows are grouped into clusters separated by more than :data:`CLUSTER_GAP_DAYS` days; the
       cluster with the most rows is kept, with every cluster within :data:`NEAR_DAYS` of a kept one (a GDELT
       daily export's rows dated 1982 are far from its main cluster and are not coverage of 1982).
    2. A typical day is the median daily count over the kept clusters' days; days with at least
       :data:`DENSE_SHARE` of it are covered, and runs of them at most :data:`JOIN_GAP_DAYS` apart are joined
       (``whole_span``: one interval from the first to the last covered day, for one-dyad extracts).
    3. A run holding less than :data:`MIN_INTERVAL_SHARE` of the kept rows is dropped (GDELT exports carry
       events dated exactly a week, a month or a year before, which are references, not coverage).
    """
    frame = pd.DataFrame({"day": pd.to_datetime(days), "n": counts.astype(float)}).dropna()
    if frame.empty:
        return []
    frame = frame.sort_values("day").reset_index(drop=True)
    gap = frame["day"].diff().dt.days.fillna(0)
    frame["cluster"] = (gap > CLUSTER_GAP_DAYS).cumsum()
    clusters = frame.groupby("cluster").agg(first=("day", "min"), last=("day", "max"), n=("n", "sum"))
    kept = {int(clusters["n"].idxmax())}
    changed = True
    while changed:
        changed = False
        for c, row in clusters.iterrows():
            if c in kept:
                continue
            near = any(min(abs((row["first"] - clusters.loc[k, "last"]).days),
                           abs((clusters.loc[k, "first"] - row["last"]).days)) <= NEAR_DAYS for k in kept)
            if near:
                kept.add(int(c))
                changed = True
    frame = frame[frame["cluster"].isin(kept)]
    typical = float(np.median(frame["n"]))
    dense = frame[frame["n"] >= max(1.0, DENSE_SHARE * typical)]["day"]
    if dense.empty:
        return []
    if whole_span:
        return [(dense.iloc[0].date(), dense.iloc[-1].date())]
    out: list[list] = []
    counts = dict(zip(frame["day"].dt.date, frame["n"], strict=True))
    for day in dense.dt.date:
        if out and (day - out[-1][1]).days <= JOIN_GAP_DAYS + 1:
            out[-1][1] = day
        else:
            out.append([day, day])
    total = float(frame["n"].sum())
    # an isolated day with a few rows (GDELT's references to "a week / a month / a year ago") is not coverage
    weight = [sum(n for d, n in counts.items() if a <= d <= b) for a, b in out]
    return [(a, b) for (a, b), w in zip(out, weight, strict=True) if w >= MIN_INTERVAL_SHARE * total]


def _events(con, staging: str, where: str) -> list[dict]:
    out = []
    for (dataset,) in con.execute(f'SELECT DISTINCT dataset FROM "{staging}" WHERE {where}').fetchall():
        cond = f"{where} AND dataset IS NOT DISTINCT FROM '{dataset}'"
        scope, x, y, rows = _scope(con, staging, cond, "source_country", "target_country")
        daily = con.execute(f'SELECT date, count(*) AS n FROM "{staging}" WHERE {cond} AND date IS NOT NULL '
                            "GROUP BY date").df()
        for first, last in dense_intervals(daily["date"], daily["n"], whole_span=scope == "pair"):
            out.append(dict(kind="events", dataset=dataset, scope=scope, country_a=x, country_b=y,
                            first=first, last=last, rows=rows, detail=f"{len(daily)} distinct event dates"))
    return out


def _trade(con, staging: str, where: str) -> list[dict]:
    out = []
    for (dataset,) in con.execute(f'SELECT DISTINCT source FROM "{staging}" WHERE {where}').fetchall():
        cond = f"{where} AND source IS NOT DISTINCT FROM '{dataset}'"
        scope, x, y, rows = _scope(con, staging, cond, "exporter", "importer")
        periods = con.execute(
            f'SELECT year, coalesce(month, 0) AS month, count(*) AS n, string_agg(DISTINCT reporter, \' \' '
            f'ORDER BY reporter) AS reporters FROM "{staging}" WHERE {cond} AND year IS NOT NULL GROUP BY 1, 2').fetchall()
        for year, month, n, reporters in periods:
            if month:
                first = dt.date(int(year), int(month), 1)
                last = dt.date(int(year) + (month == 12), int(month) % 12 + 1, 1) - dt.timedelta(days=1)
            else:
                first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
            out.append(dict(kind="trade", dataset=dataset, scope=scope, country_a=x, country_b=y, first=first,
                            last=last, rows=int(n), detail=f"reporters: {reporters or 'not stated'}"[:500]))
    return out


def _votes(con, staging: str, where: str) -> list[dict]:
    rows = con.execute(f'SELECT session, min(date), max(date), count(*) FROM "{staging}" WHERE {where} '
                       "AND date IS NOT NULL GROUP BY session ORDER BY session").fetchall()
    return [dict(kind="votes", dataset="unga", scope="world", country_a=None, country_b=None, first=first,
                 last=last, rows=int(n), detail=f"session {session}") for session, first, last, n in rows]


OBSERVERS = {"events": _events, "trade": _trade, "rollcalls": _votes}


def parse_scope(text: str | None) -> tuple[str, str | None, str | None] | None:
    """``world``, ``pair:CHN-RUS``, ``country:CHN`` or ``location:GEO`` -> (scope, a, b); None for no text."""
    if text is None or str(text).strip() == "":
        return None
    kind, _, rest = str(text).strip().partition(":")
    codes = [c.strip().upper() for c in rest.replace("-", ",").split(",") if c.strip()]
    if kind == "world" and not codes:
        return "world", None, None
    if kind == "pair" and len(codes) == 2:
        x, y = sorted(codes)
        return "pair", x, y
    if kind in ("country", "location") and len(codes) == 1:
        return kind, codes[0], None
    from dyad.sources import SourceError

    raise SourceError(f"scope option {text!r}: give world, pair:AAA-BBB, country:AAA or location:AAA "
                     "(ISO3 codes), e.g. --option scope=location:GEO")


def observe(con, ingest_id: int, table: str, staging: str, files: list, fallback: str,
            scope: str | None = None) -> int:
    """Record the coverage of the staged rows of one canonical table; returns the rows written.

    ``scope`` (the ingest option ``scope=...``) overrides the scope inferred from the rows."""
    observer = OBSERVERS.get(table)
    if observer is None:
        return 0
    declared = parse_scope(scope)
    records = []
    for label, where in _ranges(con, staging, files, fallback):
        for rec in observer(con, staging, where):
            if declared is not None and rec["kind"] != "votes":
                rec.update(scope=declared[0], country_a=declared[1], country_b=declared[2],
                           detail=f"{rec['detail']}; scope declared at ingest")
            records.append({"ingest_id": ingest_id, "file": label, **rec})
    if not records:
        return 0
    frame = pd.DataFrame(records)
    con.register("_coverage_rows", frame)
    try:
        con.execute(
            'INSERT INTO coverage SELECT CAST(ingest_id AS INTEGER), CAST(file AS VARCHAR), kind, dataset, scope, '
            'CAST(country_a AS VARCHAR), CAST(country_b AS VARCHAR), CAST("first" AS DATE), CAST("last" AS DATE), '
            "CAST(rows AS BIGINT), detail FROM _coverage_rows").fetchall()
    finally:
        con.unregister("_coverage_rows")
    return len(records)


# -------------------------------------------------------------------------------------- at query


def kind_of(indicator) -> str | None:
    parts = str(getattr(indicator, "source", "")).split(", ")
    for table, kind in KINDS.items():
        if table in parts or kind in parts:
            return kind
    return None


def intervals(store, kind: str, a: str, b: str, dataset: str | None = None) -> pd.DataFrame | None:
    """The covered intervals of ``kind`` whose scope includes the dyad; None when none of the kind is recorded."""
    if not store.has_table("coverage"):
        return None
    where, params = "kind = ?", [kind]
    if dataset is not None:
        where += " AND dataset = ?"
        params.append(dataset)
    rows = store.sql(f'SELECT scope, country_a, country_b, "first", "last" FROM coverage WHERE {where}', params)
    if rows.empty:
        return None
    pair = {a, b}
    ok = rows.apply(lambda r: r["scope"] == "world"
                    or (r["scope"] == "pair" and {r["country_a"], r["country_b"]} == pair)
                    or (r["scope"] in ("country", "location") and r["country_a"] in pair), axis=1)
    return rows[ok.astype(bool)] if len(rows) else rows


def covered_days(spans: pd.DataFrame, first: dt.date, last: dt.date) -> int:
    """Days from ``first`` to ``last`` inside the union of the intervals."""
    if spans is None or spans.empty:
        return 0
    lo = first.toordinal()
    hi = last.toordinal()
    marks = np.zeros(hi - lo + 1, dtype=bool)
    for f, t in zip(spans["first"], spans["last"], strict=True):
        f = max(pd.Timestamp(f).date().toordinal(), lo)
        t = min(pd.Timestamp(t).date().toordinal(), hi)
        if f <= t:
            marks[f - lo:t - lo + 1] = True
    return int(marks.sum())


def for_periods(store, indicator, a: str, b: str, spans: dict, *, frame: pd.DataFrame | None = None,
                options: dict | None = None) -> dict:
    """Per period label: (coverage share 0..1 or NaN, covered days or NaN)."""
    kind = kind_of(indicator)
    unknown = {p: (np.nan, np.nan) for p in spans}
    if kind is None:
        return unknown
    dataset = (options or {}).get("dataset") or ("gdelt" if kind == "events" else None)
    known = intervals(store, kind, a, b, dataset)
    if known is None:
        return unknown
    out = {}
    for period, span in spans.items():
        if span is None:
            out[period] = (np.nan, np.nan)
            continue
        days = covered_days(known, *span)
        if kind == "votes":     # a UN measure covers the period when a session held roll calls in it
            out[period] = (1.0 if days else 0.0, np.nan)
            continue
        out[period] = (days / ((span[1] - span[0]).days + 1), float(days))
    return out


def summary(store) -> pd.DataFrame:
    """One row per file, kind, dataset and scope: the dates covered (for ``dyad sources --coverage``)."""
    if not store.has_table("coverage"):
        return pd.DataFrame()
    return store.sql(
        'SELECT kind, dataset, scope, coalesce(country_a, \'\') || CASE WHEN country_b IS NULL THEN \'\' '
        "ELSE '-' || country_b END AS countries, file, min(\"first\") AS first, max(\"last\") AS last, "
        'count(*) AS intervals, CAST(sum(date_diff(\'day\', "first", "last") + 1) AS BIGINT) AS days '
        "FROM coverage GROUP BY ALL ORDER BY kind, dataset, first")


def why_none(store, kind: str, a: str, b: str, dataset: str | None = None) -> str:
    """One line saying what the loaded files of ``kind`` cover, for a result with no values."""
    if not store.has_table("coverage"):
        return f"the store records no coverage of {kind}"
    where, params = "kind = ?", [kind]
    if dataset is not None:
        where += " AND dataset = ?"
        params.append(dataset)
    rows = store.sql(f'SELECT scope, country_a, country_b, min("first") AS f, max("last") AS l FROM coverage '
                     f"WHERE {where} GROUP BY ALL ORDER BY f", params)
    if rows.empty:
        return f"no {dataset or kind} files are loaded"
    mine = intervals(store, kind, a, b, dataset)
    parts = []
    for r in rows.itertuples():
        who = {"world": "all countries", "pair": f"only {r.country_a}-{r.country_b}",
               "country": f"only {r.country_a}'s events", "location": f"only events in {r.country_a}"}[r.scope]
        parts.append(f"{who} {pd.Timestamp(r.f).date()}..{pd.Timestamp(r.l).date()}")
    if mine is None or mine.empty:
        return (f"no loaded {dataset or kind} file covers {a}-{b}; the loaded files cover " + "; ".join(parts[:6])
                + (f" (+{len(parts) - 6} more)" if len(parts) > 6 else ""))
    return f"the loaded files covering {a}-{b} hold no values for the periods asked"
