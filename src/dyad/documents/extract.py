"""Extract structured items from a cleaned, segmented report.

* title and authors from the top of the first page;
* footnotes: number, text, first URL, date (and an "accessed" date when given);
* numbered proposals: numbered list items under a heading about recommendations or proposals, or items
  that open with "Recommendation N" / "Proposal N";
* quotations attributed to a named person with role and organisation, in four common phrasings;
* mentions of initiatives and organisations (a fixed, documented alias table) and of countries;
* each paragraph's scores on the five directions from the lexicon.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from dyad.documents.segment import Block
from dyad.documents.text import DIRECTION_IDS, default_lexicon

MONTHS = ("january february march april may june july august september october november december").split()
_M = "(January|February|March|April|May|June|July|August|September|October|November|December)"
DATE_PATTERNS = (
    (re.compile(rf"\b(\d{{1,2}})\s+{_M}\s+(\d{{4}})\b"), "dmy"),
    (re.compile(rf"\b{_M}\s+(\d{{1,2}}),\s*(\d{{4}})\b"), "mdy"),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(rf"\b{_M}\s+(\d{{4}})\b"), "my"),
)
URL = re.compile(r"https?://[^\s<>\"\u201d]+")
PROPOSAL_HEADING = re.compile(r"recommendation|proposal|policy options|what .* should do|the way forward",
                              re.IGNORECASE)
PROPOSAL_LEAD = re.compile(r"^(?:Recommendation|Proposal)\s+(\d{1,2})\s*[:.\u2013-]\s*(.*)$")

# Initiatives and organisations: code -> patterns (case-sensitive acronyms, names in any case).
ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "BRI": (r"\bBRI\b", r"(?i:\bBelt and Road\b)", r"(?i:\bOne Belt,? One Road\b)"),
    "EAEU": (r"\bEAEU\b", r"\bEEU\b", r"(?i:\bEurasian Economic Union\b)"),
    "SCO": (r"\bSCO\b", r"(?i:\bShanghai Cooperation Organi[sz]ation\b)"),
    "BRICS": (r"\bBRICS\b",),
    "ASEAN": (r"\bASEAN\b", r"(?i:\bAssociation of Southeast Asian Nations\b)"),
    "UN": (r"\bUN\b", r"(?i:\bUnited Nations\b)", r"\bUNSC\b"),
    "G20": (r"\bG-?20\b", r"(?i:\bGroup of Twenty\b)"),
    "G7": (r"\bG-?7\b",),
    "APEC": (r"\bAPEC\b", r"(?i:\bAsia-Pacific Economic Cooperation\b)"),
    "NATO": (r"\bNATO\b", r"(?i:\bNorth Atlantic Treaty Organi[sz]ation\b)"),
    "EU": (r"\bEU\b", r"(?i:\bEuropean Union\b)"),
    "CSTO": (r"\bCSTO\b", r"(?i:\bCollective Security Treaty Organi[sz]ation\b)"),
    "WTO": (r"\bWTO\b", r"(?i:\bWorld Trade Organi[sz]ation\b)"),
    "AIIB": (r"\bAIIB\b", r"(?i:\bAsian Infrastructure Investment Bank\b)"),
    "CIS": (r"\bCIS\b", r"(?i:\bCommonwealth of Independent States\b)"),
    "OSCE": (r"\bOSCE\b",),
    "IMF": (r"\bIMF\b", r"(?i:\bInternational Monetary Fund\b)"),
}
# Country names and demonyms matched in reports (capitalised, whole words); names from dyad.countries.
DEMONYMS = {"Chinese": "CHN", "Russian": "RUS", "Soviet": "RUS", "American": "USA", "Indian": "IND",
            "Japanese": "JPN", "Kazakh": "KAZ", "Kazakhstani": "KAZ", "Mongolian": "MNG", "Ukrainian": "UKR",
            "Iranian": "IRN", "Korean": None, "Turkish": "TUR", "Pakistani": "PAK", "German": "DEU",
            "French": "FRA", "British": "GBR", "Vietnamese": "VNM", "Uzbek": "UZB", "Belarusian": "BLR"}
# two to four capitalised words; a dot only after a one-letter initial ("J. Smith"), so a sentence end
# ("... Partners. Kirill Smirnov") does not run into the name
PERSON = r"(?P<person>(?:(?:[A-Z]\.|[A-Z][a-z\u00c0-\u017f'\u2019-]+)\s){1,3}[A-Z][a-z\u00c0-\u017f'\u2019-]+)"
# a role may be written in lower case ("head of research at X", "the deputy director of X")
# ... and stays inside one sentence (a full stop followed by a space ends it)
ROLE_ORG = r"(?P<roleorg>(?:the\s+)?[A-Za-z](?:[^\u201c\u201d\".]|\.(?!\s)){2,160}?)"
OPEN, CLOSE = "[\u201c\"]", "[\u201d\"]"
QUOTE_BODY = r"(?P<quote>[^\u201c\u201d\"]{8,800}?)"
QUOTE_PATTERNS = (
    re.compile(rf"{OPEN}{QUOTE_BODY}[,.]?{CLOSE},?\s+(?:said|says|noted|argued|stated|warned|told\s+\w+)\s+"
               rf"{PERSON},\s+{ROLE_ORG}[.;]"),
    re.compile(rf"{PERSON},\s+{ROLE_ORG},\s+(?:said|says|noted|argued|stated|warned|wrote|observed)"
               rf"(?:\s+that)?[:,]?\s+{OPEN}{QUOTE_BODY}[,.]?{CLOSE}"),
    re.compile(rf"\b[Aa]ccording to {PERSON},\s+{ROLE_ORG},\s+{OPEN}{QUOTE_BODY}[,.]?{CLOSE}"),
    re.compile(rf"\bAs {PERSON},\s+{ROLE_ORG},\s+(?:put it|said|noted|wrote)[,:]\s+{OPEN}{QUOTE_BODY}[,.]?{CLOSE}"),
)


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    url: str | None
    date: str | None
    accessed: str | None


@dataclass(frozen=True)
class Proposal:
    number: str
    text: str
    block: int              # index of the block it came from


@dataclass(frozen=True)
class Quote:
    text: str
    person: str
    role: str
    organisation: str
    block: int


def parse_date(text: str) -> str | None:
    """The first date in a text as ISO (YYYY-MM-DD, or YYYY-MM when no day is given)."""
    hits = []
    for pattern, kind in DATE_PATTERNS:
        for m in pattern.finditer(text):
            hits.append((m.start(), kind, m))
    if not hits:
        return None
    start, kind, m = min(hits, key=lambda h: (h[0], h[1] == "my"))
    if kind == "dmy":
        return f"{int(m.group(3)):04d}-{MONTHS.index(m.group(2).lower()) + 1:02d}-{int(m.group(1)):02d}"
    if kind == "mdy":
        return f"{int(m.group(3)):04d}-{MONTHS.index(m.group(1).lower()) + 1:02d}-{int(m.group(2)):02d}"
    if kind == "iso":
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return f"{int(m.group(2)):04d}-{MONTHS.index(m.group(1).lower()) + 1:02d}"


def footnote(number: int, text: str) -> Footnote:
    """A footnote's URL (trailing punctuation removed), date and accessed date."""
    url_match = URL.search(text)
    url = url_match.group(0).rstrip(".,;:)]") if url_match else None
    accessed = None
    acc = re.search(r"\b(?:accessed|retrieved|last visited)(?: on)?\s+(.{0,40})", text, re.IGNORECASE)
    rest = text
    if acc:
        accessed = parse_date(acc.group(1))
        rest = text[:acc.start()]
    return Footnote(number, text, url, parse_date(URL.sub(" ", rest)), accessed)


def proposals(blocks: list[Block]) -> list[Proposal]:
    """Numbered recommendations: items under a recommendations heading, or items that say so."""
    out, under = [], False
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            under = bool(PROPOSAL_HEADING.search(b.text))
            continue
        lead = PROPOSAL_LEAD.match(b.text)
        if lead:
            out.append(Proposal(lead.group(1), lead.group(2).strip(), i))
        elif b.kind == "list_item" and under and b.number:
            out.append(Proposal(b.number, b.text, i))
    return out


def _split_role(roleorg: str) -> tuple[str, str]:
    """"Senior Fellow at the X" -> (Senior Fellow, X); "Director of the X" -> (Director, X)."""
    roleorg = re.sub(r"^the\s+", "", roleorg.strip().rstrip(","))
    for sep in (" at ", " of ", ", "):
        if sep in roleorg:
            role, org = roleorg.split(sep, 1)
            org = re.sub(r"^the\s+", "", org.strip())
            # an organisation is named: it starts with a capital letter
            return (role.strip(), org) if org[:1].isupper() else (roleorg, "")
    return roleorg, ""


def quotes(blocks: list[Block]) -> list[Quote]:
    """Quotations attributed to a named person with a role and an organisation."""
    out = []
    for i, b in enumerate(blocks):
        if b.kind not in ("paragraph", "list_item"):
            continue
        taken: list[tuple[int, int]] = []
        for pattern in QUOTE_PATTERNS:
            for m in pattern.finditer(b.text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                role, org = _split_role(m.group("roleorg"))
                if not org:
                    continue
                taken.append((m.start(), m.end()))
                out.append(Quote(m.group("quote").strip().rstrip(","), m.group("person").strip(), role, org, i))
    return sorted(out, key=lambda q: q.block)


def organisation_mentions(text: str) -> dict[str, int]:
    counts = {}
    for code, patterns in ORGANISATIONS.items():
        spans = {m.span() for p in patterns for m in re.finditer(p, text)}
        if spans:
            counts[code] = len(spans)
    return counts


def _fold(text: str) -> str:
    """Accents removed (Türkiye -> Turkiye), case kept: names are matched as dyad.countries stores them."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").replace("\u2019", "'")


@lru_cache(maxsize=1)
def _country_patterns() -> list[tuple[re.Pattern, str]]:
    """Country names and aliases known to dyad.countries (longer than three letters, no commas or
    brackets), plus the demonyms above; longest first so "Republic of Korea" wins over "Korea"."""
    from dyad import countries

    names = {n: iso for n, iso in countries.code_map("name").items()
             if iso and len(n) > 3 and not re.search(r"[,()]", n)}
    names.update({d.lower(): iso for d, iso in DEMONYMS.items() if iso})
    ordered = sorted(names.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return [(re.compile(r"(?<![\w-])" + re.escape(n) + r"(?![\w])", re.IGNORECASE), iso) for n, iso in ordered]


def country_mentions(text: str) -> dict[str, int]:
    """Countries named in a text: a name must start with a capital letter ("china" ware, "turkey" the bird
    are not countries); each span counted once."""
    folded = _fold(text)
    counts: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    for pattern, iso in _country_patterns():
        for m in pattern.finditer(folded):
            if not m.group(0)[:1].isupper() or any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            counts[iso] = counts.get(iso, 0) + 1
    return dict(sorted(counts.items()))


def direction_scores(text: str) -> tuple[dict[str, float], str | None]:
    """Lexicon shares per direction and the leading direction (None without any match or on a tie)."""
    counts, _ = default_lexicon().scores(text)
    total = sum(counts.values())
    if not total:
        return dict.fromkeys(DIRECTION_IDS, 0.0), None
    scores = {d: counts[d] / total for d in DIRECTION_IDS}
    best = max(scores.values())
    leaders = [d for d in DIRECTION_IDS if scores[d] == best]
    return scores, leaders[0] if len(leaders) == 1 else None


TITLE_SKIP = re.compile(r"^(policy (brief|report|paper)|working paper|report|analysis|commentary)$", re.IGNORECASE)
HONORIFIC = re.compile(r"^(?:(?:Dr|Prof|Professor|Ambassador|Mr|Mrs|Ms|Sir|Dame)\.?\s+)+")
AUTHORS_LINE = re.compile(r"^(?:By|Authors?:)\s+(?P<names>.+)$")
NAME = r"[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){1,4}"
NAMES_ONLY = re.compile(rf"^{NAME}(?:,\s+{NAME})*(?:,?\s+and\s+{NAME})?$")


def title_and_authors(first_page: list[str]) -> tuple[str, list[str], int]:
    """Title (lines before the authors line, at most three), authors, and the number of lines used."""
    lines = [x.strip() for x in first_page]
    idx = [i for i, x in enumerate(lines) if x]
    if not idx:
        return "", [], 0
    title_lines: list[str] = []
    for k, i in enumerate(idx[:6]):
        line = lines[i]
        m = AUTHORS_LINE.match(line)
        if m or (title_lines and NAMES_ONLY.match(line) and len(line.split()) <= 12):
            names = m.group("names") if m else line
            authors = [HONORIFIC.sub("", a).strip() for a in re.split(r",\s*|\s+and\s+|\s*&\s*", names)
                       if a.strip()]
            end = i + 1
            # the byline block (institute, series, date) runs to the next blank line
            while end < len(lines) and lines[end] and end - i <= 3:
                end += 1
            return " ".join(title_lines), authors, end
        if TITLE_SKIP.match(line) and not title_lines:
            continue
        if len(title_lines) < 3 and (k == 0 or i == idx[k - 1] + 1) and not re.search(r"[.;]$", line):
            title_lines.append(line)
        else:
            break
    return " ".join(title_lines[:1]), [], idx[0] + 1


def strip_markers(text: str, numbers: set[int]) -> str:
    """Remove footnote markers: ``[N]``, or a known footnote number glued to a word's end or to punctuation."""
    if not numbers:
        return text
    alt = "|".join(str(n) for n in sorted(numbers, reverse=True))
    text = re.sub(rf"\[(?:{alt})\]", "", text)
    return re.sub(rf"(?<=[a-z\u00e0-\u017f.,;:)\]\"\u201d\u2019'])(?:{alt})(?=[\s.,;:)]|$)", "", text)
