"""UN General Assembly roll-call votes (Voeten's data).

Formats read:

* the ``unvotes`` R package tables (``un_votes``, ``un_roll_calls``, ``un_roll_call_issues``) as ``.rda``
  or as CSV exports (``.csv`` or ``.csv.gz``); a folder holding them is read as one release;
* Voeten's older release ``UNVotesPublished.RData`` (object ``x``): COW country codes, vote codes
  1 yes, 2 abstain, 3 no, 8 absent, 9 not a member, issue dummies ``me nu di hr co ec``;
* the UN's own records of adopted resolutions, UNxml ``data_extract/*.json`` (Nov 2019 onwards), in the
  folder or a subfolder of it: see :mod:`dyad.sources.unxml`. Where they hold a resolution that Voeten's
  release also holds, Voeten's roll call is kept and the UN's is not stored (one source per roll call;
  the resolution's metadata and sponsors are kept either way).

Votes are stored as ``yes``, ``abstain``, ``no``, ``absent`` or ``nonmember``; the measures decide what
to do with the last two. Countries are resolved to ISO3 with the UN seat history of China.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects, unxml
from dyad.sources._tabular import read_r

VOTE_LABELS = ("yes", "abstain", "no")
OLD_VOTE_CODES = {1: "yes", 2: "abstain", 3: "no", 8: "absent", 9: "nonmember"}
ISSUES = ("me", "nu", "di", "hr", "co", "ec")
# The releases code issues differently (the 2016 release tags more roll calls); both are kept, by name.
CODING_UNVOTES = "unvotes"
CODING_2016 = "voeten2016"
ISSUE_CODINGS = (CODING_UNVOTES, CODING_2016)
ISSUE_NAMES = {"me": "Palestinian conflict", "nu": "Nuclear weapons and nuclear material",
               "di": "Arms control and disarmament", "hr": "Human rights", "co": "Colonialism",
               "ec": "Economic development"}

_KINDS = {
    "votes": {"rcid", "country", "vote"},
    "rollcalls": {"rcid", "session", "date"},
    "issues": {"rcid", "short_name"},
    "published": {"rcid", "vote", "ccode", "date"},
}


def _load_frames(path: Path) -> list[tuple[Path, str, pd.DataFrame]]:
    """Every table in a file, with its kind (votes, rollcalls, issues or published)."""
    name = path.name.lower()
    if name.endswith((".rda", ".rdata")):
        frames = read_r(path)
    elif name.endswith((".csv", ".csv.gz")):
        try:
            frames = {path.stem: pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["", "NA"])}
        except pd.errors.EmptyDataError as exc:
            raise SourceError(f"{path}: the file is empty (no header line). Download or export it again.") from exc
        except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError, zlib.error) as exc:
            raise SourceError(f"{path}: cannot parse as CSV ({exc}). Is it a complete CSV export "
                              "of the unvotes tables?") from exc
    else:
        raise SourceError(f"{path}: not a UN votes file (expected .rda, .RData, .csv or .csv.gz)")
    out = []
    for frame in frames.values():
        cols = set(frame.columns)
        kind = next((k for k in ("published", "votes", "rollcalls", "issues") if _KINDS[k] <= cols), None)
        if kind is None:
            needed = " or ".join("(" + ", ".join(sorted(v)) + ")" for v in _KINDS.values())
            raise SourceError(
                f"{path}: columns {sorted(cols)} match no UN votes table; expected the columns {needed}. "
                "Is a column missing or renamed?")
        out.append((path, kind, frame))
    return out


def _raw_lines(frame: pd.DataFrame, mask: np.ndarray) -> pd.Series:
    sub = frame.loc[mask]
    if not len(sub):
        return pd.Series([], dtype=str)
    return sub.apply(lambda r: ",".join("" if pd.isna(v) else str(v) for v in r), axis=1)


def _reject(frame: pd.DataFrame, mask: np.ndarray, reasons: pd.Series, file: Path, offset: int = 2) -> pd.DataFrame:
    idx = np.flatnonzero(mask)
    return pd.DataFrame({"file": str(file), "row": idx + offset, "reason": reasons[mask].to_numpy(),
                         "raw": _raw_lines(frame, mask).to_numpy()})


def _as_int(series: pd.Series, limit: int = 2**31 - 1) -> pd.Series:
    """Numbers that are whole and within +-limit; anything else (text, 3.5, 1e309, 10^23) becomes NaN,
    so the row is rejected instead of crashing the cast or wrapping around to a wrong integer."""
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    ok = np.isfinite(values) & (values % 1 == 0) & (values.abs() <= limit)
    return values.where(ok)


def _parse_dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series.astype("string"), errors="coerce", format="mixed")


def _country_codes(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """ISO3 per row of an unvotes votes table (ISO2 code first, then the name), and reasons for failures."""
    code = (frame["country_code"] if "country_code" in frame else pd.Series("", index=frame.index))
    code = code.astype("string").fillna("").str.strip()
    label = frame["country"].astype("string").fillna("").str.strip()
    key = code + "|" + label
    mapping = {}
    for k in key.unique():
        c, n = k.split("|", 1)
        mapping[k] = (countries.try_resolve(c, "iso2") if c else None) or (countries.try_resolve(n) if n else None)
    iso = key.map(mapping).astype("object")
    reason = ("unknown country " + label.replace("", "?") + " (" + code.replace("", "no code")
              + "): add it to dyad's country aliases or fix the row")
    return iso.where(iso.notna(), None), reason


def _votes(frame: pd.DataFrame, file: Path):
    rcid = _as_int(frame["rcid"], limit=2**53)
    vote = frame["vote"].astype("string").str.strip().str.lower()
    iso, country_reason = _country_codes(frame)
    reason = pd.Series(pd.NA, index=frame.index, dtype="object")
    reason[~vote.isin(VOTE_LABELS).fillna(False)] = "vote " + vote.fillna("missing").astype(str) + \
        " is not in the codebook (yes, abstain, no)"
    reason[iso.isna()] = country_reason[iso.isna()]
    reason[rcid.isna() | (rcid % 1 != 0)] = "rcid is not a whole number"
    dup = pd.DataFrame({"r": rcid, "c": iso}).duplicated(keep="first") & reason.isna() & iso.notna()
    reason[dup] = "duplicate: another row already gives this country's vote on this roll call"
    bad = reason.notna().to_numpy()
    rows = pd.DataFrame({"rcid": rcid[~bad].astype("int64"), "country": iso[~bad], "vote": vote[~bad].astype(str)})
    return {"votes": rows}, _reject(frame, bad, reason, file), len(frame)


def _rollcalls(frame: pd.DataFrame, file: Path):
    rcid = _as_int(frame["rcid"], limit=2**53)
    session = _as_int(frame["session"])
    date = _parse_dates(frame["date"])
    reason = pd.Series(pd.NA, index=frame.index, dtype="object")
    reason[date.isna()] = "date is not a date (YYYY-MM-DD)"
    reason[session.isna()] = "session is not a number"
    reason[rcid.isna()] = "rcid is not a whole number"
    bad = reason.notna().to_numpy()
    ok = ~bad

    def flag(col: str) -> pd.Series:
        if col not in frame:
            return pd.Series(pd.NA, index=frame.index[ok], dtype="boolean")
        val = frame.loc[ok, col].astype("string").str.strip().str.lower()
        return val.map({"1": True, "0": False, "true": True, "false": False, "1.0": True, "0.0": False}).astype("boolean")

    rows = pd.DataFrame({
        "rcid": rcid[ok].astype("int64"), "session": session[ok].astype("int64"), "date": date[ok].dt.date,
        "year": date[ok].dt.year,
        "resolution": frame.loc[ok, "unres"].astype("string") if "unres" in frame else None,
        "short": frame.loc[ok, "short"].astype("string") if "short" in frame else None,
        "descr": frame.loc[ok, "descr"].astype("string") if "descr" in frame else None,
        "important": flag("importantvote"), "amend": flag("amend"), "para": flag("para")})
    return {"rollcalls": rows}, _reject(frame, bad, reason, file), len(frame)


def _issues(frame: pd.DataFrame, file: Path):
    rcid = _as_int(frame["rcid"], limit=2**53)
    issue = frame["short_name"].astype("string").str.strip().str.lower()
    reason = pd.Series(pd.NA, index=frame.index, dtype="object")
    reason[~issue.isin(ISSUES).fillna(False)] = "issue code is not one of " + ", ".join(ISSUES)
    reason[rcid.isna()] = "rcid is not a whole number"
    bad = reason.notna().to_numpy()
    rows = pd.DataFrame({"rcid": rcid[~bad].astype("int64"), "issue": issue[~bad].astype(str),
                         "coding": CODING_UNVOTES})
    return {"rollcall_issues": rows}, _reject(frame, bad, reason, file), len(frame)


def _published(frame: pd.DataFrame, file: Path):
    """Voeten's 2016 release: one row per country and roll call, roll-call fields repeated."""
    rcid = _as_int(frame["rcid"], limit=2**53)
    code = _as_int(frame["vote"])
    ccode = _as_int(frame["ccode"])
    date = _parse_dates(frame["date"])
    cow = countries.code_map("cow")
    iso = ccode.map(lambda c: cow.get(int(c)) if pd.notna(c) else None)
    # No seat remapping here: this release already codes the Republic of China's seat as 713 (Taiwan)
    # before 25 Oct 1971 and lists 710 (PRC) as "not a member" until then (checked against un_votes).
    reason = pd.Series(pd.NA, index=frame.index, dtype="object")
    reason[~code.isin(list(OLD_VOTE_CODES))] = "vote code " + frame["vote"].astype(str) + \
        " is not in the codebook (1 yes, 2 abstain, 3 no, 8 absent, 9 not a member)"
    # The date is needed only to attribute the China seat; other rows stand without it.
    reason[iso.isna()] = "COW code " + frame["ccode"].astype(str) + " is unknown: add it to reference/cow_states.csv"
    reason[rcid.isna()] = "rcid is not a whole number"
    dup = pd.DataFrame({"r": rcid, "c": iso}).duplicated(keep="first") & reason.isna()
    reason[dup] = "duplicate: another row already gives this country's vote on this roll call"
    bad = reason.notna().to_numpy()
    ok = ~bad
    votes = pd.DataFrame({"rcid": rcid[ok].astype("int64"), "country": iso[ok],
                          "vote": code[ok].astype(int).map(OLD_VOTE_CODES)})
    calls = frame.loc[ok & date.notna().to_numpy()].assign(rcid=rcid, date=date).drop_duplicates("rcid")
    calls["rcid"] = calls["rcid"].astype("int64")
    session = _as_int(calls["session"]).astype("Int64")
    rollcalls = pd.DataFrame({
        "rcid": calls["rcid"], "session": session, "date": calls["date"].dt.date,
        "year": calls["date"].dt.year, "resolution": calls["unres"].astype("string"),
        "short": pd.Series(pd.NA, index=calls.index, dtype="string"),
        "descr": pd.Series(pd.NA, index=calls.index, dtype="string"),
        "important": (calls["importantvote"].astype("string").map({"1": True, "0": False}).astype("boolean")
                      if "importantvote" in calls else pd.Series(pd.NA, index=calls.index, dtype="boolean")),
        "amend": pd.Series(pd.NA, index=calls.index, dtype="boolean"),
        "para": pd.Series(pd.NA, index=calls.index, dtype="boolean")})
    issue_rows = []
    for issue in ISSUES:
        if issue in calls:
            flagged = calls[calls[issue].astype("string").str.strip().isin(["1", "1.0"])]
            issue_rows.append(pd.DataFrame({"rcid": flagged["rcid"], "issue": issue, "coding": CODING_2016}))
    issues = pd.concat(issue_rows) if issue_rows else pd.DataFrame({"rcid": [], "issue": [], "coding": []})
    tables = {"rollcalls": rollcalls, "rollcall_issues": issues, "votes": votes}
    return tables, _reject(frame, bad, reason, file), len(frame)


_HANDLERS = {"votes": _votes, "rollcalls": _rollcalls, "issues": _issues, "published": _published}


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    found = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(
        (".rda", ".rdata", ".csv", ".csv.gz")) and not p.name.lower().endswith("_wide.csv"))
    # A release folder may hold the same table as .rda and as a CSV export: read the .rda only.
    stems = {p.name.split(".")[0] for p in found if p.suffix.lower() in (".rda", ".rdata")}
    found = [p for p in found if p.suffix.lower() in (".rda", ".rdata") or p.name.split(".")[0] not in stems]
    # Where releases overlap the first one read wins the merge: read the older 2016 release last.
    found.sort(key=lambda p: ("published" in p.name.lower(), p.name.lower()))
    found += _json_files(path)
    if not found:
        raise SourceError(f"{path}: no UN votes files (.rda, .RData, .csv, .csv.gz, UNxml .json) in this folder")
    return found


def _json_files(path: Path) -> list[Path]:
    """UNxml JSON-lines files in the folder or one level below it (the data comes as ``unxml/``)."""
    if path.is_file():
        return [path] if path.name.lower().endswith(".json") else []
    return sorted(p for p in [*path.glob("*.json"), *path.glob("*/*.json")] if p.is_file())


def read(path: Path, **_: object) -> ReadResult:
    tables: dict[str, list[pd.DataFrame]] = {}
    rejects = [empty_rejects()]
    counts = []
    json_files = [f for f in _files(path) if f.name.lower().endswith(".json")]
    for file in _files(path):
        if file in json_files:
            continue
        file_read = file_loaded = file_rejected = 0
        for _src, kind, frame in _load_frames(file):
            out, rej, n = _HANDLERS[kind](frame.reset_index(drop=True), file)
            main = {"votes": "votes", "rollcalls": "rollcalls", "issues": "rollcall_issues",
                    "published": "votes"}[kind]
            for name, rows in out.items():
                tables.setdefault(name, []).append(rows)
            file_read += n
            file_loaded += len(out[main])
            file_rejected += len(rej)
            rejects.append(rej)
        counts.append(FileCount(str(file), file_read, file_loaded, file_rejected))
    merged = {k: pd.concat(v, ignore_index=True) for k, v in tables.items()}
    notes: list[str] = []
    if json_files:
        parsed = unxml.read_files(json_files)
        rejects.append(parsed.rejects)
        counts.extend(FileCount(f, *parsed.counts[f]) for f in map(str, json_files))
        notes.extend(parsed.notes)
        _add_unxml(merged, parsed, notes)
    _one_source(merged, notes)
    return ReadResult(merged, pd.concat(rejects, ignore_index=True), counts, notes)


def _add_unxml(merged: dict[str, pd.DataFrame], parsed: unxml.Parsed, notes: list[str]) -> None:
    """Add the UN extract's tables; a roll call Voeten's release (read in the same run, or already in the
    store) holds for the same resolution is not added again."""
    voeten = merged.get("rollcalls")
    covered: dict[str, int] = {}
    if voeten is not None and len(voeten):
        whole = voeten[~voeten["amend"].fillna(False).astype(bool) & ~voeten["para"].fillna(False).astype(bool)]
        for frame in (whole, voeten):     # the vote on the whole resolution, else any roll call on it
            for res, rcid in zip(frame["resolution"], frame["rcid"], strict=True):
                if isinstance(res, str) and res.strip():
                    covered.setdefault(unxml.normal_symbol(res), int(rcid))
    ours = parsed.rollcalls
    dup = ours["resolution"].isin(list(covered))
    dropped = set(ours.loc[dup, "rcid"])
    resolutions = parsed.resolutions.copy()
    if len(resolutions):
        in_voeten = resolutions["symbol"].map(covered)
        resolutions["rcid"] = in_voeten.where(in_voeten.notna(), resolutions["rcid"]).astype("Int64")
    rollcalls = ours[~dup]
    votes = parsed.votes[~parsed.votes["rcid"].isin(dropped)]
    issues = parsed.issues[~parsed.issues["rcid"].isin(dropped)]
    unmapped = int(rollcalls["rcid"].isin(issues["rcid"]).__invert__().sum()) if len(rollcalls) else 0
    notes.append(f"UN records: {len(ours)} recorded votes, {int(dup.sum())} already in Voeten's release "
                 f"(kept from Voeten), {len(rollcalls)} roll calls added; {unmapped} of them not mapped to an "
                 "issue area (me nu di hr co ec)")
    for name, rows in (("rollcalls", rollcalls), ("votes", votes), ("rollcall_issues", issues)):
        merged[name] = pd.concat([merged[name], rows], ignore_index=True) if name in merged else rows
    merged["resolutions"] = resolutions
    merged["resolution_sponsors"] = parsed.sponsors


def _one_source(merged: dict[str, pd.DataFrame], notes: list[str]) -> None:
    """Keep one source per roll call across ingests too: the roll-call tables are staged by functions that,
    inside the ingest transaction, drop the UN records' copy of a resolution Voeten's release holds,
    whichever of the two was ingested first, and point ``resolutions.rcid`` at Voeten's roll call."""
    calls = merged.get("rollcalls")
    superseded: set[int] = set()
    if calls is not None:
        voeten = calls.loc[calls["rcid"] < unxml.RCID_BASE, "resolution"].dropna()
        # UN-record roll-call ids of the resolutions Voeten's rows in this run hold (ids derive from symbols)
        superseded = {r for r in map(unxml.rcid_for, voeten.astype(str)) if r is not None}
    for name in ("rollcalls", "votes", "rollcall_issues", "resolutions"):
        if name in merged and isinstance(merged[name], pd.DataFrame):
            merged[name] = _staged(merged[name], name, superseded, notes)


_WHOLE = ("SELECT upper(trim(resolution)) AS symbol, coalesce(min(rcid) FILTER (WHERE NOT coalesce(amend, false) "
          "AND NOT coalesce(para, false)), min(rcid)) AS rcid FROM {table} WHERE rcid < {base} "
          "AND resolution IS NOT NULL GROUP BY 1")


def _stored(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                            [name]).fetchall()[0][0])


def _delete_rcids(con, table: str, rcids) -> int:
    """Delete the rows of ``table`` whose rcid is one of ``rcids``; the number deleted."""
    con.register("_unvotes_rcids", pd.DataFrame({"rcid": sorted(rcids)}, dtype="int64"))
    try:
        return con.execute(f'DELETE FROM "{table}" WHERE rcid IN (SELECT rcid FROM _unvotes_rcids)').fetchall()[0][0]
    finally:
        con.unregister("_unvotes_rcids")


def _staged(frame: pd.DataFrame, name: str, superseded: set[int], notes: list[str]):
    def stage(con, staging: str) -> None:
        from dyad import schema
        from dyad.store import _select_list

        table = schema.TABLES[name]
        con.register("_unvotes_incoming", frame)
        try:
            con.execute(f'CREATE TEMP TABLE "{staging}" AS SELECT {_select_list(table, frame)} '
                        "FROM _unvotes_incoming").fetchall()
        finally:
            con.unregister("_unvotes_incoming")
        if name == "resolutions":
            if _stored(con, "rollcalls"):
                con.execute(f'UPDATE "{staging}" SET rcid = v.rcid FROM ({_WHOLE.format(table="rollcalls", base=unxml.RCID_BASE)}) v '
                            f'WHERE "{staging}".symbol = v.symbol').fetchall()
            return
        if superseded:
            # Voeten rows arrive: the UN records' copies already stored go.
            gone = _delete_rcids(con, name, superseded)
            if name == "rollcalls" and gone:
                notes.append(f"UN records: {gone} stored roll calls removed, now held by Voeten's release")
            if name == "rollcalls" and _stored(con, "resolutions"):
                con.execute(f"UPDATE resolutions SET rcid = v.rcid FROM ({_WHOLE.format(table=staging, base=unxml.RCID_BASE)}) v "
                            "WHERE resolutions.symbol = v.symbol").fetchall()
        if _stored(con, "rollcalls"):
            # UN-record rows arrive: drop those whose resolution a stored Voeten roll call holds.
            held = con.execute("SELECT DISTINCT resolution FROM rollcalls WHERE rcid < ? AND resolution IS NOT NULL",
                               [unxml.RCID_BASE]).fetchall()
            ids = {r for r in (unxml.rcid_for(str(h[0])) for h in held) if r is not None}
            if ids:
                dropped = _delete_rcids(con, staging, ids)
                if name == "rollcalls" and dropped:
                    notes.append(f"UN records: {dropped} roll calls not added, stored Voeten roll calls hold "
                                 "their resolutions")

    return stage


# Voeten, Strezhnev and Bailey, "United Nations General Assembly Voting Data", Harvard Dataverse.
DATAVERSE_DOI = "doi:10.7910/DVN/LEJUQZ"
_WANTED = (".rdata", ".rda", ".csv")


def download(start: str | None = None, end: str | None = None, cache: Path | None = None,
             server: str | None = None) -> list[Path]:
    """Fetch the current Voeten release from Harvard Dataverse into the cache; returns the release folder.

    Only the vote files ("UNVotes*", the R file if there is one, else the CSV) are fetched; each is checked against the md5
    Dataverse publishes. ``start``/``end`` do not apply (the release is one set of files).
    """
    from dyad import download as dl

    folder = Path(cache) if cache else dl.cache_dir("unvotes")
    listed = dl.dataverse_files(DATAVERSE_DOI, server or dl.DATAVERSE)
    # The dataset also holds ideal points and agreement scores; the votes are the "UNVotes" files.
    votes = [r for r in listed if "unvotes" in r.name.lower() and r.name.lower().endswith(_WANTED)]
    rdata = [r for r in votes if r.name.lower().endswith((".rdata", ".rda"))]
    remotes = rdata or votes
    if not remotes:
        raise SourceError(f"Dataverse dataset {DATAVERSE_DOI} lists no .RData/.csv files; "
                          "download the release by hand and use --from PATH")
    for remote in remotes:
        dl.fetch(remote, folder)
    return [folder]

ADAPTER = SimpleAdapter(
    name="unvotes",
    description="UN General Assembly roll-call votes (Voeten; unvotes package .rda/.csv, UNVotesPublished.RData)",
    tables=("rollcalls", "rollcall_issues", "votes", "resolutions", "resolution_sponsors"),
    reader=read,
    formats=".rda .RData .csv .csv.gz, or a folder of them",
    downloader=download,
)

