"""What the report shows, gathered from the store: indicator series, calendar, coverage, provenance."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dyad import schema
from dyad.indicators import DIRECTIONS, Indicator, all_indicators
from dyad.indicators import get as get_indicator
from dyad.report.optional import run_optional

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")


def period_date(period: object) -> dt.date | None:
    """The middle of a period written as YYYY, YYYY-MM, YYYY-Qn or YYYY-MM-DD; None if not a date."""
    text = str(period).strip()
    if m := _YEAR.match(text):
        return dt.date(int(m[1]), 7, 2)
    if m := _MONTH.match(text):
        return dt.date(int(m[1]), int(m[2]), 15)
    if m := _QUARTER.match(text):
        return dt.date(int(m[1]), 3 * int(m[2]) - 1, 15)
    if m := _DAY.match(text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    return None


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    by: str
    frame: pd.DataFrame | None      # tidy rows, NaN values dropped; None when skipped
    note: str = ""                  # why it was skipped, or what is missing
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.frame is not None and len(self.frame) > 0

    @property
    def direction(self) -> str:
        return self.indicator.directions[0] if self.indicator.directions else "other"

    def summary(self) -> dict:
        """One row of the summary table."""
        ind = self.indicator
        row = {"id": ind.id, "indicator": ind.label, "direction": self.direction, "unit": ind.unit,
               "periods": 0, "first": "", "last": "", "latest": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "n": np.nan, "note": self.note}
        if not self.ok:
            return row
        frame = self.frame
        assert frame is not None
        latest = frame.sort_values("period").groupby(["a", "b"]).tail(1).iloc[0]
        row.update(periods=int(frame["period"].nunique()), first=str(frame["period"].min()),
                   last=str(frame["period"].max()), latest=float(latest["value"]),
                   ci_low=float(latest.get("ci_low", np.nan)), ci_high=float(latest.get("ci_high", np.nan)),
                   n=latest["n"])
        if pd.notna(latest["n"]) and float(latest["n"]) < 10:
            row["note"] = "; ".join(x for x in (self.note, f"latest period rests on only n={int(latest['n'])}") if x)
        return row


def _missing_years(frame: pd.DataFrame) -> list[int]:
    years = sorted({d.year for d in frame["period"].map(period_date) if d is not None})
    if not years or not all(_YEAR.match(str(p)) for p in frame["period"]):
        return []
    return sorted(set(range(years[0], years[-1] + 1)) - set(years))


def fetch(store, indicator: Indicator | str, a: str, b: str, by: str = "year", **options) -> pd.DataFrame:
    """The one place the report computes an indicator series for one ordered pair.

    Every series the report shows (the dyad's own, both directions, and the comparison dyads) comes through
    here, through the store's results cache (``dyad.cache.compute``), which the index, scorecard and
    event studies read as well."""
    from dyad import cache  # keyed by indicator, pair, options and store version; shared with the API

    if isinstance(indicator, str):
        return cache.compute(store, indicator, a, b, by=by, **options)
    try:
        registered = get_indicator(indicator.id) is indicator
    except KeyError:
        registered = False
    if not registered:              # an indicator object the registry does not hold: computed as given
        return indicator(store, a, b, by=by, **options)
    return cache.compute(store, indicator.id, a, b, by=by, **options)


def compute_indicator(store, ind: Indicator, a: str, b: str, by: str | None = None) -> IndicatorResult:
    """Compute one indicator for the dyad (both orders when it is directed); never raises."""
    by = by or ind.frequencies[0]
    started = time.perf_counter()
    try:
        pairs = [(a, b), (b, a)] if ind.directed else [(a, b)]
        frame = pd.concat([fetch(store, ind, x, y, by=by) for x, y in pairs], ignore_index=True)
    except Exception as exc:  # noqa: BLE001 - shown in the report as a skipped indicator
        return IndicatorResult(ind, by, None, f"skipped: {type(exc).__name__}: {exc}",
                               time.perf_counter() - started)
    seconds = time.perf_counter() - started
    if frame is None or len(frame) == 0:
        return IndicatorResult(ind, by, None, "skipped: no rows for this dyad (its source is not loaded "
                               "or does not cover these countries)", seconds)
    frame = frame.assign(period=frame["period"].astype(str))
    valid = frame[frame["value"].notna()].reset_index(drop=True)
    if len(valid) == 0:
        return IndicatorResult(ind, by, None, f"skipped: all {len(frame)} periods have no value", seconds)
    notes = []
    if len(valid) < len(frame):
        notes.append(f"{len(frame) - len(valid)} period(s) without a value")
    gaps = _missing_years(valid)
    if gaps:
        shown = ", ".join(map(str, gaps[:12])) + (" ..." if len(gaps) > 12 else "")
        notes.append(f"no data for {len(gaps)} year(s) in the range: {shown}")
    return IndicatorResult(ind, by, valid, "; ".join(notes), seconds)


def compute_all(store, a: str, b: str, progress_enabled: bool | None = None) -> list[IndicatorResult]:
    from dyad.progress import progress

    inds = all_indicators()
    return [drawable(compute_indicator(store, ind, a, b))
            for ind in progress(inds, desc="indicators", unit="indicator", enabled=progress_enabled)]


NOT_DRAWN = "not drawn"


def drawable(res: IndicatorResult) -> IndicatorResult:
    """The result as given, or, when it has one period only, or fewer than two of its periods reach the
    indicator's minimum support (the rest are thin: event counts from GDELT samples a few days long), a result
    without a frame whose note says so: a chart of thin points, or of one, reads as data or as an empty frame.
    Periods are counted once for both directions. The report and the dashboard both apply it."""
    if not res.ok:
        return res
    periods = res.frame["period"].astype(str)
    if periods.nunique() < 2:         # one year (a speech of 2023 only): a dot in an empty frame is no chart
        return IndicatorResult(res.indicator, res.by, None, f"one period only ({periods.iloc[0]}): a chart needs "
                               f"two; {NOT_DRAWN}", res.seconds)
    if "quality" not in res.frame.columns:
        return res
    ok = int(periods[res.frame["quality"].astype(str) != "thin"].nunique())
    if ok >= 2:
        return res
    ind = res.indicator
    support = f" ({ind.min_support} {ind.support_unit})" if ind.min_support else ""
    return IndicatorResult(ind, res.by, None, f"only {ok} of {periods.nunique()} periods reach the indicator's "
                           f"minimum support{support}, the rest are thin; {NOT_DRAWN}", res.seconds)


# ------------------------------------------------------------------------------------ calendar

CAL_COLUMNS = ["country", "date", "kind", "label", "source"]


def calendar_events(store, a: str, b: str) -> tuple[pd.DataFrame, str]:
    """Political-cycle events of A and B and their bilateral milestones, with where they came from."""
    section = run_optional("calendar", store, a, b)
    if section.available:
        frame = next(iter(section.frames.values()))
        if set(CAL_COLUMNS[1:4]) <= set(frame.columns):
            return _clean_calendar(frame), "dyad.calendar"
    if not store.has_table("calendar"):
        return pd.DataFrame(columns=CAL_COLUMNS), "no calendar is loaded in the store"
    frame = store.sql(
        "SELECT country, date, kind, label, source FROM calendar "
        "WHERE country IN (?, ?) OR (country LIKE ? AND country LIKE ?) ORDER BY date",
        [a, b, f"%{a}%", f"%{b}%"])
    note = "the store's calendar table" if len(frame) else "the store's calendar table has no entries for A or B"
    return _clean_calendar(frame), note


def _clean_calendar(frame: pd.DataFrame) -> pd.DataFrame:
    """The calendar columns the report uses, dates parsed, undated rows dropped, sorted by date."""
    frame = frame.copy()
    for col in CAL_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    return frame[frame["date"].notna()][CAL_COLUMNS].sort_values("date").reset_index(drop=True)


# -------------------------------------------------------------------------- coverage, provenance

def table_coverage(store) -> pd.DataFrame:
    """Rows and time span of every canonical table present (identifiers come from the schema only)."""
    rows = []
    for name, table in sorted(schema.TABLES.items()):
        if not store.has_table(name):
            continue
        cols = table.column_names
        span = next((c for c in ("date", "year", "order_year") if c in cols), None)
        if span:
            q = f'SELECT count(*), min("{span}"), max("{span}") FROM "{name}"'
            n, lo, hi = store.sql(q).iloc[0]
        else:
            n, lo, hi = store.count(name), None, None
        rows.append({"table": name, "rows": int(n), "from": "" if lo is None or pd.isna(lo) else str(lo)[:10],
                     "to": "" if hi is None or pd.isna(hi) else str(hi)[:10], "what": table.doc})
    return pd.DataFrame(rows, columns=["table", "rows", "from", "to", "what"])


def _shorten_paths(frame: pd.DataFrame, col: str) -> tuple[pd.DataFrame, str]:
    """Paths relative to their common folder (said once above the table), so the table stays readable."""
    import os

    paths = [p for p in frame[col].dropna().astype(str) if p.startswith("/")]
    if len(paths) < 2:
        return frame, ""
    root = os.path.commonpath(paths)
    if root in ("/", ""):
        return frame, ""
    frame = frame.copy()
    frame[col] = frame[col].map(lambda p: os.path.relpath(p, root) if isinstance(p, str) and p.startswith("/") else p)
    return frame, root


def _stamp(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    for col in cols:
        frame[col] = pd.to_datetime(frame[col]).dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame


def provenance_runs(store) -> tuple[pd.DataFrame, str]:
    """Ingest runs (sha256 shortened; the files table has it in full) and the common folder of their paths."""
    if not store.has_table("provenance"):
        return pd.DataFrame(), ""
    frame = store.sql(
        "SELECT ingest_id, source, path, left(sha256, 12) AS sha256_prefix, status, rows_read, rows_loaded, "
        "rows_rejected, finished, message FROM provenance ORDER BY ingest_id")
    return _shorten_paths(_stamp(frame, "finished"), "path")


def provenance_files(store) -> tuple[pd.DataFrame, str]:
    if not store.has_table("provenance_files"):
        return pd.DataFrame(), ""
    frame = store.sql(
        "SELECT p.source, f.ingest_id, f.file, f.sha256, f.size, f.rows_read, f.rows_loaded, f.rows_rejected "
        "FROM provenance_files f JOIN provenance p USING (ingest_id) "
        "WHERE p.status IN ('ok', 'partial') ORDER BY p.source, f.file")     # runs whose rows are in the store
    return _shorten_paths(frame, "file")


def quarantine_counts(store) -> pd.DataFrame:
    if not store.has_table("quarantine"):
        return pd.DataFrame()
    return store.sql(
        "SELECT p.source, q.reason, count(*) AS rows FROM quarantine q JOIN provenance p USING (ingest_id) "
        "GROUP BY p.source, q.reason ORDER BY p.source, rows DESC")


def directions_of(results: list[IndicatorResult]) -> list[tuple[str, str, list[IndicatorResult]]]:
    """Indicators grouped by their first direction, in D1..D5 order, then any others."""
    groups: list[tuple[str, str, list[IndicatorResult]]] = []
    for code, label in list(DIRECTIONS.items()) + [("other", "other indicators")]:
        members = [r for r in results if r.direction == code]
        if members:
            groups.append((code, label, members))
    return groups


# ------------------------------------------------------------------------------ context: all dyads

# Without dyad.panel, the report can still place the dyad among all dyads on this one measure (from the votes).
FALLBACK_PERCENTILE_INDICATORS = ("un_agreement",)


def has_all_dyads(ind: Indicator) -> bool:
    """Whether an indicator can be computed for every pair of countries (so a percentile means something)."""
    if relevance(ind) < 0.5:        # one country's own figure (GDP, a regime score): no rank among pairs
        return False
    if _panel_percentiles() is not None:
        return bool(getattr(ind, "all_dyads", False))
    return ind.id in FALLBACK_PERCENTILE_INDICATORS


def _panel_percentiles():
    try:
        from dyad.panel import percentiles
    except ImportError:
        return None
    return percentiles


def percentiles_of(store, indicator_id: str, a: str, b: str, by: str = "year") -> pd.DataFrame | None:
    """The dyad's percentile among all dyads per period: ``period, value, percentile, n_dyads``; None when the
    indicator has no all-dyad data in this build.

    Uses ``dyad.panel.percentiles`` when it is installed; otherwise, for UN vote agreement only, one SQL query
    over the votes: the share of identical votes (yes, abstain, no; absences left out) of every pair in each
    year, and the dyad's ``percent_rank`` among them (0 = lowest, 100 = highest)."""
    panel = _panel_percentiles()
    if panel is not None:
        return panel(store, indicator_id, a, b, by)
    if indicator_id not in FALLBACK_PERCENTILE_INDICATORS or by not in ("year", "session"):
        return None
    if not (store.has_table("votes") and store.has_table("rollcalls")):
        return None
    x, y = sorted((a, b))
    return store.sql(f"""
        WITH v AS (SELECT v.rcid, r.{by} AS period, v.country, v.vote FROM votes v JOIN rollcalls r USING (rcid)
                   WHERE v.vote IN ('yes', 'abstain', 'no')),
             p AS (SELECT s.period, s.country AS a, t.country AS b, avg((s.vote = t.vote)::DOUBLE) AS value
                   FROM v s JOIN v t ON s.rcid = t.rcid AND s.country < t.country GROUP BY ALL),
             r AS (SELECT *, 100 * percent_rank() OVER (PARTITION BY period ORDER BY value) AS percentile,
                          count(*) OVER (PARTITION BY period) AS n_dyads FROM p)
        SELECT CAST(period AS VARCHAR) AS period, value, percentile, n_dyads FROM r
        WHERE a = ? AND b = ? ORDER BY period""", [x, y])


def compare_pairs(text: str | None, a: str, b: str, limit: int = 3) -> list[tuple[str, str]]:
    """``"USA-CHN,IND-RUS"`` -> [("USA", "CHN"), ("IND", "RUS")]: up to ``limit`` comparison dyads (names or
    codes), the report's own dyad left out; a clear error for a malformed entry."""
    from dyad.countries import resolve

    out: list[tuple[str, str]] = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        sides = [s.strip() for s in part.replace("–", "-").split("-")]
        if len(sides) != 2 or not all(sides):
            raise ValueError(f"--compare: {part!r} is not a dyad; write two countries joined by '-', e.g. USA-CHN")
        pair = (resolve(sides[0]), resolve(sides[1]))
        if pair[0] == pair[1]:
            raise ValueError(f"--compare: {part!r} names the same country twice")
        if {*pair} != {a, b} and pair not in out:
            out.append(pair)
    if len(out) > limit:
        raise ValueError(f"--compare takes at most {limit} dyads; got {len(out)}")
    return out


def compare_series(store, ind: Indicator, pairs: list[tuple[str, str]], by: str) -> list[tuple[str, str, pd.DataFrame]]:
    """Each comparison dyad's series for one indicator (first order only), through :func:`fetch`; a dyad
    that fails or has no rows is left out of the chart (and named in the report's note)."""
    out = []
    for x, y in pairs:
        try:
            frame = fetch(store, ind, x, y, by=by)
        except Exception:  # noqa: BLE001 - a comparison that cannot be computed is simply not drawn
            continue
        if frame is not None and len(frame):
            out.append((x, y, frame.assign(period=frame["period"].astype(str))))
    return out


SOURCE_NAMES = {"votes, rollcalls": "UN votes", "votes": "UN votes", "trade": "trade", "events": "events",
                "speeches": "UN speeches", "arms": "arms transfers", "arms, arms_deliveries": "arms transfers",
                "covariates": "covariates", "wdi": "World Bank",
                "resolutions, resolution_sponsors": "UN co-sponsorship", "sipri-register": "arms transfers"}


def data_coverage(results: list[IndicatorResult]) -> pd.DataFrame:
    """Per source table: the indicators with data, first and last year, and the share of years in that span
    with a value (or the mean of the ``coverage`` column where the indicators give one)."""
    rows = []
    for source in sorted({r.indicator.source for r in results}):
        members = [r for r in results if r.indicator.source == source]
        ok = [r for r in members if r.ok]
        years = sorted({int(str(p)[:4]) for r in ok for p in r.frame["period"] if str(p)[:4].isdigit()})
        cov = [float(c) for r in ok if "coverage" in r.frame.columns for c in r.frame["coverage"] if pd.notna(c)]
        share = (float(np.mean(cov)) if cov else
                 (len(years) / (years[-1] - years[0] + 1) if years else 0.0))
        rows.append({"source": SOURCE_NAMES.get(source, source), "indicators": f"{len(ok)} of {len(members)}",
                     "from": years[0] if years else "", "to": years[-1] if years else "",
                     "share": share, "with_data": len(ok),
                     # loaded, but every series too thin to draw (drawable): not the same as "not loaded"
                     "thin": sum(1 for r in members if not r.ok and NOT_DRAWN in r.note)})
    return pd.DataFrame(rows, columns=["source", "indicators", "from", "to", "share", "with_data", "thin"])


def provenance_summary(files: pd.DataFrame) -> pd.DataFrame:
    """One row per source: files read, their total size and rows loaded."""
    if files is None or len(files) == 0:
        return pd.DataFrame(columns=["source", "files", "size_mb", "rows_loaded"])
    out = files.groupby("source").agg(files=("file", "nunique"), size=("size", "sum"),
                                      rows_loaded=("rows_loaded", "sum")).reset_index()
    out["size_mb"] = (out.pop("size").astype(float) / 1e6).round(1)
    return out[["source", "files", "size_mb", "rows_loaded"]]


# --------------------------------------------------------------------------------- headline charts

def newest_year(results: list[IndicatorResult]) -> int:
    return max((int(str(p)[:4]) for r in results if r.ok for p in r.frame["period"] if str(p)[:4].isdigit()),
               default=0)


PERIODS_PER_YEAR = {"month": 12, "quarter": 4}


def recent_coverage(res: IndicatorResult, newest: int, span: int = 10) -> float:
    """Share of the periods of the last ``span`` years (to ``newest``) that have a value."""
    per_year = PERIODS_PER_YEAR.get(res.by, 1)
    periods = {str(p) for p in res.frame["period"] if str(p)[:4].isdigit() and int(str(p)[:4]) > newest - span}
    return min(1.0, len(periods) / (span * per_year))


def _breakdown(ind: Indicator) -> bool:
    """Detail series (a product group's share, a per-event ratio) that a headline leaves to the appendix."""
    return (ind.label.startswith("Share of") or ind.id.endswith("_share") or "group" in ind.id
            or ind.id.startswith(("trade_value_", "trade_share_")))       # one product group's value or share


def relevance(ind: Indicator) -> float:
    """1 for a measure of the relation itself; 0.5 for a breakdown, a published covariate (alliance,
    distance, regime score: context) or a check of the data (the mirror discrepancy of trade reports); 0.4
    for one country's own figure drawn per side (GDP, a speech's emphasis), which says less about the pair."""
    from dyad.report.display import mentions_partner

    if ind.directed and not mentions_partner(ind.label):
        return 0.4
    if ind.method == "covariates":     # published dyad-year context (alliances, distance, regimes): not a finding
        return 0.5
    if "mirror" in ind.id:             # a check of the data (importer against exporter reports), not of the relation
        return 0.5
    return 0.5 if _breakdown(ind) else 1.0


def headlines(members: list[IndicatorResult], newest: int, most: int = 4, least: int = 2) -> list[IndicatorResult]:
    """The direction's headline charts, chosen by coverage and relevance.

    Score = share of the periods of the last 10 years with a value (:func:`recent_coverage`) x
    :func:`relevance`.
    Taken best first (ties: a measure of the pair as a whole before a directed one), one per indicator family (the id's first word) while that gives enough, up to ``most``;
    a chart is a headline only if its score is at least 0.25 and it measures the relation (relevance at least
    0.5: not one country's own figure such as GDP), except that ``least`` charts are always shown when the
    direction has that many with data (measures of the relation first)."""
    ok = [r for r in members if r.ok and (r.frame["value"].astype(float) != 0).any()]

    def score(r: IndicatorResult) -> float:
        return recent_coverage(r, newest) * relevance(r.indicator)

    def strong(r: IndicatorResult) -> bool:      # a measure of the relation (not one side's figure), recent enough
        return score(r) >= 0.25 and relevance(r.indicator) >= 0.5

    chosen: list[IndicatorResult] = []
    families: set[str] = set()
    def key(r: IndicatorResult):                  # strong ones, then other measures of the relation, then own figures
        return (not strong(r), relevance(r.indicator) < 0.5, -score(r), r.indicator.directed, r.indicator.id)

    for r in sorted(ok, key=key):
        family = r.indicator.id.split("_")[0]
        if len(chosen) >= most:
            break
        if (family in families or not strong(r)) and len(chosen) >= least:
            continue
        chosen.append(r)
        families.add(family)
    return chosen
