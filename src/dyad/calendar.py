"""Political calendars: dated events of each country's domestic cycle, and bilateral milestones.

A calendar is a YAML file with a top-level ``country`` (ISO3, or ``AAA-BBB`` for a pair) and a list of
``entries``; each entry has ``date``, ``kind``, ``label`` and ``source`` (where the fact comes from), and
optionally ``end_date`` and ``status`` (``held`` or ``scheduled``). The project ships calendars in
``dyad/calendars`` for every G20 member state and Pakistan (national elections, leadership renewals and ruling-party
congresses, 1990-2026) and bilateral milestones for CHN-RUS, CHN-USA and IND-PAK; users add their own files in
the same format.

:func:`load_files` reads files strictly (the first bad entry raises :class:`CalendarError` naming the file,
the entry and its line); :func:`validate_file` returns good rows and bad entries separately, which is what
the ``calendar`` source adapter uses to quarantine bad entries. :func:`entries` merges the built-in
calendars, user files and what the store holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from dyad import safety
from dyad.countries import CountryError, resolve

BUILTIN_DIR = Path(__file__).parent / "calendars"
COLUMNS = ["country", "date", "kind", "label", "source", "end_date", "status"]
REQUIRED = ("date", "kind", "label", "source")
OPTIONAL = ("end_date", "status")
STATUSES = ("held", "scheduled")
_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*$")

# Kinds the shipped calendars use; users may add others (lower_snake_case).
KINDS = {
    "presidential_election": "polling day of a presidential election (each round)",
    "duma_election": "State Duma election",
    "legislative_election": "other legislative election",
    "inauguration": "swearing-in of a head of state",
    "leadership_transition": "resignation or change of leader outside the election cycle",
    "federal_assembly_address": "Russian President's annual address to the Federal Assembly",
    "constitutional_change": "constitution adopted or amended",
    "constitutional_crisis": "breakdown between branches of power",
    "referendum": "national referendum",
    "general_election": "national election that decides the head of government (parliamentary systems)",
    "head_of_government": "a prime minister or chancellor takes office (sworn in or elected by parliament)",
    "head_of_state_election": "president elected by parliament or an electoral college (not the head of government)",
    "accession": "a monarch accedes to the throne",
    "party_congress": "national congress or conference of a ruling party that elects its leader (opening day)",
    "party_leadership_election": "1st Plenum of a new CPC Central Committee electing the leadership",
    "npc_leadership_transition": "NPC session electing the President of the PRC",
    "npc_session": "annual NPC session (opening day)",
    "bilateral_milestone": "treaty, partnership upgrade or landmark agreement between the pair",
    "joint_statement": "joint statement or declaration of the pair",
    "border_agreement": "border agreement or protocol",
    "state_visit": "state visit of a head of state",
    "multilateral_milestone": "founding or summit of a body both belong to",
    "crisis": "attack, armed clash, sanctions or tariffs that set the pair's relations back",
}

# Kinds that renew a country's leadership (used by the synchronisation analysis).
RENEWAL_KINDS = ("presidential_election", "party_congress", "npc_leadership_transition", "general_election",
                 "accession")


class CalendarError(ValueError):
    """A calendar file or entry is invalid; the message names the file, the entry, its line and the fix."""


@dataclass(frozen=True)
class BadEntry:
    file: str
    entry: int          # 1-based position in the file's entries list
    line: int           # 1-based line in the file
    reason: str
    raw: str


class _LineLoader(safety.BoundedLoader):
    """A safe loader with bounded aliases and nesting that remembers the line of every mapping (for messages)."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
# Dates stay text until validation, so that 2022-13-24 is a reported bad entry rather than a crash.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _read_yaml(path: Path) -> dict:
    try:
        text = safety.read_text(path)
    except safety.LimitError as exc:
        raise CalendarError(str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarError(f"{path}: cannot read the calendar file ({exc}); it must be UTF-8 text.") from exc
    try:
        doc = safety.load_yaml(text, _LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise CalendarError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)}). "
                            "Check the indentation and quoting of that line.") from exc
    if not isinstance(doc, dict) or "entries" not in doc or "country" not in doc:
        raise CalendarError(f"{path}: a calendar needs top-level keys 'country' (e.g. RUS, or CHN-RUS for a "
                            "pair) and 'entries' (a list of mappings with date, kind, label, source).")
    if not isinstance(doc["entries"], list):
        raise CalendarError(f"{path}, line {doc['__line__']}: 'entries' must be a list of mappings.")
    return doc


def _country(value: object, path: Path) -> str:
    text = str(value).strip()
    try:
        parts = [resolve(p) for p in text.split("-")] if "-" in text and len(text) > 3 else [resolve(text)]
    except CountryError as exc:
        raise CalendarError(f"{path}: country {text!r} is not a country code or name ({exc}).") from exc
    if len(parts) > 2:
        raise CalendarError(f"{path}: country {text!r}: give one country or a pair 'AAA-BBB'.")
    return "-".join(sorted(parts)) if len(parts) == 2 else parts[0]


def _date(value: object, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{field} {value!r} is not a date; write it as YYYY-MM-DD") from None


def _check_entry(item: object) -> dict:
    """Validate one entry; returns the clean row (without country) or raises ValueError with the reason."""
    if not isinstance(item, dict):
        raise ValueError("an entry must be a mapping with date, kind, label and source")
    keys = set(item) - {"__line__"}
    missing = [k for k in REQUIRED if k not in keys or item[k] in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    unknown = sorted(keys - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(REQUIRED + OPTIONAL)}")
    kind = str(item["kind"]).strip()
    if not _KIND_RE.match(kind):
        raise ValueError(f"kind {kind!r} must be lower_snake_case (e.g. presidential_election)")
    date = _date(item["date"], "date")
    end = _date(item["end_date"], "end_date") if item.get("end_date") not in (None, "") else None
    if end is not None and end < date:
        raise ValueError(f"end_date {end} is before date {date}")
    status = str(item.get("status") or "held").strip()
    if status not in STATUSES:
        raise ValueError(f"status {status!r} must be one of {', '.join(STATUSES)}")
    return {"date": date, "kind": kind, "label": str(item["label"]).strip(),
            "source": str(item["source"]).strip(), "end_date": end, "status": status}


def _raw(item: object) -> str:
    clean = {k: v for k, v in item.items() if k != "__line__"} if isinstance(item, dict) else item
    return yaml.safe_dump(clean, default_flow_style=True, sort_keys=False, allow_unicode=True).strip()


def validate_file(path: str | Path) -> tuple[pd.DataFrame, list[BadEntry]]:
    """Rows of one calendar file that pass validation, and the entries that do not (with reasons).

    A file that cannot be read as a calendar at all raises :class:`CalendarError`. Results are cached
    per file path, modification time and size (the analyses read the same calendars many times).
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise CalendarError(f"{path}: cannot read the calendar file ({exc}).") from exc
    frame, bad = _validated(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return frame.copy(), list(bad)


def _validate(path: Path) -> tuple[pd.DataFrame, list[BadEntry]]:
    doc = _read_yaml(path)
    country = _country(doc["country"], path)
    rows, bad, seen = [], [], {}
    for i, item in enumerate(doc["entries"], start=1):
        line = item.get("__line__", doc["__line__"]) if isinstance(item, dict) else doc["__line__"]
        try:
            row = _check_entry(item)
            key = (row["date"], row["kind"])
            if key in seen:
                raise ValueError(f"duplicate of entry {seen[key]} (same date and kind)")
            seen[key] = i
        except ValueError as exc:
            bad.append(BadEntry(str(path), i, line, str(exc), _raw(item)))
            continue
        rows.append({"country": country, **row})
    return _frame(rows), bad


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def load_file(path: str | Path) -> pd.DataFrame:
    """One calendar file, strictly: the first invalid entry raises :class:`CalendarError`."""
    frame, bad = validate_file(path)
    if bad:
        b = bad[0]
        more = f" ({len(bad) - 1} more invalid entries)" if len(bad) > 1 else ""
        raise CalendarError(f"{b.file}, entry {b.entry} (line {b.line}): {b.reason}. Entry: {b.raw}{more}")
    return frame


@functools.lru_cache(maxsize=64)
def _validated(path: str, mtime_ns: int, size: int) -> tuple[pd.DataFrame, tuple[BadEntry, ...]]:
    frame, bad = _validate(Path(path))
    return frame, tuple(bad)


def builtin_files() -> list[Path]:
    """The calendars shipped with dyad."""
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def calendar_files(path: str | Path) -> list[Path]:
    """A calendar file, or the ``.yaml``/``.yml`` files in a folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml"))
        if not files:
            raise CalendarError(f"{path}: no .yaml calendar files in this folder.")
        return files
    if not path.exists():
        raise CalendarError(f"{path}: no such calendar file.")
    return [path]


def load_files(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Several calendar files or folders, strictly, as one frame (later files win on the same key)."""
    frames = [load_file(f) for p in paths for f in calendar_files(p)]
    if not frames:
        return _frame([])
    merged = pd.concat(frames, ignore_index=True)
    return merged.drop_duplicates(["country", "date", "kind"], keep="last").reset_index(drop=True)


def from_store(store) -> pd.DataFrame:
    """The calendar rows a store holds (ingested with ``dyad ingest calendar``)."""
    if not store.has_table("calendar"):
        return _frame([])
    frame = store.sql("SELECT " + ", ".join(f'"{c}"' for c in COLUMNS) + " FROM calendar")
    return _frame(frame.to_dict(orient="records"))


def entries(country: str | None = None, kinds: Iterable[str] | None = None, *, store=None,
            paths: Iterable[str | Path] = (), builtin: bool = True, status: str | None = "held") -> pd.DataFrame:
    """Calendar entries from the built-in calendars, the store (if given) and user files (in that order;
    later sources win on the same country, date and kind), filtered by country, kinds and status.

    ``country`` is an ISO3 code (or a name) or a pair ``AAA-BBB``; pair calendars are stored under the
    alphabetically sorted pair. ``status=None`` keeps scheduled entries too.
    """
    frames = []
    if builtin:
        frames.append(load_files(builtin_files()))
    if store is not None:
        frames.append(from_store(store))
    user = list(paths)
    if user:
        frames.append(load_files(user))
    frames = [f for f in frames if len(f)]
    frame = pd.concat(frames, ignore_index=True) if frames else _frame([])
    frame = frame.drop_duplicates(["country", "date", "kind"], keep="last")
    if country is not None:
        frame = frame[frame["country"] == _country(country, Path("<argument>"))]
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        frame = frame[frame["kind"].isin(kinds)]
    if status is not None:
        frame = frame[frame["status"] == status]
    return frame.sort_values(["date", "country", "kind"]).reset_index(drop=True)


ROUND_DAYS = 45     # polls of one kind this close are rounds of one election (runoffs come 2-4 weeks later)


def usable(frame: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """The entries an event study or a synchronisation test should count, each dropped entry said in ``notes``:

    * **one election, one event**: entries of one country and one ``*_election`` kind within
      :data:`ROUND_DAYS` days are rounds of the same election; it counts once, dated by the last (deciding)
      round (Russia 1996: 16 June and 3 July);
    * **only while the state exists**: an entry dated before the country existed as a state
      (:func:`dyad.countries.existence`) is left out: the RSFSR presidential election of June 1991 is not an
      event of the Russian Federation, whose measures (UN votes, trade) start at the end of 1991.
    """
    from dyad.countries import existence

    if frame.empty:
        return frame
    notes = notes if notes is not None else []
    frame = frame.sort_values(["country", "kind", "date"]).reset_index(drop=True)
    keep = pd.Series(True, index=frame.index)
    for (country, kind), group in frame.groupby(["country", "kind"], sort=False):
        if not str(kind).endswith("_election"):
            continue
        dates = list(group["date"])
        for i in range(len(dates) - 1):
            if (dates[i + 1] - dates[i]).days <= ROUND_DAYS:
                keep[group.index[i]] = False
                notes.append(f"{country} {kind} {dates[i]:%Y-%m-%d} and {dates[i + 1]:%Y-%m-%d}: rounds of one "
                             f"election, counted once on {dates[i + 1]:%Y-%m-%d} (the later round)")
    for i, row in frame.iterrows():
        rec = existence(str(row["country"])) if len(str(row["country"])) == 3 else None
        if rec is not None and rec.start is not None and row["date"].date() < rec.start:
            keep[i] = False
            notes.append(f"{row['country']} {row['kind']} {row['date']:%Y-%m-%d} left out: before the state "
                         f"existed ({rec.start:%d %b %Y}); {row['label']}")
    return frame[keep].sort_values(["date", "country", "kind"]).reset_index(drop=True)


def event_dates(spec: str, *, store=None, paths: Iterable[str | Path] = (),
                notes: list[str] | None = None) -> list[dt.date]:
    """Dates for an event spec ``COUNTRY:kind`` (e.g. ``RUS:presidential_election``; ``kind`` may be a
    comma-separated list), after :func:`usable` (rounds of one election once, nothing before the state
    existed; what it leaves out goes to ``notes``). Raises a clear error when the spec matches nothing."""
    if ":" not in spec:
        raise ValueError(f"event {spec!r}: write it as COUNTRY:kind, e.g. RUS:presidential_election")
    country, kind = spec.split(":", 1)
    kinds = [k.strip() for k in kind.split(",") if k.strip()]
    frame = entries(country.strip(), kinds, store=store, paths=paths)
    if frame.empty:
        known = entries(country.strip(), store=store, paths=paths)["kind"].unique()
        raise ValueError(f"event {spec!r} matches no calendar entry; kinds for {country}: "
                         f"{', '.join(sorted(known)) or 'none'}")
    frame = usable(frame, notes)
    if frame.empty:
        raise ValueError(f"event {spec!r}: every entry is dated before {country} existed as a state")
    return [d.date() for d in frame["date"]]
