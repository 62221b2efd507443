"""Segment cleaned body lines into headings, paragraphs and list items, rejoining words cut at line ends.

De-hyphenation: a line ending in ``letters-`` followed by a line starting in lower case is one word cut in
two. The hyphen is dropped ("develop-" + "ment" -> "development") unless the hyphenated form is the usual
one: the joined word never occurs elsewhere in the document while the hyphenated form does, or the first
part is a common compounding prefix (well-, self-, non-, long-, ...). A next line in upper case
("Sino-" + "Russian") keeps the hyphen.

Blocks are separated by blank lines; inside a block a line opening a list item (``1.``, ``2)``, ``(a)``,
a bullet) or a "Recommendation N" / "Proposal N" line starts a new block. A one-line block of at most twelve words that does not end a sentence is a
heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LIST_ITEM = re.compile(r"^\s*(?:(?P<num>\d{1,2})[.)]|\((?P<alpha>[a-z]|\d{1,2})\)|(?P<letter>[a-h])\)|"
                       r"(?P<bullet>[\u2022\u25aa\u2013*-]))\s+(?P<text>\S.*)$")
KEEP_HYPHEN_PREFIXES = frozenset(
    "well self non co anti multi long short high low large small so full half cross inter post pre "
    "state military decision policy euro sino russo".split())
ITEM_LEAD = re.compile(r"^\s*(?:Recommendation|Proposal)\s+\d{1,2}\b")   # "Recommendation 2: ..." opens a block
HEADING_MAX_WORDS = 12


@dataclass(frozen=True)
class Block:
    kind: str                 # heading, paragraph or list_item
    text: str
    number: str = ""          # list number or heading number ("1", "a", "2.1")


def _join(lines: list[str], vocabulary: set[str]) -> str:
    """Join wrapped lines into running text, removing line-break hyphens."""
    out = ""
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if out.endswith("-") and re.search(r"[^\W\d_]-$", out) and line[:1].islower():
            head = re.search(r"([^\W\d_]+)-$", out).group(1)
            tail = re.match(r"[^\W\d_]+", line).group(0)
            joined, hyphened = (head + tail).lower(), f"{head}-{tail}".lower()
            keep = head.lower() in KEEP_HYPHEN_PREFIXES or (hyphened in vocabulary and joined not in vocabulary)
            out = out + line if keep else out[:-1] + line
        elif re.search(r"[^\W\d_]-$", out) and line[:1].isupper():
            out = out + line          # "Sino-" + "Russian": a compound cut at its hyphen
        else:
            out = f"{out} {line}" if out else line
    return out


def document_vocabulary(lines: list[str]) -> set[str]:
    """Every word and hyphenated word written whole on a line (to decide how to rejoin cut words)."""
    vocab: set[str] = set()
    for line in lines:
        body = line.rstrip("-")
        vocab.update(w.lower() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", body))
        vocab.update(w.lower() for w in re.findall(r"[^\W\d_]+", body))
    return vocab


def _is_heading(lines: list[str]) -> bool:
    if len(lines) != 1:
        return False
    text = lines[0].strip()
    if _numbered_heading(text):           # "1. Introduction", "2.3 Energy"
        return True
    short = 0 < len(text.split()) <= HEADING_MAX_WORDS and not re.search(r"[.,;:!]$", text)
    return short and (text[:1].isupper() or text[:1].isdigit()) and not LIST_ITEM.match(text)


def _numbered_heading(text: str) -> bool:
    m = re.match(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+([A-Z].*)$", text)
    return bool(m) and len(text.split()) <= HEADING_MAX_WORDS and not re.search(r"[.,;:!]$", text)


def _split_items(lines: list[str]) -> list[list[str]]:
    parts: list[list[str]] = []
    for line in lines:
        if LIST_ITEM.match(line) or ITEM_LEAD.match(line) or not parts:
            parts.append([line])
        else:
            parts[-1].append(line)
    return parts


_ENDS = re.compile(r"[.!?:;\"\u201d\u2019)]\d{0,3}$")


def _rejoin_columns(raw_blocks: list[list[str]]) -> list[list[str]]:
    """Rejoin a paragraph cut by a column or page break (a blank line inside it): the block before the
    break has more than one line or opens a list item, its last line ends no sentence (or ends in a cut
    word), and the next block starts in lower case or goes on a sentence left open."""
    out: list[list[str]] = []
    for raw in raw_blocks:
        if out:
            prev = out[-1]
            last = prev[-1].strip()
            open_end = not _ENDS.search(last)
            body_like = len(prev) > 1 or LIST_ITEM.match(prev[0]) is not None
            nxt = raw[0].strip()
            starts_item = LIST_ITEM.match(nxt) is not None or ITEM_LEAD.match(nxt) is not None
            if open_end and body_like and not starts_item and not _is_heading(raw) and not _is_heading(prev) and \
                    (nxt[:1].islower() or last.endswith("-") or len(raw) > 1):
                prev.extend(raw)
                continue
        out.append(list(raw))
    return out


def segment(lines: list[str], vocabulary: set[str] | None = None) -> list[Block]:
    """Blocks of a cleaned body."""
    vocab = vocabulary if vocabulary is not None else document_vocabulary(lines)
    raw_blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            raw_blocks[-1].append(line)
        elif raw_blocks[-1]:
            raw_blocks.append([])
    blocks: list[Block] = []
    for raw in _rejoin_columns([b for b in raw_blocks if b]):
        if _is_heading(raw):
            text = raw[0].strip()
            m = re.match(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(.*)$", text)
            blocks.append(Block("heading", m.group(2) if m else text, m.group(1) if m else ""))
            continue
        for part in _split_items(raw):
            m = LIST_ITEM.match(part[0])
            if m:
                number = m.group("num") or m.group("alpha") or m.group("letter") or ""
                blocks.append(Block("list_item", _join([m.group("text")] + part[1:], vocab), number))
            else:
                blocks.append(Block("paragraph", _join(part, vocab)))
    return blocks


def join_lines(lines: list[str], vocabulary: set[str]) -> str:
    """Public form of the line joiner (footnotes use it too)."""
    return _join(lines, vocabulary)
