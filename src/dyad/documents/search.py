"""Stored documents: list, show, and full-text search ranked by BM25.

DuckDB's ``fts`` extension is not bundled with the DuckDB Python wheel and must be downloaded from
DuckDB's own extension server, which dyad cannot rely on (offline machines; the PyPI packages of the
extension track older DuckDB releases: the 1.4.4 build refuses to load in DuckDB 2.0). dyad therefore keeps its own inverted index, the canonical table
``segment_terms`` (document, segment, term, frequency) written at ingest, and ranks with Okapi BM25 in
one SQL query (k1 = 1.2, b = 0.75, the defaults of DuckDB's fts and Lucene). A search returns the segments
that contain every query term. Tokens are lower-case words and numbers; there is no stemming, so
"defence" does not find "defense".
"""

from __future__ import annotations

import json

import pandas as pd

from dyad.documents.pipeline import search_terms

K1, B = 1.2, 0.75

BM25_SQL = """
WITH q AS (SELECT unnest(?::VARCHAR[]) AS term),
lens AS (SELECT doc_id, seq, sum(tf) AS len FROM segment_terms GROUP BY doc_id, seq),
stats AS (SELECT count(*) AS n_seg, avg(len) AS avgdl FROM lens),
df AS (SELECT term, count(*) AS df FROM segment_terms WHERE term IN (SELECT term FROM q) GROUP BY term),
hits AS (
  SELECT t.doc_id, t.seq,
         sum(ln(1 + (stats.n_seg - df.df + 0.5) / (df.df + 0.5))
             * t.tf * (? + 1) / (t.tf + ? * (1 - ? + ? * lens.len / stats.avgdl))) AS score,
         count(DISTINCT t.term) AS matched
  FROM segment_terms t JOIN df USING (term) JOIN lens USING (doc_id, seq) CROSS JOIN stats
  GROUP BY t.doc_id, t.seq)
SELECT h.doc_id, d.title, h.seq, s.kind, s.number, h.score, s.text
FROM hits h JOIN segments s USING (doc_id, seq) JOIN documents d USING (doc_id)
WHERE h.matched = ?
ORDER BY h.score DESC, h.doc_id, h.seq
LIMIT ?
"""


def search(store, query: str, limit: int = 20) -> pd.DataFrame:
    """Segments containing every term of ``query``, best BM25 score first."""
    terms = sorted(set(search_terms(query)))
    if not terms:
        raise ValueError(f"the query {query!r} has no searchable words (only stop words or punctuation)")
    if not store.has_table("segment_terms"):
        return pd.DataFrame(columns=["doc_id", "title", "seq", "kind", "number", "score", "text"])
    return store.sql(BM25_SQL, [terms, K1, K1, B, B, len(terms), limit])


def list_documents(store) -> pd.DataFrame:
    """One row per stored document: id, title, authors, date, counts of items, file."""
    if not store.has_table("documents"):
        return pd.DataFrame(columns=["doc_id", "title", "authors", "date", "segments", "file"])
    return store.sql(
        "SELECT d.doc_id, d.title, d.authors, d.date, count(s.seq) AS segments, "
        "count(s.seq) FILTER (WHERE s.kind = 'proposal') AS proposals, "
        "count(s.seq) FILTER (WHERE s.kind = 'footnote') AS footnotes, "
        "count(s.seq) FILTER (WHERE s.kind = 'quote') AS quotes, d.file "
        "FROM documents d LEFT JOIN segments s USING (doc_id) GROUP BY ALL ORDER BY d.title, d.doc_id")


def resolve_id(store, doc_id: str) -> str:
    """A full document id from an id or a unique prefix of one."""
    ids = store.sql("SELECT doc_id FROM documents WHERE starts_with(doc_id, ?)", [doc_id])["doc_id"].tolist() \
        if store.has_table("documents") else []
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise KeyError(f"no document with id {doc_id!r}; `dyad doc list` shows the ids")
    raise KeyError(f"id prefix {doc_id!r} is ambiguous ({', '.join(ids[:5])}); give more characters")


def document(store, doc_id: str) -> dict:
    """A document's record with its meta decoded."""
    row = store.sql("SELECT doc_id, title, authors, date, file, sha256, meta FROM documents WHERE doc_id = ?",
                    [resolve_id(store, doc_id)]).iloc[0].to_dict()
    row["meta"] = json.loads(row["meta"] or "{}")
    return row


def segments(store, doc_id: str, kind: str | None = None) -> pd.DataFrame:
    """A document's segments (one kind or all), in order, meta decoded into columns where useful."""
    full = resolve_id(store, doc_id)
    where, params = "doc_id = ?", [full]
    if kind:
        where += " AND kind = ?"
        params.append(kind)
    frame = store.sql(f"SELECT seq, kind, number, direction, text, meta FROM segments WHERE {where} ORDER BY seq",
                      params)
    return frame


def items(store, doc_id: str, kind: str) -> pd.DataFrame:
    """Proposals, footnotes or quotes of a document as a flat table."""
    frame = segments(store, doc_id, kind)
    meta = frame["meta"].map(lambda m: json.loads(m or "{}"))
    if kind == "proposal":
        return frame[["number", "text", "direction"]].reset_index(drop=True)
    if kind == "footnote":
        return pd.DataFrame({"number": frame["number"].astype(int), "text": frame["text"],
                             "url": meta.map(lambda m: m.get("url")), "date": meta.map(lambda m: m.get("date")),
                             "accessed": meta.map(lambda m: m.get("accessed")),
                             "language": meta.map(lambda m: m.get("language")),
                             "cited_in": meta.map(lambda m: m.get("cited_in"))})
    if kind == "quote":
        return pd.DataFrame({"person": meta.map(lambda m: m.get("person")), "role": meta.map(lambda m: m.get("role")),
                             "organisation": meta.map(lambda m: m.get("organisation")),
                             "verb": meta.map(lambda m: m.get("verb")), "quote": frame["text"],
                             "segment": meta.map(lambda m: m.get("segment"))})
    raise ValueError(f"unknown item kind {kind!r}; use proposal, footnote or quote")


def delete(store, doc_id: str) -> dict:
    """Remove a document (id or unique prefix) with its segments and search index, in one transaction.

    The provenance rows of single-file ingests of the same bytes are marked ``deleted`` (kept as the record
    of what was done), so ``dyad doc add`` of the file adds it again instead of reporting it as already
    added. Returns the id, title and the number of rows removed per table."""
    full = resolve_id(store, doc_id)
    record = document(store, full)
    counts = {}
    store._run("BEGIN TRANSACTION")
    try:
        for table in ("segment_terms", "segments", "documents"):
            if store.has_table(table):
                counts[table] = int(store._run(f"DELETE FROM {table} WHERE doc_id = ?", [full])[0][0])
        store._run("UPDATE provenance SET status = 'deleted', message = ? WHERE source = 'doc' AND sha256 = ? "
                   "AND status = 'ok'", [f"document {full} deleted", record["sha256"]])
        store.bump_version()        # cached results that read the document are stale
        store._run("COMMIT")
    except BaseException:
        store._run("ROLLBACK")
        raise
    return {"doc_id": full, "title": record["title"], "removed": counts}
