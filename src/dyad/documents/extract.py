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
    (re.compile(r"(?<![\d.])(\d{2})\.(\d{2})\.(\d{4})(?![\d])"), "dotted"),     # 01.03.2018 (day first)
)
URL = re.compile(r"https?://[^\s<>\"\u201d]+")
PROPOSAL_HEADING = re.compile(r"recommendation|proposal|policy options|what .* (?:should|could|must|can) do|"
                              r"the way forward|conclusion|next steps|what is to be done|measures|suggestions",
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
    language: str | None = None      # ISO 639-1 code of a "(In Russian)"-type note
    cited_in: int | None = None      # index of the first block carrying the note's marker


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
    verb: str = ""                   # "said", "notes", "according to", ...


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
    if kind == "dotted":
        day, month = int(m.group(1)), int(m.group(2))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return None
        return f"{m.group(3)}-{month:02d}-{day:02d}"
    return f"{int(m.group(2)):04d}-{MONTHS.index(m.group(1).lower()) + 1:02d}"


LANGUAGE_NOTE = re.compile(r"\((?:in|in the)\s+(Russian|Chinese|English|French|German|Japanese|Korean|Kazakh|"
                           r"Ukrainian|Spanish)\)", re.IGNORECASE)
LANGUAGE_CODES = {"russian": "ru", "chinese": "zh", "english": "en", "french": "fr", "german": "de",
                  "japanese": "ja", "korean": "ko", "kazakh": "kk", "ukrainian": "uk", "spanish": "es"}


def undouble(url: str) -> str:
    """A URL printed twice in a row ("http://a/1http://a/1", a PDF link and its text) -> once."""
    for m in re.finditer(r"https?://", url):
        k = m.start()
        if k and url[:k] == url[k:2 * k] and len(url) == 2 * k:
            return url[:k]
    return url


def footnote(number: int, text: str, cited_in: int | None = None) -> Footnote:
    """A footnote's URL (trailing punctuation removed, a doubled URL once), dates and language note."""
    url_match = URL.search(text)
    url = undouble(url_match.group(0).rstrip(".,;:)]")) if url_match else None
    lang = LANGUAGE_NOTE.search(text)
    language = LANGUAGE_CODES[lang.group(1).lower()] if lang else None
    accessed = None
    acc = re.search(r"\b(?:accessed|retrieved|last visited)(?: on)?\s+(.{0,40})", text, re.IGNORECASE)
    rest = text
    if acc:
        accessed = parse_date(acc.group(1))
        rest = text[:acc.start()]
    return Footnote(number, text, url, parse_date(URL.sub(" ", rest)), accessed, language, cited_in)


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


def proposal_section_items(blocks: list[Block]) -> list[Proposal]:
    """Proposals as :func:`proposals` finds them; when it finds none, the document's last run of at least
    three list items numbered or lettered in sequence (1, 2, 3 ... or a, b, c ...) after the middle of the
    document, where concluding proposals sit."""
    found = proposals(blocks)
    if found:
        return found
    runs: list[list[int]] = []
    for i, b in enumerate(blocks):
        if b.kind != "list_item" or not b.number:
            continue
        if runs and runs[-1] and _next_label(blocks[runs[-1][-1]].number) == b.number and \
                all(blocks[k].kind != "heading" for k in range(runs[-1][-1] + 1, i)):
            runs[-1].append(i)
        elif b.number in ("1", "a"):
            runs.append([i])
    runs = [r for r in runs if len(r) >= 3 and r[0] >= len(blocks) // 2]
    return [Proposal(blocks[i].number, blocks[i].text, i) for i in runs[-1]] if runs else []


def _next_label(label: str) -> str:
    if label.isdigit():
        return str(int(label) + 1)
    return chr(ord(label) + 1) if len(label) == 1 and label.isalpha() else ""


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
    """Quotations and attributed paraphrases: speaker, verb, text, with role and organisation when given.

    First the four phrasings with a role and an organisation (``QUOTE_PATTERNS``); then the attributions of
    ``ATTRIBUTIONS``: "As A.M. Kramarenko notes, ...", "According to V.B. Kashin(, role), ...", "In the
    view of X, ...", "X(, role,) believes that ...", "Professor X of the Y University argues that ...",
    "“...,” said X" and "X said: “...”". A speaker is a person's name (initials and a surname, or two or
    three capitalised words) that names no country, organisation or place; a paraphrase runs to the end
    of its sentence.
    """
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
                verb = next((w for w in VERBS if re.search(rf"\b{w}\b", m.group(0))), "")
                out.append(Quote(m.group("quote").strip().rstrip(","), m.group("person").strip(), role, org, i,
                                 verb))
        for pattern, verb_group in ATTRIBUTIONS:
            for m in pattern.finditer(b.text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                person, title = _person(m.group("person"))
                if not person:
                    continue
                text = m.group("text").strip().strip("\u201c\u201d\"").strip().rstrip(",.;").strip()
                if len(text.split()) < 3:
                    continue
                role = " ".join(x for x in (title, _clean_role(m.groupdict().get("role") or "")) if x)
                before = _clean_role(m.groupdict().get("before") or "")
                role = role or before
                org = _clean_role(m.groupdict().get("org") or "")
                if not org and role:
                    role, org = _split_role(role)
                verb = verb_group if not verb_group.startswith("?") else m.group(verb_group[1:])
                verb = _VIEW.get(verb.lower(), verb)
                taken.append((m.start(), m.end()))
                out.append(Quote(text, person, role, org, i, " ".join(verb.lower().split())))
    return sorted(out, key=lambda q: q.block)


VERBS = ("said", "says", "noted", "notes", "argued", "argues", "stated", "states", "warned", "warns", "wrote",
         "writes", "observed", "observes", "believes", "believed", "points out", "pointed out", "maintains",
         "maintained", "suggests", "suggested", "emphasizes", "emphasises", "emphasized", "emphasised",
         "stresses", "stressed", "claims", "claimed", "thinks", "considers", "asserts", "asserted",
         "concludes", "concluded", "explains", "explained", "insists", "insisted", "holds", "remarks",
         "remarked", "recalls", "recalled", "is convinced", "put it", "puts it", "told")
_VERB = "(?P<verb>" + "|".join(v.replace(" ", r"\s+") for v in sorted(VERBS, key=len, reverse=True)) + ")"
_INITIALS = r"(?:[A-Z]\.\s?){1,2}[A-Z][a-z\u00e0-\u017f]+(?:-[A-Z][a-z]+)?"
_NAME = r"(?:[A-Z][a-z\u00e0-\u017f'\u2019]+(?:-[A-Z][a-z]+)?\s){1,3}[A-Z][a-z\u00e0-\u017f'\u2019]+(?:-[A-Z][a-z]+)?"
_PERSON = rf"(?P<person>{_INITIALS}|{_NAME})"
_ROLE = r"(?P<role>(?:the\s+|a\s+|an\s+)?[A-Za-z][^,.;:\u201c\u201d\"]{2,120})"
_BEFORE = r"(?P<before>(?:[Tt]he\s+|[Aa]\s+|[Aa]n\s+)?[A-Za-z][^,.;:\u201c\u201d\"]{2,120}),\s+"
_ORG = r"(?P<org>(?:the\s+)?(?:[A-Z][\w'-]*|of|and|for|the|on)(?:\s+(?:[A-Z][\w'-]*|of|and|for|the|on)){0,8})"
# a paraphrase runs to its sentence's end: a full stop followed by a capital or the block end, and not one
# that closes an initial ("A.M.")
_TEXT = r"(?P<text>[^\u201c\u201d\"]{10,900}?)(?=(?<![\s.][A-Z])\.(?:\s+[A-Z\u201c\"]|\s*$)|$)"
_QTEXT = r"[\u201c\"](?P<text>[^\u201c\u201d\"]{8,900}?)[,.]?[\u201d\"]"
ATTRIBUTIONS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(rf"\bAs\s+(?:(?:the|a)\s+(?P<before>[a-z][\w -]{{2,60}}?)\s+)?{_PERSON}(?:,\s+{_ROLE},)?\s+"
                rf"{_VERB},\s+{_TEXT}"), "?verb"),
    (re.compile(rf"\b[Aa]ccording\s+to\s+(?:{_BEFORE})?{_PERSON}(?:,\s+{_ROLE})?,\s+(?![\u201c\"]){_TEXT}"),
     "according to"),
    (re.compile(rf"\b[Ii]n\s+the\s+(?P<verb>view|opinion)\s+of\s+{_PERSON}(?:,\s+{_ROLE})?,\s+{_TEXT}"),
     "?verb"),
    (re.compile(rf"{_QTEXT},?\s+{_VERB}\s+{_PERSON}(?:,\s+{_ROLE})?(?=[.;,]|$)"), "?verb"),
    (re.compile(rf"(?:(?<=[.;:]\s)|(?<=^)|(?<=,\s))(?:{_BEFORE})?{_PERSON}(?:,\s+{_ROLE},|\s+(?:of|at)\s+{_ORG})?\s+"
                rf"{_VERB}(?:\s+that)?[:,]?\s+{_QTEXT}"), "?verb"),
    (re.compile(rf"(?:(?<=[.;:]\s)|(?<=^)|(?<=,\s))(?:{_BEFORE})?{_PERSON}(?:,\s+{_ROLE},|\s+(?:of|at)\s+{_ORG})?,?\s+"
                rf"{_VERB}\s+that\s+{_TEXT}"), "?verb"),
    # initials make a name unmistakable: a role may stand before it without a comma ("Deputy Foreign
    # Minister P.A. Zharov said that ...", "The former ambassador G.I. Rudnev noted that ...")
    (re.compile(rf"(?:(?<=[.;:]\s)|(?<=^))(?P<before>[A-Za-z][\w .'-]{{0,80}}?\s)?(?P<person>{_INITIALS})"
                rf"(?:,\s+{_ROLE},)?\s+{_VERB}(?:\s+that)?[:,]?\s+{_TEXT}"), "?verb"),
)
_VIEW = {"view": "in the view of", "opinion": "in the opinion of"}
TITLES = frozenset("""professor prof dr president minister deputy director head ambassador chairman chairwoman chair
rector dean chief foreign vice secretary general senator governor academician associate senior former
researcher fellow analyst expert economist sociologist historian political scientist mr mrs ms""".split())
NOT_NAMES = frozenset("""the this that these those our its their his her some many most both all western eastern
russian chinese american european asian united states federation republic ministry government union council
organisation organization bank university institute centre center academy club forum commission committee
party kremlin beijing moscow washington brussels china russia india japan korea europe asia experts observers
however meanwhile moreover yet still while although if when after before since north south east west
northern southern far""".split())


def _person(raw: str) -> tuple[str, str]:
    """(name, title words in front of it) or ("", "") when the words do not name a person."""
    words = raw.split()
    title: list[str] = []
    while words and words[0].lower().rstrip(".") in TITLES:
        title.append(words.pop(0))
    if not words:
        return "", ""
    name = " ".join(words)
    initials = re.match(r"^(?:[A-Z]\.\s?){1,2}[A-Z]", name) is not None
    if not initials and (len(words) < 2 or any(w.lower().strip("'\u2019") in NOT_NAMES for w in words)):
        return "", ""
    if any(w.lower() in NOT_NAMES for w in words[-1:]):
        return "", ""
    if country_mentions(name):
        return "", ""
    return name, " ".join(title)


def _clean_role(text: str) -> str:
    text = " ".join(text.split()).strip(" ,")
    return re.sub(r"^(?:the|a|an)\s+", "", text)


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
def _country_index() -> dict[str, list[tuple[str, str]]]:
    """Country names and aliases known to dyad.countries (longer than three letters, no commas or
    brackets), plus the demonyms above, lower case, by their first word; longest first within a word so
    "Republic of Korea" wins over "Republic"."""
    from dyad import countries

    names = {n.lower(): iso for n, iso in countries.code_map("name").items()
             if iso and len(n) > 3 and not re.search(r"[,()]", n)}
    names.update({d.lower(): iso for d, iso in DEMONYMS.items() if iso})
    index: dict[str, list[tuple[str, str]]] = {}
    for name, iso in names.items():
        first = re.match(r"\w+", name)
        if first:
            index.setdefault(first.group(0), []).append((name, iso))
    for cands in index.values():
        cands.sort(key=lambda c: (-len(c[0]), c[0]))
    return index


_CAPITAL_START = re.compile(r"(?<![\w-])[A-Z]\w*")


def country_mentions(text: str) -> dict[str, int]:
    """Countries named in a text: a name must start with a capital letter ("china" ware, "turkey" the bird
    are not countries) and end at a word boundary. One pass from left to right: at each capitalised word
    the longest known name starting there is taken and the scan goes on after it, so the work grows with
    the text's length (no comparison with earlier matches)."""
    folded = _fold(text)
    lower = folded.lower()
    index = _country_index()
    counts: dict[str, int] = {}
    pos = 0
    for m in _CAPITAL_START.finditer(folded):
        if m.start() < pos:
            continue
        for name, iso in index.get(m.group(0).lower(), ()):
            end = m.start() + len(name)
            if lower.startswith(name, m.start()) and (end == len(lower) or not (lower[end].isalnum() or lower[end] == "_")):
                counts[iso] = counts.get(iso, 0) + 1
                pos = end
                break
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
# title-page lines that are not the title: series and numbers, publisher names in capitals, place and year
SERIES = re.compile(r"\b(?:report|paper|brief|series|no\.|issue|working paper|analytical|commentary)\b|\|",
                    re.IGNORECASE)
PLACE_YEAR = re.compile(r"^[A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+)?,?\s+(?:19|20)\d{2}$")
HONORIFIC = re.compile(r"^(?:(?:Dr|Prof|Professor|Ambassador|Mr|Mrs|Ms|Sir|Dame)\.?\s+)+")
AUTHORS_LINE = re.compile(r"^(?:By|Authors?:)\s+(?P<names>.+)$")
AUTHORS_LABEL = re.compile(r"^(?:Authors?|Contributors|Prepared by|Written by):?$", re.IGNORECASE)
NAME = r"[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){1,4}"
NAMES_ONLY = re.compile(rf"^{NAME}(?:,\s+{NAME})*(?:,?\s+and\s+{NAME})?$")
PERSON_NAME = re.compile(rf"^(?:{_INITIALS}|{_NAME}|[A-Z][a-z]+ [A-Z]\.(?:\s?[A-Z]\.)?)$")
NAME_AFFILIATION = re.compile(r"^(?P<name>[^,(]+?)\s*(?:,\s*|\s+\(|\s+[\u2013\u2014-]\s+)(?P<aff>.+?)\)?$")


def _split_names(names: str) -> list[tuple[str, str]]:
    """"A (Org) and B (Org)" or "A, B & C" -> [(name, affiliation)]."""
    if "(" in names:
        pairs = re.findall(r"([^()]+?)\s*\(([^()]+)\)", names)
        out = []
        for name, aff in pairs:
            name = re.sub(r"^(?:,|and\b|&)\s*", "", name.strip()).strip()
            out.append((HONORIFIC.sub("", name).strip(), aff.strip()))
        return out
    return [(HONORIFIC.sub("", a).strip(), "") for a in re.split(r",\s*|\s+and\s+|\s*&\s*", names) if a.strip()]


def title_and_authors(first_page: list[str]) -> tuple[str, list[str], int]:
    """Title, authors and the number of title-page lines used (see :func:`title_page`)."""
    title, authors, used = title_page(first_page)
    return title, [a for a, _ in authors], used


def title_page(first_page: list[str]) -> tuple[str, list[tuple[str, str]], int]:
    """Title, authors as (name, affiliation) and the number of lines used, from a report's first page.

    The authors are a byline ("By A and B", "By A (Org) and B (Org)", "Authors: A, B & C"), a line of
    names right under the title, or an "Authors:" label followed by one "Name, affiliation" line per
    author. The title is the group of lines (at most three, no blank between them) just above the
    authors, less series lines ("Report No. 52", "Policy Paper", lines with "|"), publisher names in
    capitals and "City Year" lines. Without authors, the first such line is the title.
    """
    lines = [x.strip() for x in first_page]
    idx = [i for i, x in enumerate(lines) if x]
    if not idx:
        return "", [], 0
    authors: list[tuple[str, str]] = []
    at = end = None
    for k, i in enumerate(idx[:14]):
        line = lines[i]
        m = AUTHORS_LINE.match(line)
        if m:
            authors, at, end = _split_names(m.group("names")), i, i + 1
            break
        if AUTHORS_LABEL.match(line):
            j = i + 1
            while j < len(lines) and lines[j]:
                na = NAME_AFFILIATION.match(lines[j])
                if na and PERSON_NAME.match(HONORIFIC.sub("", na.group("name")).strip()):
                    authors.append((HONORIFIC.sub("", na.group("name")).strip(), na.group("aff").strip()))
                elif PERSON_NAME.match(lines[j]):
                    authors.append((lines[j], ""))
                else:
                    break
                j += 1
            if authors:
                at, end = i, j
                break
        if k and NAMES_ONLY.match(line) and len(line.split()) <= 12 and _title_line(lines[idx[k - 1]]) \
                and idx[k - 1] == i - 1:
            authors, at, end = _split_names(line), i, i + 1
            break
    if at is None:
        first = next((lines[i] for i in idx[:6] if _title_line(lines[i])), lines[idx[0]])
        return first, [], lines.index(first) + 1
    # the byline block (institute, series, date) runs to the next blank line
    while end < len(lines) and lines[end] and end - at <= 3:
        end += 1
    group: list[str] = []
    i = at - 1
    while i >= 0 and not lines[i]:
        i -= 1
    while i >= 0 and lines[i] and _title_line(lines[i]) and len(group) < 3:
        group.insert(0, lines[i])
        i -= 1
    return " ".join(group), authors, end


def _title_line(line: str) -> bool:
    if TITLE_SKIP.match(line) or SERIES.search(line) or PLACE_YEAR.match(line) or AUTHORS_LABEL.match(line):
        return False
    letters = [c for c in line if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3:
        return False          # a publisher's name in capitals
    return not re.search(r"[.;]$", line)


def marker_numbers(text: str, numbers: set[int]) -> list[int]:
    """Known footnote numbers whose markers (``[N]`` or glued to a word or punctuation) occur in a text."""
    if not numbers:
        return []
    alt = "|".join(str(n) for n in sorted(numbers, reverse=True))
    found = re.findall(rf"\[({alt})\]|(?<=[a-z\u00e0-\u017f.,;:)\]\"\u201d\u2019'])({alt})(?=[\s.,;:)]|$)", text)
    return [int(a or b) for a, b in found]


def strip_markers(text: str, numbers: set[int]) -> str:
    """Remove footnote markers: ``[N]``, or a known footnote number glued to a word's end or to punctuation."""
    if not numbers:
        return text
    alt = "|".join(str(n) for n in sorted(numbers, reverse=True))
    text = re.sub(rf"\[(?:{alt})\]", "", text)
    return re.sub(rf"(?<=[a-z\u00e0-\u017f.,;:)\]\"\u201d\u2019'])(?:{alt})(?=[\s.,;:)]|$)", "", text)
