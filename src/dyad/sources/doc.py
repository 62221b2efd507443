"""Reports and other long documents (plain text or PDF), cleaned, segmented and indexed for search.

One row per document (a file, or every .txt/.md/.pdf file in a folder). Each document fills

* ``documents``: id (first 12 hex digits of the file's sha256), title, authors, date, cleaned text, and
  ``meta`` (JSON: mentions of organisations and countries, what cleaning removed, item counts);
* ``segments``: headings, paragraphs, list items, proposals, footnotes and quotes in order, with their
  number, leading direction and ``meta`` (JSON: direction scores; footnote URL and dates; quote speaker,
  role and organisation);
* ``segment_terms``: the search index (term frequencies per segment), see :mod:`dyad.documents.search`.

The whole path is :func:`dyad.documents.pipeline.process`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dyad import safety
from dyad.documents.pipeline import index_terms, process
from dyad.documents.reader import SUFFIXES
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = [p for p in safety.walk_files(path) if p.suffix.lower() in SUFFIXES]
        if not files:
            raise SourceError(f"{path}: no documents ({', '.join(SUFFIXES)}) in this folder")
        return files
    return [path]


def read(path: Path, **_options) -> ReadResult:
    """Process each document; any unreadable file stops the ingest with its name and the fix."""
    docs, segs, terms, counts = [], [], [], []
    for file in _files(Path(path)):
        doc = process(file)
        docs.append(doc.document_row())
        seg = doc.segments_frame()
        segs.append(seg)
        terms.append(index_terms(seg))
        counts.append(FileCount(str(file), 1, 1, 0))
    return ReadResult(
        tables={"documents": pd.DataFrame(docs), "segments": pd.concat(segs, ignore_index=True),
                "segment_terms": pd.concat(terms, ignore_index=True)},
        rejects=empty_rejects(), files=counts)


ADAPTER = SimpleAdapter(
    name="doc",
    description="reports as plain text or PDF: cleaned, segmented, items extracted, full-text indexed",
    tables=("documents", "segments", "segment_terms"),
    reader=read,
    formats=", ".join(SUFFIXES),
)
