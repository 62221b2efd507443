"""One report through the whole path: read, clean, segment, extract. Text and PDF take the same steps."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dyad.documents import clean as cl
from dyad.documents import extract as ex
from dyad.documents.reader import read_pages
from dyad.documents.segment import Block, document_vocabulary, segment
from dyad.sources import SourceError

ID_LENGTH = 12
INDEXED_KINDS = ("heading", "paragraph", "list_item", "proposal", "footnote")


def doc_id_for(path: Path) -> str:
    """A document's id: the first 12 hex digits of the sha256 of the file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:ID_LENGTH]


@dataclass(frozen=True)
class Document:
    doc_id: str
    file: str
    sha256: str
    title: str
    authors: tuple[str, ...]
    date: str | None
    blocks: tuple[Block, ...]
    footnotes: tuple[ex.Footnote, ...]
    proposals: tuple[ex.Proposal, ...]
    quotes: tuple[ex.Quote, ...]
    organisations: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    affiliations: tuple[str, ...] = ()        # one per author ("" when the title page gives none)

    @property
    def text(self) -> str:
        """The cleaned body text, blocks separated by blank lines."""
        return "\n\n".join(b.text for b in self.blocks)

    def segments_frame(self) -> pd.DataFrame:
        """Rows of the ``segments`` table: blocks in order, then footnotes, then quotes."""
        proposal_at = {p.block: p for p in self.proposals}
        rows = []
        for i, b in enumerate(self.blocks):
            kind, number, text = b.kind, b.number, b.text
            if i in proposal_at:
                kind, number, text = "proposal", proposal_at[i].number, proposal_at[i].text
            meta, direction = {}, None
            if kind != "heading":
                scores, direction = ex.direction_scores(text)
                meta = {"scores": scores}
            rows.append(dict(kind=kind, number=number, text=text, direction=direction, meta=meta, block=i))
        for f in self.footnotes:
            rows.append(dict(kind="footnote", number=str(f.number), text=f.text, direction=None,
                             meta={"url": f.url, "date": f.date, "accessed": f.accessed, "language": f.language,
                                   "cited_in": None if f.cited_in is None else f.cited_in + 1}, block=None))
        for q in self.quotes:
            rows.append(dict(kind="quote", number="", text=q.text, direction=None,
                             meta={"person": q.person, "role": q.role, "organisation": q.organisation,
                                   "verb": q.verb, "segment": q.block + 1}, block=q.block))
        frame = pd.DataFrame(rows)
        frame.insert(0, "seq", range(1, len(frame) + 1))
        frame.insert(0, "doc_id", self.doc_id)
        frame["meta"] = frame["meta"].map(lambda m: json.dumps(m, ensure_ascii=False, sort_keys=True))
        return frame[["doc_id", "seq", "kind", "number", "text", "direction", "meta"]]

    def document_row(self) -> dict:
        meta = {"organisations": self.organisations, "countries": self.countries,
                "removed": {k: len(v) for k, v in self.removed.items()},
                "counts": {"blocks": len(self.blocks), "footnotes": len(self.footnotes),
                           "proposals": len(self.proposals), "quotes": len(self.quotes)}}
        meta["affiliations"] = dict(zip(self.authors, self.affiliations, strict=False))
        return dict(doc_id=self.doc_id, title=self.title, authors="; ".join(self.authors), date=self.date,
                    file=self.file, sha256=self.sha256, text=self.text, meta=json.dumps(meta, sort_keys=True))


def process(path: Path) -> Document:
    """Read, clean, segment and extract one report (plain text or PDF)."""
    path = Path(path)
    pages = read_pages(path)
    removed: dict[str, list[str]] = {}
    pages = cl.strip_leading_publisher_pages(pages, removed)
    pages = cl.strip_page_furniture(pages, removed, title_page=True)
    pages = cl.strip_publisher(pages, removed)
    title, people, used = ex.title_page(pages[0])
    date = ex.parse_date("\n".join(pages[0][:used + 4]))
    rest = pages[0][used:]
    # the title page's foot: place and year, a date ("Moscow 2020", "May 2022") -- not body text
    # ... and, in a text without page breaks, the first body page's running title right after it
    echo = cl._title_phrases(pages[0][:used])
    while rest and (not rest[0].strip() or ex.PLACE_YEAR.match(rest[0].strip())
                    or re.fullmatch(rf"(?:\d{{1,2}}\s+)?{ex._M}\s+\d{{4}}", rest[0].strip())
                    or cl._is_title_echo(rest[0], echo)):
        if rest[0].strip():
            removed.setdefault("title_page", []).append(rest[0].strip())
        rest = rest[1:]
    pages = [rest] + pages[1:]
    pages, raw_notes = cl.split_footnotes(pages, removed)
    body = cl.join_pages(pages, title_page=used > 0)
    vocab = document_vocabulary(body + [line for _, lines in raw_notes for line in lines])
    numbers = {n for n, _ in raw_notes}
    raw_blocks = segment(body, vocab)
    cited: dict[int, int] = {}
    for i, b in enumerate(raw_blocks):
        for n in ex.marker_numbers(b.text, numbers):
            cited.setdefault(n, i)
    blocks = tuple(Block(b.kind, ex.strip_markers(b.text, numbers), b.number) for b in raw_blocks)
    if not blocks:
        raise SourceError(f"{path}: no body text left after cleaning; is it a report (or a scanned PDF "
                          "that needs OCR first)?")
    notes = tuple(ex.footnote(n, cl.join_note_lines(lines, vocab), cited.get(n)) for n, lines in raw_notes)
    full = "\n".join(b.text for b in blocks)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return Document(
        doc_id=sha[:ID_LENGTH], file=str(path.resolve()), sha256=sha, title=title,
        authors=tuple(a for a, _ in people), affiliations=tuple(f for _, f in people),
        date=date, blocks=blocks, footnotes=notes, proposals=tuple(ex.proposal_section_items(list(blocks))),
        quotes=tuple(ex.quotes(list(blocks))), organisations=ex.organisation_mentions(full),
        countries=ex.country_mentions(full), removed=removed)


def index_terms(segments: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``segment_terms``: term frequencies of the searchable segments (the search index)."""
    rows = []
    for seg in segments.itertuples(index=False):
        if seg.kind not in INDEXED_KINDS:
            continue
        counts: dict[str, int] = {}
        for term in search_terms(seg.text):
            counts[term] = counts.get(term, 0) + 1
        rows.extend((seg.doc_id, seg.seq, t, c) for t, c in counts.items())
    return pd.DataFrame(rows, columns=["doc_id", "seq", "term", "tf"])


def search_terms(text: str) -> list[str]:
    """Search tokens: lower-case words and numbers (``g20`` stays one token), British and US spellings apart.

    Russian words (Cyrillic) are reduced to their Snowball stem, so "Россия" finds "России"; Chinese text
    (runs of Han characters, written without spaces) is cut into words by jieba's segmenter (search mode), so
    "贸易" finds "两国贸易额". English words are kept as written.
    """
    from dyad.documents.text import FUNCTION_WORDS, normalise

    if not text:
        return []
    out: list[str] = []
    for token in re.findall(r"[^\W_]+", normalise(text)):
        if token in FUNCTION_WORDS:
            continue
        if _HAN.search(token):
            out.extend(_chinese_words(token))
        elif _CYRILLIC.search(token):
            if token not in _STOP_RU:
                out.append(_russian_stem(token))
        else:
            out.append(token)
    return out


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _chinese_words(token: str) -> list[str]:
    """Han runs segmented by jieba in search mode (a long word also gives its dictionary sub-words:
    "贸易额" -> 贸易, 贸易额), the same for documents and queries."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in (x.strip() for x in jieba.cut_for_search(token)) if w and not _STOP_ZH.get(w)]


_STOP_RU = frozenset("и в во не на с со по к о об от до из за для что как а но же ли бы то это".split())
_STOP_ZH = dict.fromkeys("的 了 和 与 在 是 也 及 对 为 等 并 而 将".split(), True)


def _russian_stem(token: str) -> str:
    import snowballstemmer

    global _RU
    if _RU is None:
        _RU = snowballstemmer.stemmer("russian")
    return _RU.stemWord(token)


_RU = None
