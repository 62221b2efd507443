"""Clean text taken from a report's pages: what a PDF leaves behind that is not the author's text.

Steps, in order (each documented with its rule in docs/methods/words.md):

1. page numbers: a bare number (``12``, ``- 12 -``, ``Page 12``, ``12 of 40``) among the first or last two
   non-blank lines of a page;
2. running headers and footers: a line among the first or last two non-blank lines of a page that, with
   digits masked, recurs in that position on at least two pages and 40% of them;
3. publisher blocks: from an ``About ...`` line (or the page top) to the page end, when that part holds at
   least two imprint markers (an ``About`` line opening it, "All rights reserved", a copyright sign or word,
   an ISBN, "Published by");
4. footnotes: at a page's foot, a line ``N text`` where N is the next footnote number expected and the body
   so far carries the marker N attached to a word or punctuation (``cooperation.3``); from there to the page
   end every line belongs to footnotes (a line starting with the next number opens the next one). A "Notes"
   or "Endnotes" heading followed by the expected number opens an endnote section the same way;
5. pages are joined; a paragraph cut by a page break is rejoined when the page's last body line does not end
   a sentence or the next page starts in lower case.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-\u2013\u2014]?\s*\d{1,4}\s*[-\u2013\u2014]?(?:\s*(?:/|of)\s*\d{1,4})?\s*$",
                         re.IGNORECASE)
FOOTNOTE_START = re.compile(r"^\s*(\d{1,3})\s+(\S.*)$")          # "3 See ..." (no dot: "3." is a list)
ENDNOTE_START = re.compile(r"^\s*(\d{1,3})[.)]?\s+(\S.*)$")
NOTES_HEADING = re.compile(r"^\s*(?:end)?notes\s*$", re.IGNORECASE)
ABOUT_LINE = re.compile(r"^\s*About\b.{0,80}$")
IMPRINT = [re.compile(p, re.IGNORECASE) for p in (
    r"all rights reserved", r"\u00a9|\bcopyright\b|\(c\)\s*\d{4}", r"\bISBN\b", r"\bpublished by\b")]
SENTENCE_END = re.compile(r"[.!?:;\"\u201d\u2019)]\d{0,3}$")   # a footnote marker may follow
EDGE = 2   # how many non-blank lines at the top and bottom of a page count as header/footer positions


@dataclass
class Cleaned:
    """Body lines (blank lines separate blocks), footnotes as (number, raw lines), and what was removed."""

    body: list[str]
    footnotes: list[tuple[int, list[str]]]
    removed: dict[str, list[str]] = field(default_factory=dict)


def _edges(page: list[str]) -> list[int]:
    idx = [i for i, line in enumerate(page) if line.strip()]
    return sorted(set(idx[:EDGE] + idx[-EDGE:]))


def _mask(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _drop(page: list[str], drop: set[int]) -> list[str]:
    return [line for i, line in enumerate(page) if i not in drop]


def strip_page_furniture(pages: list[list[str]], removed: dict) -> list[list[str]]:
    """Remove page numbers, then running headers and footers."""
    out = []
    for page in pages:
        drop = {i for i in _edges(page) if PAGE_NUMBER.match(page[i])}
        removed.setdefault("page_numbers", []).extend(page[i].strip() for i in sorted(drop))
        out.append(_drop(page, drop))
    seen = Counter()
    for page in out:
        seen.update({_mask(page[i]) for i in _edges(page)})
    need = max(2, 0.4 * len(out))
    running = {m for m, c in seen.items() if c >= need and m}
    result = []
    for page in out:
        drop = {i for i in _edges(page) if _mask(page[i]) in running}
        removed.setdefault("running_headers", []).extend(page[i].strip() for i in sorted(drop))
        result.append(_drop(page, drop))
    return result


def _imprint_score(lines: list[str]) -> int:
    text = "\n".join(lines)
    first = next((line for line in lines if line.strip()), "")
    return sum(bool(p.search(text)) for p in IMPRINT) + bool(ABOUT_LINE.match(first))


def strip_publisher(pages: list[list[str]], removed: dict) -> list[list[str]]:
    """Cut imprint and about-the-publisher blocks (whole pages or page tails)."""
    out = []
    for page in pages:
        starts = [0] + [i for i, line in enumerate(page) if ABOUT_LINE.match(line) and i > 0]
        cut = next((k for k in starts if _imprint_score(page[k:]) >= 2), None)
        if cut is None:
            out.append(page)
            continue
        removed.setdefault("publisher", []).extend(line for line in page[cut:] if line.strip())
        out.append(page[:cut])
    return out


def _has_marker(body: str, n: int) -> bool:
    return re.search(rf"(?<=[^\W\d_]|[.,;:)\]\"\u201d\u2019']){n}(?!\d)|\[{n}\]", body) is not None


def split_footnotes(pages: list[list[str]], removed: dict) -> tuple[list[list[str]], list[tuple[int, list[str]]]]:
    """Separate footnote blocks at page feet (and endnote sections) from the body."""
    notes: list[tuple[int, list[str]]] = []
    bodies: list[list[str]] = []
    body_so_far: list[str] = []
    endnotes = False          # inside a Notes / Endnotes section: runs to the document end
    for page in pages:
        kept: list[str] = []
        in_notes = endnotes
        for line in page:
            expected = len(notes) + 1
            previous = next((x for x in reversed(kept) if x.strip()), "")
            after_heading = NOTES_HEADING.match(previous) is not None
            m = (ENDNOTE_START if (endnotes or after_heading) else FOOTNOTE_START).match(line)
            starts = m is not None and int(m.group(1)) == expected and (
                in_notes or after_heading or _has_marker(" ".join(body_so_far + kept), expected))
            if starts:
                if after_heading and not in_notes:
                    endnotes = True
                    while kept and not NOTES_HEADING.match(kept[-1]):
                        kept.pop()
                    kept.pop()
                in_notes = True
                notes.append((expected, [m.group(2)]))
            elif in_notes:
                if line.strip():
                    notes[-1][1].append(line.strip())
            else:
                kept.append(line)
        bodies.append(kept)
        body_so_far.extend(kept)
    removed["footnotes"] = [f"{n} {' '.join(lines)}" for n, lines in notes]
    return bodies, notes


def join_pages(pages: list[list[str]]) -> list[str]:
    """One list of body lines; a blank line at a page break only where a paragraph ends there."""
    lines: list[str] = []
    for page in pages:
        page = _trim(page)
        if not page:
            continue
        if lines:
            last = lines[-1].strip()
            first = page[0].strip()
            continues = not SENTENCE_END.search(last) or first[:1].islower()
            if not continues:
                lines.append("")
        lines.extend(page)
    return lines


def _trim(page: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(page) if line.strip()), len(page))
    end = len(page) - next((i for i, line in enumerate(reversed(page)) if line.strip()), len(page))
    return page[start:end]


def clean(pages: list[list[str]]) -> Cleaned:
    """Run every cleaning step on a document's pages."""
    removed: dict[str, list[str]] = {}
    pages = strip_page_furniture(pages, removed)
    pages = strip_publisher(pages, removed)
    pages, notes = split_footnotes(pages, removed)
    return Cleaned(join_pages(pages), notes, removed)
