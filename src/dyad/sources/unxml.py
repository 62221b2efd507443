"""The UN's own machine-readable records of General Assembly resolutions (UNxml ``data_extract/*.json``).

Read by the ``unvotes`` adapter (:mod:`dyad.sources.unvotes`) into the same canonical tables as Voeten's
release, plus two tables of their own: ``resolutions`` (one row per adopted resolution: title, agenda item,
committee, subjects, sponsors, counts) and ``resolution_sponsors`` (one row per resolution and sponsoring
state). Format: JSON lines, one object per adopted resolution or separately adopted part.

What the files need, and what is done about it (docs/methods/alignment.md, "UN votes after 2019"):

* Member states are upper-case names with several spellings (``TÜRKİYE``, ``TÜRKÝYE``, ``TURKEY``;
  ``NETHERLANDS (KINGDOM OF THE)``): names are resolved by :mod:`dyad.countries` after the UN variants
  below. A name that resolves to nothing is a rejected row (reason given), never a guess.
* Dates come as ``2019-10-10 00:00:00``, ``21 September 2020`` or ``21\\u00a0September 2020``.
* One roll call per resolution symbol: objects repeated within or across files are merged (sponsor
  lists united, the copy with the most metadata kept for the rest). The roll-call id is derived from
  the symbol (:func:`rcid_for`), so a second ingest of the same files adds nothing.
* A member state (:mod:`dyad.unmembership`, on the day of the vote) missing from all three lists did
  not vote: it is stored as ``absent``. A state that was not a member gets no row.
* A recorded vote with counts but no names cannot be stored as a roll call: it is a rejected row,
  while the resolution and its sponsors are kept.
* Lists that disagree with their counts are kept as the names say; the counts stay in ``resolutions``.

Row accounting: every JSON object is a row; each name that cannot be mapped and each recorded vote
that cannot be stored is one more row, read and rejected. So rows read = loaded + rejected.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dyad import countries, schema, unmembership

CODING = "unxml"            # rollcall_issues.coding of issues mapped from UNBIS subjects
RCID_BASE = 10_000_000_000  # roll calls from these files: rcid >= this; Voeten's are far below

LISTS = {"MS_in_favour": "yes", "MS_against": "no", "MS_abstaining": "abstain"}
COUNTS = {"yes": "MS_in_favour_count", "no": "MS_against_count", "abstain": "MS_abstaining_count"}

# UN spellings that dyad.countries does not know by itself (keys normalised: see _key).
UN_NAMES = {
    "turkiye": "TUR", "turkyye": "TUR", "netherlands (kingdom of the)": "NLD",
    "micronesia (federated states of)": "FSM", "micronesia (federates states of)": "FSM",
    "state of palestine": "PSE", "holy see": "VAT", "venezuela (bolivarian republic)": "VEN",
    "guinea bissau": "GNB", "timor leste": "TLS", "bahamas (the)": "BHS",
}
# Sponsor entries that are not states (an officer, a committee, a facilitator, the Bureau): kept in
# resolutions.sponsors, not in resolution_sponsors.
NOT_A_STATE = re.compile(r"^(SUBMITTED BY|ON THE BASIS OF|INTRODUCED|RECOMMENDED BY|PROPOSED BY|THE PRESIDENT|"
                         r"THE CHAIR|THE VICE|THE RAPPORTEUR|THE SECRETARY|THE REPRESENTATIVE OF)|"
                         r"ON BEHALF OF THE BUREAU|INFORMAL CONSULTATIONS|IN ITS CAPACITY AS", re.IGNORECASE)
ON_BEHALF = re.compile(r"^(?P<name>.*?)\s*(?:\((?:ON|OF) BEHALF OF (?P<group>.*)\)|,?\s+ON BEHALF OF (?P<group2>.*))\s*$",
                       re.IGNORECASE)
SYMBOL = re.compile(r"^A/RES/(?:(?P<kind>ES|S)-)?(?P<session>\d+)/(?P<number>\d+)(?:\s+(?P<part>[A-Z](?:-[A-Z])?))?$")
MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), start=1)}

# The six issue areas of Voeten's data, from UNBIS subject terms and title words. Order does not matter:
# a roll call may have several areas (as in Voeten's coding).
ISSUE_RULES = {
    "me": (("PALESTIN", "TERRITORIES OCCUPIED BY ISRAEL", "ISRAEL", "GOLAN HEIGHTS", "SETTLEMENT POLICY",
            "JERUSALEM", "MIDDLE EAST", "UNRWA"),
           ("palestin", "occupied syrian golan", "israeli", "jerusalem", "middle east")),
    "nu": (("NUCLEAR",), ("nuclear",)),
    "di": (("DISARMAMENT", "ARMS", "WEAPON", "MISSILE", "LANDMINE", "MINES (ORDNANCE)", "AMMUNITION",
            "ARMAMENTS", "OUTER SPACE ARMS RACE", "PROHIBITION OF ARMS"),
           ("disarmament", "weapon", "arms ", "arms trade", "missile", "anti-personnel mines", "ammunition",
            "munitions", "militarization", "military domain", "space threats", "arms race")),
    "hr": (("HUMAN RIGHTS", "RIGHTS OF THE CHILD", "WOMEN'S RIGHTS", "TORTURE", "RACIAL DISCRIMINATION",
            "RACISM", "DEATH PENALTY", "ENFORCED DISAPPEARANCE", "INDIGENOUS PEOPLES", "FREEDOM OF",
            "RIGHT TO", "EXTRAJUDICIAL EXECUTIONS", "RELIGIOUS INTOLERANCE"),
           ("human rights", "racism", "racial discrimination", "torture", "death penalty", "moratorium on the use",
            "right to ", "rights of ", "freedom of", "xenophobia", "women and girls", "conference on women",
            "trafficking in persons")),
    "co": (("DECOLONIZATION", "NON-SELF-GOVERNING TERRITORIES", "SELF-DETERMINATION OF PEOPLES",
            "SPECIAL COMMITTEE OF 24", "GRANTING OF INDEPENDENCE TO COLONIAL", "COLONIALISM", "TRUST TERRITORIES"),
           ("colonial", "non-self-governing", "self-determination", "decoloni", "question of guam",
            "virgin islands", "new caledonia", "french polynesia", "tokelau", "western sahara", "gibraltar")),
    "ec": (("ECONOMIC DEVELOPMENT", "SUSTAINABLE DEVELOPMENT", "DEVELOPMENT FINANCE", "INTERNATIONAL TRADE",
            "ECONOMIC COOPERATION", "DEVELOPING COUNTRIES", "POVERTY", "DEVELOPMENT ASSISTANCE",
            "EXTERNAL DEBT", "ECONOMIC SANCTIONS", "ECONOMIC EMBARGO", "UNILATERAL ECONOMIC MEASURES",
            "COERCIVE ECONOMIC MEASURES", "INDUSTRIAL DEVELOPMENT", "ECONOMIC POLICY", "FINANCIAL SYSTEM",
            "LEAST DEVELOPED COUNTRIES", "2030 AGENDA"),
           ("economic", "sustainable development", "international trade", "embargo", "external debt", "poverty",
            "developing countries", "financing for development")),
}


# Registered here (not in schema.py) so that they come with the reader that fills them.
RESOLUTIONS = schema.register(schema.Table(
    "resolutions",
    (("symbol", "VARCHAR"), ("rcid", "BIGINT"), ("session", "VARCHAR"), ("date", "DATE"), ("year", "INTEGER"),
     ("title", "VARCHAR"), ("agenda_item", "VARCHAR"), ("agenda_item_name", "VARCHAR"), ("committee", "VARCHAR"),
     ("adoption", "VARCHAR"), ("meeting", "VARCHAR"), ("record", "VARCHAR"), ("yes_count", "INTEGER"),
     ("no_count", "INTEGER"), ("abstain_count", "INTEGER"), ("subjects", "VARCHAR"), ("sponsors", "VARCHAR"),
     ("additional_sponsors", "VARCHAR"), ("sdgs", "VARCHAR"), ("copies", "INTEGER"), ("file", "VARCHAR")),
    ("symbol",),
    "adopted UN General Assembly resolutions (UNxml): metadata; rcid = the roll call of a recorded vote "
    "(Voeten's where its release holds the resolution); subjects and sponsor lists as JSON text"))
RESOLUTION_SPONSORS = schema.register(schema.Table(
    "resolution_sponsors",
    (("symbol", "VARCHAR"), ("country", "VARCHAR"), ("role", "VARCHAR"), ("on_behalf", "VARCHAR")),
    ("symbol", "country"),
    "states sponsoring a resolution: role sponsor (on the draft) or additional (joined later); "
    "on_behalf = the group a sponsor spoke for"))


def _key(name: str) -> str:
    return countries._norm(name)


def _clean(name: str) -> str:
    name = str(name).replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
    name = re.sub(r"\(\s*\)", "", name)
    return " ".join(name.split()).strip(" ,;.")


@lru_cache(maxsize=1)
def _squeezed() -> dict[str, str]:
    """Member names with every non-letter removed, for names broken by a stray space (``CZECHI A``)."""
    out = {}
    for iso3 in unmembership.table()["iso3"]:
        try:
            out[re.sub(r"[^a-z]", "", _key(countries.name(iso3)))] = iso3
        except (KeyError, LookupError):
            continue
    for alias, iso3 in UN_NAMES.items():
        out[re.sub(r"[^a-z]", "", alias)] = iso3
    return out


@lru_cache(maxsize=4096)
def resolve_name(name: str) -> str | None:
    """ISO3 of a member-state name as the UN writes it, or None.

    Tried in turn: the name; without a leading "THE" (also glued on: ``THEREPUBLIC OF KOREA``) or a
    trailing "(THE)"; the letters alone against member names (``GE RMANY``).
    """
    name = _clean(name)
    if not name:
        return None
    tries = [name, re.sub(r"^THE\s*", "", name, flags=re.IGNORECASE), re.sub(r"\s*\(THE\)$", "", name, flags=re.I)]
    for candidate in dict.fromkeys(tries):
        if not candidate:
            continue
        iso = UN_NAMES.get(_key(candidate)) or countries.try_resolve(candidate)
        if iso is not None:
            return iso
    letters = re.sub(r"[^a-z]", "", _key(name))
    return _squeezed().get(letters) or _squeezed().get(re.sub(r"^the", "", letters))


def _top_level_split(text: str) -> list[str]:
    """Split at commas and semicolons outside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in ",;" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _one_sponsor(piece: str) -> tuple[str, str | None]:
    m = ON_BEHALF.match(piece)
    if m:
        return m["name"].strip(" ,"), (m["group"] or m["group2"] or "").strip() or None
    return piece, None


def sponsor_states(entry: str) -> list[tuple[str | None, str, str | None]]:
    """(iso3 or None, name, on_behalf) for each state an entry of a sponsor list names.

    Entries are usually one state, sometimes a list run together (``Austria, Kazakhstan and Malaysia``),
    sometimes not a state at all (the President, a committee, the Bureau: nothing is returned).
    """
    entry = _clean(entry)
    if not entry or NOT_A_STATE.search(entry):
        return []
    name, group = _one_sponsor(entry)
    iso = resolve_name(name)
    if iso is not None:
        return [(iso, name, group)]
    out: list[tuple[str | None, str, str | None]] = []
    for piece in _top_level_split(re.sub(r"\.\s+", ", ", entry)):
        # "A and B and Trinidad and Tobago": take the longest run of " and "-joined words that is a state
        tokens = re.split(r"\s+and\s+|(?<=[A-Za-z])AND\s+", piece, flags=re.IGNORECASE)
        i = 0
        while i < len(tokens):
            for j in range(len(tokens), i, -1):
                cand, grp = _one_sponsor(" and ".join(tokens[i:j]))
                iso = resolve_name(cand)
                if iso is not None:
                    out.append((iso, cand, grp))
                    i = j
                    break
            else:
                out.append((None, " and ".join(tokens[i:]), None))
                break
    return out


def parse_date(text: object) -> dt.date | None:
    """``2019-10-10 00:00:00``, ``2019-10-10``, ``21 September 2020`` (any whitespace), ``September 21, 2020``."""
    if not isinstance(text, str):
        return None
    s = " ".join(text.replace("\u00a0", " ").split())
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?", s)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})", s)
        if m and m[2].lower() in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
        m = re.fullmatch(r"([A-Za-z]+) (\d{1,2}),? (\d{4})", s)
        if m and m[1].lower() in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    except ValueError:
        return None
    return None


def normal_symbol(symbol: str) -> str:
    return " ".join(str(symbol).replace("\u00a0", " ").split()).upper()


def rcid_for(symbol: str) -> int | None:
    """A roll-call id from the resolution symbol: ``A/RES/78/10`` -> 10_078_001_000; None if not a symbol.

    Layout: RCID_BASE + session code * 10^6 + number * 100 + part, with session code N for regular
    sessions, 1000+N for emergency special sessions (ES-N), 2000+N for special sessions (S-N), and part 0
    (whole), 1-26 (A-Z) or 26 + last letter for a range starting at A (``A-C`` = 29).
    """
    m = SYMBOL.match(normal_symbol(symbol))
    if not m or int(m["number"]) >= 10_000:
        return None
    code = int(m["session"]) + {None: 0, "ES": 1000, "S": 2000}[m["kind"]]
    part = m["part"] or ""
    if not part:
        p = 0
    elif len(part) == 1:
        p = ord(part) - 64
    elif part.startswith("A-"):
        p = 26 + ord(part[-1]) - 64
    else:
        return None
    return RCID_BASE + code * 1_000_000 + int(m["number"]) * 100 + p


def session_of(symbol: str, day: dt.date) -> int:
    """Regular session number: from the symbol, or for special and emergency sessions the regular
    session sitting on that day (sessions open in September), as Voeten numbers them."""
    m = SYMBOL.match(normal_symbol(symbol))
    if m and m["kind"] is None:
        return int(m["session"])
    return day.year - 1945 if day.month >= 9 else day.year - 1946


def _count(text: object) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


# The Second (Economic and Financial) Committee's resolutions are economic development when nothing else fits.
COMMITTEE_FALLBACK = {"second committee": "ec"}


def issues_for(subjects: list[str], title: str, committee: str | None = None) -> list[str]:
    """Voeten's issue areas a resolution belongs to, from its UNBIS subjects, title and committee (may be
    empty: then it is counted as not mapped)."""
    subj = [s.upper() for s in subjects]
    low = (title or "").lower()
    out = []
    for issue, (terms, words) in ISSUE_RULES.items():
        if any(t in s for s in subj for t in terms) or any(w in low for w in words):
            out.append(issue)
    fallback = COMMITTEE_FALLBACK.get(str(committee or "").strip().lower())
    if not out and fallback:
        out.append(fallback)
    return out


@dataclass
class _Record:
    obj: dict
    file: str
    line: int
    copies: int = 1
    sponsors: list[str] = field(default_factory=list)
    additional: list[str] = field(default_factory=list)


def _richness(obj: dict) -> int:
    return sum(len(obj.get(k) or []) for k in ("additional_sponsors", "SDGs", "subjects", "sponsors"))


def _subjects(obj: dict) -> list[str]:
    out = []
    for s in obj.get("subjects") or []:
        term = s[0] if isinstance(s, list | tuple) and s else s
        if isinstance(term, str) and term.strip():
            out.append(term.strip())
    return out


def _unite(a: list[str], b: list[str]) -> list[str]:
    seen = dict.fromkeys(a)
    seen.update(dict.fromkeys(b))
    return list(seen)


@dataclass
class Parsed:
    resolutions: pd.DataFrame
    sponsors: pd.DataFrame
    rollcalls: pd.DataFrame
    votes: pd.DataFrame
    issues: pd.DataFrame
    rejects: pd.DataFrame
    counts: dict[str, tuple[int, int, int]]     # file -> (read, loaded, rejected)
    notes: list[str]
    unmapped_issues: int = 0


def read_files(files: list[Path]) -> Parsed:
    """Parse UNxml JSON-lines files into canonical rows (see the module docstring)."""
    rejects: list[dict] = []
    counts = {str(f): [0, 0, 0] for f in files}
    records: dict[str, _Record] = {}
    order: list[str] = []
    repeated = 0

    def reject(file: str, line: int, reason: str, raw: str) -> None:
        rejects.append({"file": file, "row": line, "reason": reason, "raw": raw[:4000]})
        counts[file][0] += 1
        counts[file][2] += 1

    for path in files:
        file = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            from dyad.sources import SourceError
            raise SourceError(f"{path}: cannot read as UTF-8 text ({exc}). Is it a UNxml data_extract JSON file?") from exc
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                reject(file, number, f"not a JSON object ({exc.msg} at column {exc.colno}); "
                       "each line must be one complete JSON object", raw)
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("symbol"), str):
                reject(file, number, "no resolution symbol (field 'symbol'); each object needs one", raw)
                continue
            symbol = normal_symbol(obj["symbol"])
            if rcid_for(symbol) is None:
                reject(file, number, f"symbol {symbol!r} is not a General Assembly resolution symbol "
                       "(A/RES/<session>/<number>[ <part>])", raw)
                continue
            if parse_date(obj.get("adoption_date")) is None:
                reject(file, number, f"adoption_date {obj.get('adoption_date')!r} is not a date "
                       "(expected e.g. 2019-10-10 00:00:00 or 21 September 2020)", raw)
                continue
            bad = [k for k in (*LISTS, "sponsors", "additional_sponsors", "subjects", "SDGs")
                   if obj.get(k) is not None and not (isinstance(obj[k], list)
                                                      and all(isinstance(v, str | list) for v in obj[k]))]
            if bad:
                reject(file, number, f"{symbol}: field {bad[0]!r} is not a list of names or terms", raw)
                continue
            counts[file][0] += 1
            counts[file][1] += 1
            if symbol in records:
                # Repeated object: unite the sponsor lists; keep the copy with the most metadata.
                repeated += 1
                rec = records[symbol]
                rec.copies += 1
                rec.sponsors = _unite(rec.sponsors, obj.get("sponsors") or [])
                rec.additional = _unite(rec.additional, obj.get("additional_sponsors") or [])
                if _richness(obj) > _richness(rec.obj):
                    rec.obj, rec.file, rec.line = obj, file, number
                continue
            records[symbol] = _Record(obj, file, number, sponsors=list(obj.get("sponsors") or []),
                                      additional=list(obj.get("additional_sponsors") or []))
            order.append(symbol)

    notes: list[str] = []
    if repeated:
        notes.append(f"UN records: {repeated} objects repeat a resolution symbol already read; merged "
                     "(one roll call per symbol, sponsor lists united)")
    res_rows, sp_rows, rc_rows, vote_rows, issue_rows = [], [], [], [], []
    unmapped: dict[str, int] = {}
    mismatched: list[str] = []
    unmapped_issues = 0
    for symbol in order:
        rec = records[symbol]
        obj = rec.obj
        day = parse_date(obj.get("adoption_date"))
        rcid = rcid_for(symbol)
        subjects = _subjects(obj)
        title = str(obj.get("title") or "")
        adoption = str(obj.get("adoption_type") or "").strip()
        lists = {vote: [str(n) for n in (obj.get(key) or [])] for key, vote in LISTS.items()}
        named = sum(len(v) for v in lists.values())
        counted = {vote: _count(obj.get(COUNTS[vote])) for vote in LISTS.values()}
        recorded = adoption.lower() == "by a recorded vote" or named > 0
        stored_rcid = None
        if recorded and named == 0:
            counts_text = "-".join(str(counted[v]) for v in ("yes", "no", "abstain"))
            reject(rec.file, rec.line, f"{symbol}: recorded vote with counts {counts_text} (yes-no-abstain) "
                   "but no member-state names; no roll call stored (the resolution and its sponsors are)",
                   json.dumps({k: obj.get(k) for k in ("symbol", "adoption_date", *COUNTS.values())}))
        elif recorded:
            ballots: dict[str, str] = {}
            for vote, names in lists.items():
                for name in dict.fromkeys(names):      # a name repeated within one list counts once
                    iso = resolve_name(name)
                    if iso is None:
                        unmapped[name] = unmapped.get(name, 0) + 1
                        reject(rec.file, rec.line, f"{symbol}: member state name {name!r} (voted {vote}) is not a "
                               "known country; add the spelling to UN_NAMES in dyad/sources/unxml.py", name)
                        continue
                    if iso in ballots and ballots[iso] != vote:
                        reject(rec.file, rec.line, f"{symbol}: {name!r} is listed as both {ballots[iso]} and "
                               f"{vote}; its vote is not stored", name)
                        del ballots[iso]
                        continue
                    ballots[iso] = vote
                if any(c is not None and c != len(set(names)) for c in [counted[vote]]):
                    if counted[vote] or names:
                        mismatched.append(f"{symbol} {vote} {counted[vote]} vs {len(set(names))} names")
            for iso in unmembership.members(day):
                ballots.setdefault(iso, "absent")
            stored_rcid = rcid
            rc_rows.append({"rcid": rcid, "session": session_of(symbol, day), "date": day, "year": day.year,
                            "resolution": symbol, "short": title, "descr": obj.get("agenda_item_name"),
                            "important": None, "amend": False, "para": False})
            vote_rows.extend({"rcid": rcid, "country": iso, "vote": v} for iso, v in ballots.items())
            found = issues_for(subjects, title, obj.get("committee"))
            if not found:
                unmapped_issues += 1
            issue_rows.extend({"rcid": rcid, "issue": i, "coding": CODING} for i in found)
        res_rows.append({
            "symbol": symbol, "rcid": stored_rcid, "session": str(obj.get("session") or ""), "date": day,
            "year": day.year, "title": title, "agenda_item": obj.get("agenda_item"),
            "agenda_item_name": obj.get("agenda_item_name"), "committee": obj.get("committee"),
            "adoption": adoption or None, "meeting": obj.get("adoption_meeting"), "record": obj.get("pv"),
            "yes_count": counted["yes"], "no_count": counted["no"], "abstain_count": counted["abstain"],
            "subjects": json.dumps(subjects, ensure_ascii=False),
            "sponsors": json.dumps(rec.sponsors, ensure_ascii=False),
            "additional_sponsors": json.dumps(rec.additional, ensure_ascii=False),
            "sdgs": json.dumps(obj.get("SDGs") or []), "copies": rec.copies,
            "file": Path(rec.file).name})
        for role, names in (("sponsor", rec.sponsors), ("additional", rec.additional)):
            for entry in names:
                for iso, name, group in sponsor_states(str(entry)):
                    if iso is None:
                        unmapped[name] = unmapped.get(name, 0) + 1
                        reject(rec.file, rec.line, f"{symbol}: sponsor {name!r} (in {str(entry)[:200]!r}) is not a "
                               "known country; add the spelling to UN_NAMES in dyad/sources/unxml.py", str(entry))
                        continue
                    sp_rows.append({"symbol": symbol, "country": iso, "role": role, "on_behalf": group})
    if mismatched:
        notes.append(f"UN records: {len(mismatched)} vote lists disagree with their counts; names kept "
                     f"(e.g. {'; '.join(mismatched[:3])})")
    if unmapped:
        notes.append("UN records: names not mapped to a country: " +
                     ", ".join(f"{k} ({v})" for k, v in sorted(unmapped.items())))
    sponsors = pd.DataFrame(sp_rows, columns=["symbol", "country", "role", "on_behalf"])
    # A state listed as sponsor and as additional sponsor is a sponsor.
    sponsors = sponsors.sort_values("role", key=lambda r: r.map({"sponsor": 0, "additional": 1}), kind="stable") \
        .drop_duplicates(["symbol", "country"]).reset_index(drop=True)
    rej = pd.DataFrame(rejects, columns=["file", "row", "reason", "raw"])
    return Parsed(
        resolutions=pd.DataFrame(res_rows), sponsors=sponsors,
        rollcalls=pd.DataFrame(rc_rows, columns=["rcid", "session", "date", "year", "resolution", "short", "descr",
                                                 "important", "amend", "para"]),
        votes=pd.DataFrame(vote_rows, columns=["rcid", "country", "vote"]),
        issues=pd.DataFrame(issue_rows, columns=["rcid", "issue", "coding"]),
        rejects=rej, counts={k: tuple(v) for k, v in counts.items()}, notes=notes,
        unmapped_issues=unmapped_issues)
