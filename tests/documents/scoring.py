"""Score a processed document against its spec: precision and recall per item type.

Matching rules (also in docs/methods/words.md):

* title: exact, spaces normalised; authors: (name, affiliation) pairs, exact;
* footnotes: (number, URL, date, language note) tuples, exact; "url_notes" counts only the notes with a
  URL, as (number, URL);
* proposals: (label, full text), exact after spaces are normalised (label without its bracket or dot);
* quotes: same speaker, and a token F1 of at least 0.8 between the found and the planted text; the verb is
  scored apart (share of matched quotes with the planted verb);
* markers: a footnote's citing block holds the opening words of the paragraph that carries its marker;
* furniture: body blocks that still hold a running header or a bare page number (should be none);
* hyphenation: planted words of nine letters or more found whole in the body text.
"""

from __future__ import annotations

import re
from collections import Counter

MARK = re.compile(r"\^(\d+)")


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def prf(found: list, planted: list) -> tuple[float, float, int, int, int]:
    f, p = Counter(found), Counter(planted)
    hit = sum((f & p).values())
    return (hit / sum(f.values()) if f else 1.0, hit / sum(p.values()) if p else 1.0, hit, sum(f.values()),
            sum(p.values()))


def _tokens(text: str) -> Counter:
    return Counter(re.findall(r"[\w'-]+", text.lower()))


def token_f1(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    hit = sum((ta & tb).values())
    if not hit:
        return 0.0
    p, r = hit / sum(ta.values()), hit / sum(tb.values())
    return 2 * p * r / (p + r)


def score(spec: dict, doc) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    out["title"] = prf([_norm(doc.title)], [_norm(spec["title"])])
    out["authors"] = prf([(a, f) for a, f in zip(doc.authors, doc.affiliations, strict=False)],
                         [tuple(x) for x in spec["authors"]])
    found_notes = [(f.number, f.url, f.date, f.language) for f in doc.footnotes]
    planted_notes = [(n, *v) for n, v in spec["expected_notes"].items()]
    out["footnotes"] = prf(found_notes, planted_notes)
    out["url_notes"] = prf([(f.number, f.url) for f in doc.footnotes if f.url],
                           [(n, v[0]) for n, v in spec["expected_notes"].items() if v[0]])
    planted_props = [(b[1].rstrip(").").strip(), _norm(b[2])) for b in spec["body"] if b[0] == "li"]
    out["proposals"] = prf([(p.number, _norm(p.text)) for p in doc.proposals], planted_props)
    # quotes: greedy one-to-one matching
    used, hits, verbs = set(), 0, 0
    for speaker, verb, text in spec["quotes"]:
        for k, q in enumerate(doc.quotes):
            if k not in used and q.person == speaker and token_f1(q.text, text) >= 0.8:
                used.add(k)
                hits += 1
                verbs += q.verb.lower() == verb.lower()
                break
    n_found, n_planted = len(doc.quotes), len(spec["quotes"])
    out["quotes"] = (hits / n_found if n_found else 1.0, hits / n_planted if n_planted else 1.0, hits,
                     n_found, n_planted)
    out["quote_verbs"] = (verbs / hits if hits else 1.0, verbs / hits if hits else 1.0, verbs, hits, hits)
    # markers linked to the block that cites them
    planted_links, found_links = [], []
    for b in spec["body"]:
        if b[0] == "p":
            opening = " ".join(MARK.sub("", b[1]).split()[:6])
            planted_links += [(int(n), opening) for n in MARK.findall(b[1])]
    for f in doc.footnotes:
        if f.cited_in is not None:
            text = _norm(doc.blocks[f.cited_in].text)
            for n, opening in planted_links:
                if n == f.number and text.startswith(opening):
                    found_links.append((n, opening))
                    break
            else:
                found_links.append((f.number, "?"))
    out["markers"] = prf(found_links, planted_links)
    headers = {_norm(h) for h in spec["running"]}
    bad = [b for b in doc.blocks if any(h in _norm(b.text) for h in headers) or re.fullmatch(r"\d{1,3}", b.text.strip())]
    out["furniture_left"] = (len(bad),)
    body = " ".join(MARK.sub("", b[-1]) for b in spec["body"] if b[0] != "h")
    long_words = [w for w in re.findall(r"[A-Za-z]{9,}", body)]
    text = " " + " ".join(b.text for b in doc.blocks) + " "
    whole = [w for w in long_words if re.search(rf"(?<![A-Za-z-]){w}(?![A-Za-z-])", text)]
    out["hyphenation"] = (1.0, len(whole) / len(long_words) if long_words else 1.0, len(whole), len(long_words),
                          len(long_words))
    return out


def table(rows: dict[str, dict[str, tuple]]) -> str:
    """Pool per-document scores by item type: precision and recall over all items."""
    lines = []
    kinds = [k for k in next(iter(rows.values())) if k != "furniture_left"]
    for kind in kinds:
        hit = sum(r[kind][2] for r in rows.values())
        found = sum(r[kind][3] for r in rows.values())
        planted = sum(r[kind][4] for r in rows.values())
        p = hit / found if found else 1.0
        r = hit / planted if planted else 1.0
        lines.append(f"{kind:14s} precision {p:.2f} recall {r:.2f}  ({hit} right, {found} found, {planted} planted)")
    left = sum(r["furniture_left"][0] for r in rows.values())
    lines.append(f"{'furniture':14s} blocks still holding a running header or page number: {left}")
    return "\n".join(lines)
