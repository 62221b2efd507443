"""Clean text taken from a report's pages: what a PDF leaves behind that is not the author's text.

Steps, in order (each documented with its rule in docs/methods/words.md):

1. page numbers: a bare number (``12``, ``- 12 -``, ``Page 12``, ``12 of 40``) among the first or last two
   non-blank lines of a page;
2. running headers and footers: a line among the first or last two non-blank lines of a page that, with
   digits masked, recurs in that position on at least two pages and 20% of them (two running titles may
   alternate); the title page is left out, and a page's top line that repeats the title page (its title,
   publisher or series line, parts split at "|") is a running title even when it occurs once;
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


def _title_phrases(page: list[str]) -> set[str]:
    """Lines of a title page and their run of the title, lower case: what a running title repeats."""
    lines = [" ".join(x.lower().split()) for x in page if x.strip()]
    phrases = {x for x in lines if len(x.split()) >= 2}
    for a, b in zip(lines, lines[1:], strict=False):
        phrases.add(f"{a} {b}")
    return phrases


def _is_title_echo(line: str, known: set[str]) -> bool:
    """A page-top line that repeats the title page: the whole line, or each of its parts split at "|",
    is a title-page line, or a part of one of at least three words."""
    parts = [" ".join(x.lower().split()).rstrip(":") for x in line.split("|") if x.strip()]
    return bool(parts) and all(p in known or (len(p.split()) >= 3 and any(p in k for k in known)) for p in parts)


def strip_page_furniture(pages: list[list[str]], removed: dict, title_page: bool = False,
                         known: set[str] | None = None) -> list[list[str]]:
    """Remove page numbers, then running headers and footers. With ``title_page`` the first page is left
    alone and not counted (a report's running title repeats its title, which the title page must keep)."""
    if title_page and len(pages) > 1:
        first = list(pages[0])
        last = next((i for i in range(len(first) - 1, -1, -1) if first[i].strip()), None)
        if last is not None and PAGE_NUMBER.match(first[last]):     # a title page run into page 1's text
            removed.setdefault("page_numbers", []).append(first.pop(last).strip())
        return [first] + strip_page_furniture(pages[1:], removed, known=_title_phrases(first))
    out = []
    for page in pages:
        drop = {i for i in _edges(page) if PAGE_NUMBER.match(page[i])}
        removed.setdefault("page_numbers", []).extend(page[i].strip() for i in sorted(drop))
        out.append(_drop(page, drop))
    seen = Counter()
    for page in out:
        seen.update({_mask(page[i]) for i in _edges(page)})
    need = max(2, 0.2 * len(out))      # 0.2: two running titles may alternate on even and odd pages
    running = {m for m, c in seen.items() if c >= need and m}
    result = []
    for page in out:
        drop = {i for i in _edges(page) if _mask(page[i]) in running}
        top = next((i for i, line in enumerate(page) if line.strip()), None)
        if known and top is not None and _is_title_echo(page[top], known):
            drop.add(top)
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


PUBLISHER_PAGE = [re.compile(p, re.IGNORECASE) for p in (
    r"^\s*about\b", r"\bnon-?profit\b", r"\bfounded in\b", r"\bour mission\b|\bits mission\b",
    r"\bboard of trustees\b|\beditorial board\b|\beditor-in-chief\b", r"(?:^|\s)www\.", r"\u00a9|\bcopyright\b",
    r"\bISBN\b", r"\ball rights reserved\b", r"\bpublished by\b")]


def strip_leading_publisher_pages(pages: list[list[str]], removed: dict) -> list[list[str]]:
    """Drop whole pages in front of the report that describe its publisher (one file holding a
    publisher's page and then the report): a leading page with at least three of the markers in
    ``PUBLISHER_PAGE`` (an "About" opening line, "non-profit", "founded in", "mission", a board,
    a web address, a copyright sign, an ISBN, ...). The report's own first page is never dropped."""
    k = 0
    while k < len(pages) - 1:
        text = "\n".join(pages[k])
        first = next((line for line in pages[k] if line.strip()), "")
        hits = sum(bool(p.search(first if i == 0 else text)) for i, p in enumerate(PUBLISHER_PAGE))
        if hits < 3:
            break
        removed.setdefault("publisher", []).extend(line for line in pages[k] if line.strip())
        k += 1
    return pages[k:]


def join_note_lines(lines: list[str], vocabulary: set[str]) -> str:
    """A footnote's lines as one text. A URL cut at a full line's end goes on, without a space, on the next
    line ("http://a.example/long/" + "path"): the line must be at least 90% as long as the note's longest
    line, end in the URL and the next line must start with a URL-like piece (no capital letter word)."""
    from dyad.documents.segment import join_lines

    width = max((len(x.strip()) for x in lines), default=0)
    merged: list[str] = []
    for line in (x.strip() for x in lines):
        if merged and re.search(r"(?:https?://|www\.)\S*$", merged[-1]) and len(merged[-1]) >= 0.9 * width \
                and re.match(r"^[\w/.\-?=&%#~+:]+(?:\s|$)", line) and not re.match(r"^[A-Z][a-z]", line) \
                and not re.match(r"^(?:accessed|retrieved|URL)\b", line, re.IGNORECASE):
            merged[-1] += line
        else:
            merged.append(line)
    return join_lines(merged, vocabulary)


_MARKER = re.compile(r"(?<=[^\W\d_]|[.,;:)\]\"\u201d\u2019'])(\d{1,3})(?!\d)|\[(\d{1,3})\]")


def _markers_in(line: str) -> set[int]:
    """Numbers written as footnote markers in one line: glued to a letter or punctuation, or ``[N]``."""
    return {int(a or b) for a, b in _MARKER.findall(line)}


def _has_marker(body: str, n: int) -> bool:
    return n in _markers_in(body)


def split_footnotes(pages: list[list[str]], removed: dict) -> tuple[list[list[str]], list[tuple[int, list[str]]]]:
    """Separate footnote blocks at page feet (and endnote sections) from the body."""
    notes: list[tuple[int, list[str]]] = []
    bodies: list[list[str]] = []
    marked: set[int] = set()      # numbers seen as markers in the body so far
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
                in_notes or after_heading or expected in marked)
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
                marked.update(_markers_in(line))
        bodies.append(kept)
    removed["footnotes"] = [f"{n} {' '.join(lines)}" for n, lines in notes]
    return bodies, notes


def join_pages(pages: list[list[str]], title_page: bool = False) -> list[str]:
    """One list of body lines; a blank line at a page break only where a paragraph ends there, and always
    after the rest of a title page."""
    lines: list[str] = []
    for k, page in enumerate(pages):
        page = _trim(page)
        if not page:
            continue
        if lines and title_page and k == 1:
            lines.append("")
        elif lines:
            last = lines[-1].strip()
            first = page[0].strip()
            continues = not SENTENCE_END.search(last) or first[:1].islower()
            # a heading left alone at the foot of a page (a blank line above it, a few words)
            alone = (len(lines) < 2 or not lines[-2].strip()) and len(last.split()) <= 8 and last[:1].isupper()
            continues = continues and not (alone and not first[:1].islower())
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
