"""Country identity: one place that turns names and codes into ISO 3166-1 alpha-3.

ISO data come from pycountry (ISO 3166-1 and, for former states, ISO 3166-3). The Correlates of War
and CAMEO tables are written by this project (``reference/cow_states.csv``, ``reference/cameo_countries.csv``;
sources in ``reference/README.md``).

History handled here, because every source needs it:

* the Soviet Union's seat continues as the Russian Federation (USSR, SUN, COW 365 -> ``RUS``);
* the UN seat "China" belongs to the Republic of China until 25 October 1971 (UNGA resolution 2758)
  and to the People's Republic after it: ``resolve("China", date=...)`` gives ``TWN`` before that day
  and ``CHN`` from it when ``un_seat=True``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pycountry

PRC_SEATED = dt.date(1971, 10, 25)  # UNGA resolution 2758
USSR_SEAT_CONTINUED = dt.date(1991, 12, 24)  # the Russian Federation's letter to the Secretary-General
UN_FOUNDED = dt.date(1945, 10, 24)

SCHEMES = ("iso3", "iso2", "m49", "cow", "cow_abb", "cameo", "name")


class CountryError(LookupError):
    """An unknown or ambiguous country name or code; the message lists the nearest matches."""


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    iso2: str | None = None
    m49: int | None = None
    cow: int | None = None


# Common alternates that ISO's names do not cover. Keys are normalised (see _norm).
_ALIASES: dict[str, str] = {
    "russia": "RUS", "russian federation": "RUS", "ussr": "RUS", "soviet union": "RUS",
    "union of soviet socialist republics": "RUS", "sun": "RUS", "su": "RUS",
    "china": "CHN", "prc": "CHN", "people's republic of china": "CHN", "china, people's republic of": "CHN",
    "mainland china": "CHN",
    "taiwan": "TWN", "republic of china": "TWN", "roc": "TWN", "taiwan, province of china": "TWN",
    "chinese taipei": "TWN", "china (taiwan)": "TWN",
    "united states": "USA", "united states of america": "USA", "us": "USA", "usa": "USA",
    "united kingdom": "GBR", "uk": "GBR", "great britain": "GBR", "britain": "GBR",
    "united kingdom of great britain and northern ireland": "GBR",
    "north korea": "PRK", "dprk": "PRK", "democratic people's republic of korea": "PRK",
    "korea, dem. people's rep.": "PRK", "korea, democratic people's republic of": "PRK",
    "south korea": "KOR", "republic of korea": "KOR", "korea, rep.": "KOR", "korea": "KOR",
    "korea, republic of": "KOR",
    "iran": "IRN", "iran, islamic rep.": "IRN", "iran (islamic republic of)": "IRN",
    "syria": "SYR", "syrian arab republic": "SYR", "vietnam": "VNM", "viet nam": "VNM",
    "laos": "LAO", "lao people's democratic republic": "LAO", "lao pdr": "LAO",
    "bolivia": "BOL", "bolivia (plurinational state of)": "BOL", "venezuela": "VEN",
    "venezuela (bolivarian republic of)": "VEN", "venezuela, rb": "VEN", "tanzania": "TZA",
    "united republic of tanzania": "TZA", "moldova": "MDA", "republic of moldova": "MDA",
    "czech republic": "CZE", "czechia": "CZE", "ivory coast": "CIV", "cote d'ivoire": "CIV",
    "cape verde": "CPV", "cabo verde": "CPV", "swaziland": "SWZ", "eswatini": "SWZ",
    "burma": "MMR", "myanmar": "MMR", "zaire": "COD", "congo, dem. rep.": "COD",
    "democratic republic of the congo": "COD", "congo (kinshasa)": "COD", "dr congo": "COD",
    "democratic republic of congo": "COD", "congo - kinshasa": "COD",
    "congo": "COG", "republic of the congo": "COG", "congo, rep.": "COG", "congo (brazzaville)": "COG",
    "congo - brazzaville": "COG",
    "macedonia": "MKD", "north macedonia": "MKD", "the former yugoslav republic of macedonia": "MKD",
    "turkey": "TUR", "turkiye": "TUR", "egypt": "EGY", "egypt, arab rep.": "EGY", "united arab republic": "EGY",
    "yemen": "YEM", "yemen, rep.": "YEM", "yemen arab republic": "YEM",
    "south yemen": "YMD", "yemen people's republic": "YMD", "yemen, people's democratic republic of": "YMD",
    "east germany": "DDR", "german democratic republic": "DDR", "gdr": "DDR",
    "west germany": "DEU", "german federal republic": "DEU", "federal republic of germany": "DEU",
    "germany": "DEU", "yugoslavia": "YUG", "czechoslovakia": "CSK",
    "gambia": "GMB", "gambia, the": "GMB", "bahamas": "BHS", "bahamas, the": "BHS",
    "micronesia": "FSM", "micronesia (federated states of)": "FSM", "micronesia, fed. sts.": "FSM",
    "federated states of micronesia": "FSM", "st. lucia": "LCA", "saint lucia": "LCA",
    "st. kitts and nevis": "KNA", "st. kitts & nevis": "KNA", "st. vincent and the grenadines": "VCT",
    "st. vincent & grenadines": "VCT", "antigua & barbuda": "ATG", "trinidad & tobago": "TTO",
    "bosnia & herzegovina": "BIH", "bosnia and herzegovina": "BIH", "sao tome & principe": "STP",
    "sao tome and principe": "STP", "vatican": "VAT", "holy see": "VAT", "palestine": "PSE",
    "state of palestine": "PSE", "kosovo": "XKX", "slovak republic": "SVK", "kyrgyz republic": "KGZ",
    "kyrgyzstan": "KGZ", "brunei": "BRN", "brunei darussalam": "BRN", "timor-leste": "TLS",
    "east timor": "TLS", "hong kong": "HKG", "hong kong sar, china": "HKG", "macao": "MAC",
    "macau": "MAC", "macao sar, china": "MAC", "dahomey": "BEN", "upper volta": "BFA", "ceylon": "LKA",
    "kampuchea": "KHM", "khmer republic": "KHM", "cambodia": "KHM", "rhodesia": "ZWE", "zanzibar": "ZZB",
    "federation of malaya": "MYS", "siam": "THA", "persia": "IRN", "belorussia": "BLR",
    "byelorussian ssr": "BLR", "byelorussia": "BLR", "ukrainian ssr": "UKR", "western samoa": "WSM",
    "libya": "LBY", "libyan arab jamahiriya": "LBY", "republic of vietnam": "RVN",
    "south vietnam": "RVN", "north vietnam": "VNM", "democratic republic of vietnam": "VNM",
    "netherlands": "NLD", "the netherlands": "NLD", "philippines": "PHL", "the philippines": "PHL",
    "sudan": "SDN", "south sudan": "SSD", "eswatini (swaziland)": "SWZ", "micronesia, federated states of": "FSM",
    "turks and caicos": "TCA", "u.s.": "USA", "u.k.": "GBR", "european union": "EUU",
}

# Entities with no ISO 3166 entry but a stable code used by sources.
_EXTRA = {
    "XKX": "Kosovo",
    "EUU": "European Union",
    "RVN": "Republic of Vietnam (South Vietnam)",
    "ZZB": "Zanzibar (1963-1964; not an ISO code)",
}


def _norm(text: str) -> str:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    # punctuation does not tell names apart: "Peoples Republic of China" is "People's Republic of China"
    s = re.sub(r"[^\w\s-]", "", s.lower()).replace("-", " ")
    return " ".join(s.split())


@dataclass(frozen=True)
class _Tables:
    by_iso3: dict[str, Country]
    iso2: dict[str, str]
    m49: dict[int, str]
    cow: dict[int, str]
    cow_abb: dict[str, str]
    cameo: dict[str, str]
    names: dict[str, str]


def _read_reference(name: str) -> list[dict[str, str]]:
    ref = resources.files("dyad") / "reference" / name
    if not ref.is_file():
        return []
    with ref.open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(line for line in fh if not line.startswith("#"))]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    by_iso3: dict[str, Country] = {}
    iso2: dict[str, str] = {}
    m49: dict[int, str] = {}
    names: dict[str, str] = {}
    for c in pycountry.countries:
        by_iso3[c.alpha_3] = Country(c.alpha_3, getattr(c, "common_name", None) or c.name, c.alpha_2, int(c.numeric))
        iso2[c.alpha_2] = c.alpha_3
        m49[int(c.numeric)] = c.alpha_3
        for attr in ("name", "official_name", "common_name"):
            if getattr(c, attr, None):
                names[_norm(getattr(c, attr))] = c.alpha_3
    for h in pycountry.historic_countries:
        code = h.alpha_3
        if code == "SUN":  # the USSR continues as Russia
            continue
        if code not in by_iso3:
            by_iso3[code] = Country(code, h.name, h.alpha_4[:2] if hasattr(h, "alpha_4") else None)
            names.setdefault(_norm(h.name), code)
    for code, label in _EXTRA.items():
        by_iso3.setdefault(code, Country(code, label))
    iso2.setdefault("XK", "XKX")
    # ISO 3166-3 two-letter codes of former states, as they appear in vote data.
    for two, three in {"YU": "YUG", "CS": "CSK", "DD": "DDR", "YD": "YMD", "SU": "RUS"}.items():
        iso2.setdefault(two, three)
    cow: dict[int, str] = {}
    cow_abb: dict[str, str] = {}
    for row in _read_reference("cow_states.csv"):
        target = (row.get("iso3") or "").strip()
        if not target:
            continue
        by_iso3.setdefault(target, Country(target, row["name"]))
        cow.setdefault(int(row["cow"]), target)
        cow_abb.setdefault(row["cow_abb"].strip().upper(), target)
        names.setdefault(_norm(row["name"]), target)
    cameo: dict[str, str] = {}
    for row in _read_reference("cameo_countries.csv"):
        if (row.get("iso3") or "").strip():
            cameo[row["cameo"].strip().upper()] = row["iso3"].strip()
    for alias, code in _ALIASES.items():
        names[alias] = code
    # COW numbers are attached to the canonical records too.
    for number, code in cow.items():
        rec = by_iso3[code]
        if rec.cow is None:
            by_iso3[code] = Country(rec.iso3, rec.name, rec.iso2, rec.m49, number)
    return _Tables(by_iso3, iso2, m49, cow, cow_abb, cameo, names)


def _candidates(text: str) -> list[str]:
    t = _tables()
    pool = list(t.names) + [k.lower() for k in t.by_iso3]
    return difflib.get_close_matches(_norm(text), pool, n=5, cutoff=0.6)


def _fail(value: object, why: str) -> CountryError:
    near = _candidates(str(value))
    hint = f"; nearest matches: {', '.join(near)}" if near else ""
    return CountryError(f"{why}: {value!r}{hint}. Use an ISO3 code (e.g. CHN, RUS) or a name from that list.")


def _lookup(value: object, scheme: str) -> str | None:
    t = _tables()
    text = str(value).strip()
    if scheme == "iso3":
        return text.upper() if text.upper() in t.by_iso3 else None
    if scheme == "iso2":
        return t.iso2.get(text.upper())
    if scheme in ("m49", "cow"):
        try:
            number = int(float(text))
        except ValueError:
            return None
        return (t.m49 if scheme == "m49" else t.cow).get(number)
    if scheme == "cow_abb":
        return t.cow_abb.get(text.upper())
    if scheme == "cameo":
        return t.cameo.get(text.upper())
    if scheme == "name":
        return t.names.get(_norm(text))
    raise ValueError(f"unknown country scheme {scheme!r}; use one of {', '.join(SCHEMES)}")


def _apply_history(code: str, value: object, date: dt.date | None, un_seat: bool) -> str:
    if un_seat and code == "CHN" and date is not None and date < PRC_SEATED:
        return "TWN"
    return code


def resolve(value: object, scheme: str | None = None, *, date: dt.date | str | None = None,
            un_seat: bool = False) -> str:
    """Return the ISO3 code for a name or code.

    ``scheme`` pins the code system (``iso3``, ``iso2``, ``m49``, ``cow``, ``cow_abb``, ``cameo``, ``name``).
    Without it, text is tried as ISO3, ISO2, then a name or alternate; a bare number is accepted only
    when UN M49 and COW agree or just one of them knows it (710 is South Africa in M49 and China in COW,
    so it is ambiguous). ``un_seat=True`` with a ``date`` applies the UN seat history of China.
    Raises :class:`CountryError` naming the nearest matches.
    """
    if value is None or (isinstance(value, float) and value != value) or str(value).strip() == "":
        raise CountryError("empty country name or code; give an ISO3 code such as CHN or RUS")
    if isinstance(date, str):
        date = dt.date.fromisoformat(date[:10])
    if scheme is not None:
        code = _lookup(value, scheme)
        if code is None:
            raise _fail(value, f"not a known {scheme} country code")
        return _apply_history(code, value, date, un_seat)
    text = str(value).strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix.strip().lower() in SCHEMES:       # "cow:710", "m49:710", "iso2:CN"
        return resolve(rest.strip(), prefix.strip().lower(), date=date, un_seat=un_seat)
    if text.replace(".", "", 1).isdigit():
        hits = {s: c for s in ("m49", "cow") if (c := _lookup(text, s))}
        if len(set(hits.values())) == 1:
            return _apply_history(next(iter(hits.values())), value, date, un_seat)
        if hits:
            raise CountryError(
                f"ambiguous numeric country code {text!r}: "
                + ", ".join(f"{s} -> {c}" for s, c in hits.items())
                + f"; write m49:{text} or cow:{text} to choose (in Python: scheme='m49' or scheme='cow')")
        raise _fail(value, "not a known UN M49 or COW code")
    for s in ("iso3", "iso2", "name"):
        if len(text) == 2 and s == "iso3":
            continue
        code = _lookup(text, s)
        if code is not None:
            return _apply_history(code, value, date, un_seat)
    raise _fail(value, "unknown country")


def resolve_pair(a: object, b: object) -> tuple[str, str]:
    """ISO3 codes of the two countries of a dyad; the same country twice is an error."""
    ca, cb = resolve(a), resolve(b)
    if ca == cb:
        same = f"{a!r} and {b!r} are both {ca}" if str(a).strip() != str(b).strip() else f"{a!r} given twice"
        raise CountryError(f"a dyad needs two different countries: {same}. Give two countries, e.g. CHN RUS.")
    return ca, cb


def try_resolve(value: object, scheme: str | None = None, **kw) -> str | None:
    """Like :func:`resolve` but returns ``None`` instead of raising (for row validation with a reason)."""
    try:
        return resolve(value, scheme, **kw)
    except CountryError:
        return None


def country(value: object, scheme: str | None = None) -> Country:
    """The full :class:`Country` record for a name or code."""
    return _tables().by_iso3[resolve(value, scheme)]


def name(iso3: str) -> str:
    rec = _tables().by_iso3.get(iso3)
    return rec.name if rec else iso3


def code_map(scheme: str) -> dict:
    """The whole mapping of one code system to ISO3 (for vectorised joins in adapters)."""
    t = _tables()
    tables: dict[str, dict] = {"iso2": t.iso2, "m49": t.m49, "cow": t.cow, "cow_abb": t.cow_abb,
                               "cameo": t.cameo, "name": t.names}
    table = tables.get(scheme)
    if table is None:
        raise ValueError(f"no code map for scheme {scheme!r}")
    return dict(table)


# ------------------------------------------------------------------------------------- existence


@dataclass(frozen=True)
class Existence:
    """When a state existed: ``start`` and ``end`` dates (``None`` = open) and where the dates come from."""

    iso3: str
    start: dt.date | None
    end: dt.date | None
    source: str


@lru_cache(maxsize=1)
def _state_dates() -> dict[str, Existence]:
    out: dict[str, Existence] = {}
    for row in _read_reference("cow_states.csv"):
        code = (row.get("iso3") or "").strip()
        if not code:
            continue
        start = dt.date(int(row["start"]), 1, 1)
        end = dt.date(int(row["end"]), 12, 31) if (row.get("end") or "").strip() else None
        old = out.get(code)
        if old is not None:      # two COW rows for one ISO3 (DEU 255/260, YEM 678/679): the union of both
            start = min(start, old.start)
            end = None if end is None or old.end is None else max(end, old.end)
        out[code] = Existence(code, start, end, f"COW State System Membership v2016 (years; ccode {row['cow']})")
    for row in _read_reference("state_dates.csv"):
        end = dt.date.fromisoformat(row["end"]) if row["end"].strip() else None
        out[row["iso3"]] = Existence(row["iso3"], dt.date.fromisoformat(row["start"]), end, row["source"])
    return out


def existence(iso3: str, ussr_as_russia: bool = False) -> Existence | None:
    """When ``iso3`` existed as a state, or ``None`` when no reference table knows it (no limit is applied).

    Russia starts on 26 December 1991; with ``ussr_as_russia=True`` the USSR's history (from 30 December 1922)
    counts as Russia's. The PRC (``CHN``) starts on 1 October 1949. Other states take their first and last
    year of COW system membership; ``reference/state_dates.csv`` gives exact dates and sources.
    """
    table = _state_dates()
    rec = table.get(iso3)
    if iso3 == "RUS" and ussr_as_russia and rec is not None:
        ussr = table["RUS_USSR"]
        return Existence("RUS", ussr.start, rec.end, f"{ussr.source}; then {rec.source}")
    return rec


def exists(iso3: str, year: int, ussr_as_russia: bool = False) -> bool:
    """Did ``iso3`` exist as a state on at least one day of ``year``? Unknown codes: True (no limit known)."""
    rec = existence(iso3, ussr_as_russia)
    if rec is None:
        return True
    return (rec.start is None or rec.start.year <= year) and (rec.end is None or rec.end.year >= year)


def exists_between(iso3: str, first: dt.date, last: dt.date, ussr_as_russia: bool = False) -> bool:
    """Did ``iso3`` exist on at least one day from ``first`` to ``last`` (inclusive)?"""
    rec = existence(iso3, ussr_as_russia)
    if rec is None:
        return True
    return (rec.start is None or rec.start <= last) and (rec.end is None or rec.end >= first)


def un_seat_start(iso3: str) -> tuple[dt.date | None, str]:
    """First day on which the UN seat that dyad files under ``iso3`` votes as that code, with the rule.

    ``CHN``: 25 October 1971 (UNGA resolution 2758; the Republic of China's votes before it are ``TWN``).
    ``RUS``: the Russian Federation continues the USSR's seat (UN practice since 24 December 1991), so the
    seat's votes from 1945 are filed under ``RUS``. Other codes: no limit beyond the votes themselves.
    """
    if iso3 == "CHN":
        return PRC_SEATED, "UN seat of China held by the PRC from 25 Oct 1971 (UNGA res. 2758)"
    if iso3 == "RUS":
        return UN_FOUNDED, ("UN seat: the Russian Federation continues the USSR's seat (24 Dec 1991); "
                            "votes before 1992 are the USSR's")
    return None, ""
