"""How the report writes things for readers: country names, chart titles without "a" and "b", human units.

Indicator labels in the registry are written for any pair ("Exports a→b", "GDP of a"). The report shows a
title that does not depend on the order of the pair (both directions share one chart) and legend entries with
country names. Units are rescaled so that no axis label needs more than four significant digits.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from dyad.countries import name as _country_name

# Official names that read long in a title; the report uses the common short form.
SHORT_NAMES = {"Russian Federation": "Russia", "Congo, The Democratic Republic of the": "DR Congo",
               "Palestine, State of": "Palestine"}
# Names read with "the" inside a sentence ("the United States and China stood ...").
_WITH_THE = re.compile(r"^United |Republic$|Islands$|^(Netherlands|Philippines|Bahamas|Maldives|Comoros|Gambia)$")


@lru_cache(maxsize=4096)
def country(iso3: str) -> str:
    """The name a reader expects ("Russia", not "Russian Federation"); the code itself if unknown."""
    try:
        full = _country_name(iso3)
    except Exception:  # noqa: BLE001 - an unknown code is shown as given
        return str(iso3)
    return SHORT_NAMES.get(full, full)


def in_sentence(iso3: str) -> str:
    """The country's name as written inside a sentence: "the United States", "China"."""
    name = country(iso3)
    return f"the {name}" if _WITH_THE.search(name) else name


def dyad_name(a: str, b: str) -> str:
    return f"{country(a)} – {country(b)}"


# Phrases of registry labels that name the ordered pair, and what a direction-neutral title says instead.
_NEUTRAL = (
    (re.compile(r"\s*\((\w+) a\s*/\s*\1 b\)"), r" (\1)"),          # "Capability ratio (CINC a / CINC b)"
    (re.compile(r"\bon D\d \(([^)]*)\)"), r"on \1"),                  # "Speech emphasis on D1 (political trust)"
    (re.compile(r"\s+of a with b\b"), ""),
    (re.compile(r",?\s*a\s*(?:→|->|to)\s*b\b"), ""),
    (re.compile(r"\bin a's exports to b\b"), "in exports to the partner"),
    (re.compile(r"\bof a's exports to b\b"), "of exports to the partner"),
    (re.compile(r"\ba's share of b's\b"), "the supplier's share of the recipient's"),
    # drawn for each side, so "each country's"; the chart is on the GDP basis, not "GDP or total trade"
    (re.compile(r"\bto a's GDP(?: or total trade)?"), "to each country's GDP"),
    (re.compile(r"\bto a's\b"), "to the reporter's"),
    (re.compile(r"\s+of a\b"), ""),
)
_PAIR_TOKEN = re.compile(r"(?<![\w'’])(a|b)(?:'s)?(?![\w'’→-])")


def neutral_title(label: str) -> str:
    """A registry label with the ordered pair taken out: "Exports a→b" -> "Exports"."""
    text = label
    for pattern, repl in _NEUTRAL:
        text = pattern.sub(repl, text)
    text = re.sub(r"\s{2,}", " ", text).strip(" ,")
    if _PAIR_TOKEN.search(text):            # a phrasing the rules above do not know: name no pair at all
        text = _PAIR_TOKEN.sub("each side", text)
    return text[:1].upper() + text[1:]


def mentions_partner(label: str) -> bool:
    """True when a label's value depends on the partner b (exports a→b), False for a country's own
    figure drawn per side (GDP of a)."""
    return bool(re.search(r"(?<![\w'’])b(?:'s)?(?![\w'’-])", label.replace("→", " ")))


@lru_cache(maxsize=4096)
def series_name(label: str, a: str, b: str, directed: bool) -> str:
    """Legend entry of one series: "China → Russia" for a directed value, "China" for a country's own
    figure, "China – Russia" for a symmetric one."""
    if not directed:
        return dyad_name(a, b)
    if not mentions_partner(label):
        return country(a)
    return f"{country(a)} → {country(b)}"


# ------------------------------------------------------------------------------------------- units

_SCALES = ((1e9, "bn"), (1e6, "mn"), (1e3, "thousand"))


def human_unit(unit: str, values) -> tuple[float, str]:
    """(factor to divide values by, unit label) so that the axis reads 240 bn USD, 85 %, 12 thousand events.

    Shares on 0..1 become percent; large counts and money are scaled to thousands, millions or billions."""
    finite = [abs(float(v)) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    top = max(finite) if finite else 0.0
    u = unit.strip()
    if u.lower() == "percent":
        return 1.0, "%"
    if u.lower().startswith("share") and "-1" not in u and top <= 1.0:
        rest = u[len("share"):].strip().replace("lexicon matches", "direction words")
        return 0.01, f"% {rest}".strip()
    if u.lower().startswith("percentile"):
        return 1.0, "percentile"
    if m := re.fullmatch(r"(\w+) millions", u):     # already scaled by the source (SIPRI TIV millions)
        return 1.0, f"million {m[1]}"
    if m := _RANGE.match(u):                        # "index -1..1" -> "index (−1 to 1)", "0..1" -> "index (0 to 1)"
        what = m["what"].strip() or "index"
        return 1.0, f"{what} ({m['lo'].replace('-', '−')} to {m['hi'].replace('-', '−')})"
    for factor, word in _SCALES:
        if top >= 10 * factor:
            return factor, f"{word} {u}"
    return 1.0, u


AXIS_FORMAT = ",.4~r"     # at most four significant digits on an axis
VALUE_FORMAT = ",.4~r"


def number(value: float, digits: int = 3) -> str:
    """A value written for a sentence: 3 significant digits, thousands separators, no exponent."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if value == 0:
        return "0"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    return f"{round(value, decimals):,.{decimals}f}"


def lower_first(text: str) -> str:
    """"Exports" -> "exports" inside a sentence, but "UN vote ..." stays as it is."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


_RANGE = re.compile(r"^(?P<what>.*?)\s*\(?(?P<lo>-?\d+)\.\.(?P<hi>-?\d+)\)?$")


def quantity(value: float, unit: str) -> str:
    """A value with its unit for a sentence: 239 bn USD, 85.2%, 1,203 events, 0.75 (index from -1 to 1)."""
    m = _RANGE.match(unit.strip())
    if m and not unit.lower().startswith(("share of", "percent")):
        what = m["what"].strip() or "scale"
        return f"{number(value)} ({what} from {m['lo']} to {m['hi']})"
    factor, label = human_unit(unit, [value])
    v = value / factor
    if label.startswith("%"):
        return f"{number(v)}{label}"          # 85.2% or 85.2% of joint roll calls
    return f"{number(v)} {label}"


_DEV_SENTENCE = re.compile(r"``|=|\boption\b|\b(?:un)?directed\b|\bNaN\b|->|\bby default\b"
                           r"|\b[a-z]+_[a-z_]+\b|\bstate-year covariate\b", re.I)
# Phrases of registry descriptions that read as code or name the wrong country on a chart drawn for each side.
_PLAIN = (
    (re.compile(r"\s*\(via peacesciencer\)"), ""),
    (re.compile(r"\s*\(swap the pair for the other\)"), ""),
    (re.compile(r"\bdirections-lexicon matches\b"), "words of the five-direction word list"),
    (re.compile(r"^Cosine of the two speeches' TF-IDF vectors; idf fitted on every stored speech\."),
     "How alike the two countries' speeches of the year are in their words: the cosine of their TF-IDF word "
     "weights, 0 with no word in common, 1 for the same words in the same proportions."),
    (re.compile(r"\s*\([^()]*\b[a-z]+_[a-z_]+\b[^()]*\)"), ""),     # "(the level behind trade_share_coal)"
)
_BOTH_WAYS = (
    (re.compile(r"\ba\s*(?:→|->)\s*b\b|\bfrom a to b\b"), "from each country to the other"),
    (re.compile(r"\bin a's exports to b\b"), "in each country's exports to the other"),
    (re.compile(r"\bb's arms imports\b"), "the recipient's arms imports"),
    (re.compile(r"\bcame from a\b"), "came from the supplier"),
    (re.compile(r"\bthe first-named country over the other's\b"), "the first country of each line over the second's"),
)
_EACH_SIDE = (
    (re.compile(r"\bof the country named first\b"), "of each country"),
    (re.compile(r"\bthe first-named country's\b"), "each country's"),
    (re.compile(r"\bthe first-named country over the other's\b"), "the first country of each line over the second's"),
    (re.compile(r"(?<![\w'’])a's\b"), "each country's"),
)
_PAIR_WORDS = (
    (re.compile(r"\ba\s*(?:→|->)\s*b\b"), "{a} → {b}"),
    (re.compile(r"\bb\s*(?:→|->)\s*a\b"), "{b} → {a}"),
    (re.compile(r"(?<![\w'’])a's\b"), "{a}'s"),
    (re.compile(r"(?<![\w'’])b's\b"), "{b}'s"),
    (re.compile(r"\bbetween a and b\b"), "between {a} and {b}"),
    (re.compile(r"\ba or b\b"), "{a} or {b}"),
    (re.compile(r"\bfrom a to b\b"), "from {a} to {b}"),
    (re.compile(r"\b(from|to|with|of|by|and) a(?=\s*[,.;:)]|\s*$)"), r"\1 {a}"),
    (re.compile(r"\b(from|to|with|of|by|and) b(?=\s*[,.;:)]|\s*$|\s+(?:minus|plus|per)\b)"), r"\1 {b}"),
    (re.compile(r"\b(from|to|with|of) b\b(?=\s+(?:minus|plus))"), r"\1 {b}"),
)


def user_text(text: str, a: str, b: str, each_side: bool = False, both_ways: bool = False) -> str:
    """A registry description for readers: sentences about options and code left out, the pair's
    placeholders (a's, a→b, from a, to b) replaced by the two countries' names. ``each_side``: the chart draws
    the figure for both countries (GDP, a speech's emphasis), so "the country named first" and "a's" become
    "each country". ``both_ways``: the chart draws both directions (exports, arms), so "a→b" becomes "from each
    country to the other"."""
    for pattern, repl in _PLAIN + (_EACH_SIDE if each_side else ()) + (_BOTH_WAYS if both_ways else ()):
        text = pattern.sub(repl, text)
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    kept = []
    for sentence in sentences:
        clauses = [c for c in re.split(r";\s*", sentence.rstrip(".")) if c and not _DEV_SENTENCE.search(c)]
        if clauses:
            kept.append("; ".join(clauses) + ".")
    out = " ".join(kept)
    for pattern, repl in _PAIR_WORDS:
        out = pattern.sub(repl.replace("{a}", country(a)).replace("{b}", country(b)), out)
    return out[:1].upper() + out[1:] if out else ""


def placeholder_debris(text: str) -> list[str]:
    """Pieces of text that still read like a registry placeholder ("of a with b", "a→b", "a's"); the report
    tests fail on any."""
    pats = [r"\ba with b\b", r"\b[ab] or [ab]\b", r"\b[ab]\s*(?:→|->)\s*[ab]\b", r"(?<![\w'’])[ab]'s\b",
            r"\b(?:of|from|with|to) [ab](?=\s*[,.;:)]|\s*$)", r"\bfrom a to b\b", r"\{#", "`"]
    return [m.group(0) for p in pats for m in re.finditer(p, text, flags=re.M)]
