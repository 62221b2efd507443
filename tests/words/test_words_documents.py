"""Reports: a realistic document built here (text and PDF) goes through cleaning, segmentation, extraction,
storage and search; every planted item must come out and nothing else."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter

import pytest
import words_reportdoc as R
from click.testing import CliRunner

from dyad.documents.pipeline import process


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    return {"txt": R.write_text(folder / "report.txt"), "pdf": R.write_pdf(folder / "report.pdf")}


@pytest.fixture(scope="module")
def docs(files):
    return {kind: process(path) for kind, path in files.items()}


def _prf(found: list, planted: list) -> tuple[float, float]:
    found_c, planted_c = Counter(found), Counter(planted)
    hit = sum((found_c & planted_c).values())
    precision = hit / sum(found_c.values()) if found_c else 1.0
    recall = hit / sum(planted_c.values()) if planted_c else 1.0
    return precision, recall


def _extracted(doc) -> dict[str, list]:
    return {
        "footnotes": [(f.number, f.url, f.date, f.accessed) for f in doc.footnotes],
        "proposals": [(p.number, p.text) for p in doc.proposals],
        "quotes": [(q.person, q.role, q.organisation, q.text) for q in doc.quotes],
        "organisations": sorted(doc.organisations),
        "countries": sorted(doc.countries),
        "headings": [b.text for b in doc.blocks if b.kind == "heading"],
    }


@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_every_planted_item_and_nothing_else(docs, kind):
    doc = docs[kind]
    got = _extracted(doc)
    planted = {"footnotes": R.EXPECTED["footnotes"], "proposals": R.EXPECTED["proposals"],
               "quotes": R.EXPECTED["quotes"], "organisations": sorted(R.EXPECTED["organisations"]),
               "countries": sorted(R.EXPECTED["countries"]), "headings": R.EXPECTED["headings"]}
    scores = {item: _prf(got[item], planted[item]) for item in planted}
    print(f"\n{kind}: precision / recall per item: " + ", ".join(
        f"{k} {p:.2f}/{r:.2f}" for k, (p, r) in scores.items()))
    assert scores == {item: (1.0, 1.0) for item in planted}
    assert doc.title == R.EXPECTED["title"]
    assert list(doc.authors) == R.EXPECTED["authors"]
    assert doc.date == R.EXPECTED["date"]


@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_cleaning(docs, kind):
    doc = docs[kind]
    text = doc.text
    for word in R.EXPECTED["words"]:
        assert re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text), word
    for broken in R.EXPECTED["not_words"]:
        assert not re.search(rf"(?<![\w-]){re.escape(broken)}(?=\s|$)", text), broken
    for leftover in R.EXPECTED["publisher_only"] + [R.HEADER]:
        assert leftover not in text
    assert R.EXPECTED["rejoined"] in text            # paragraph cut by a footnote block and a page break
    # no footnote text and no bare page number left in the body; markers removed
    assert "General Administration of Customs" not in text and "Interview with the authors" not in text
    assert not any(b.text.strip().isdigit() for b in doc.blocks)
    assert "record in 2023, and" in text and "materialise. According" in text
    assert "G20" in text                              # a number glued to letters that is not a marker stays


def test_pdf_and_text_give_the_same_result(docs):
    txt, pdf = docs["txt"], docs["pdf"]
    assert [(b.kind, b.number, b.text) for b in txt.blocks] == [(b.kind, b.number, b.text) for b in pdf.blocks]
    assert txt.footnotes == pdf.footnotes and txt.quotes == pdf.quotes and txt.proposals == pdf.proposals
    assert (txt.title, txt.authors, txt.date) == (pdf.title, pdf.authors, pdf.date)
    assert txt.organisations == pdf.organisations and txt.countries == pdf.countries


def test_paragraph_directions(docs):
    doc = docs["txt"]
    seg = doc.segments_frame()
    paras = seg[seg.kind.isin(["paragraph", "proposal"])]
    for row in paras.itertuples():
        scores = json.loads(row.meta)["scores"]
        assert set(scores) == {"D1", "D2", "D3", "D4", "D5"}
        assert sum(scores.values()) == pytest.approx(1.0) or sum(scores.values()) == 0
    # the security section's paragraph leads on D3; the exchanges proposal on D4
    security = paras[paras.text.str.startswith("Military cooperation")].iloc[0]
    assert security.direction == "D3"
    exchanges = paras[paras.number == "3"].iloc[0]
    assert exchanges.direction == "D4"


# ------------------------------------------------------------------------------- store and search


@pytest.fixture
def doc_store(store, files):
    result = store.ingest("doc", files["txt"])
    assert result.rows_loaded == 1
    return store


def test_store_rows_and_provenance(doc_store, files):
    doc_id = hashlib.sha256(files["txt"].read_bytes()).hexdigest()[:12]
    docs = doc_store.sql("SELECT * FROM documents")
    assert docs["doc_id"].tolist() == [doc_id]
    meta = json.loads(docs["meta"][0])
    assert set(meta["organisations"]) == R.EXPECTED["organisations"]
    kinds = doc_store.sql("SELECT kind, count(*) AS n FROM segments GROUP BY kind")
    kinds = dict(zip(kinds["kind"], kinds["n"], strict=True))
    assert kinds["proposal"] == 5 and kinds["footnote"] == 5 and kinds["quote"] == 3 and kinds["heading"] == 4
    prov = doc_store.provenance()
    assert prov["source"].tolist() == ["doc"] and prov["status"].tolist() == ["ok"]
    again = doc_store.ingest("doc", files["txt"])
    assert again.skipped and doc_store.count("documents") == 1


def _bm25_by_hand(texts: dict[int, str], query: list[str]) -> dict[int, float]:
    """Okapi BM25 (k1 1.2, b 0.75) over segment texts, tokenised as documented; only segments with all terms."""
    from dyad.documents.text import FUNCTION_WORDS

    toks = {k: [t for t in re.findall(r"[^\W_]+", v.lower()) if t not in FUNCTION_WORDS] for k, v in texts.items()}
    n, avgdl = len(toks), sum(len(t) for t in toks.values()) / len(toks)
    out = {}
    for k, words in toks.items():
        if not all(q in words for q in query):
            continue
        score = 0.0
        for q in query:
            df = sum(q in w for w in toks.values())
            tf = words.count(q)
            score += math.log(1 + (n - df + 0.5) / (df + 0.5)) * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(words) / avgdl))
        out[k] = score
    return out


def test_search_matches_bm25_by_hand(doc_store):
    from dyad.documents.search import search

    seg = doc_store.sql("SELECT seq, kind, text FROM segments WHERE kind <> 'quote'")
    expected = _bm25_by_hand(dict(zip(seg["seq"], seg["text"], strict=True)), ["missile", "defence"])
    hits = search(doc_store, "missile defence")
    assert len(expected) == 2
    assert dict(zip(hits["seq"], hits["score"], strict=True)) == pytest.approx(expected)
    assert list(hits["score"]) == sorted(hits["score"], reverse=True)
    assert search(doc_store, "APEC").empty              # only on the publisher page, which was dropped
    with pytest.raises(ValueError, match="no searchable words"):
        search(doc_store, "the of")


def test_bad_files_leave_the_store_unchanged(store, tmp_path):
    from dyad.sources import SourceError

    bad = tmp_path / "report.docx"
    bad.write_bytes(b"PK\x03\x04 not a report")
    with pytest.raises(SourceError, match="unsupported document type"):
        store.ingest("doc", bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n\f\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no text"):
        store.ingest("doc", empty)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n garbage without objects")
    with pytest.raises(SourceError, match="broken.pdf"):
        store.ingest("doc", broken)
    assert store.count("documents") == 0 and store.count("segments") == 0
    assert set(store.provenance()["status"]) == {"failed"}


def test_cli_doc_commands(tmp_path, files):
    from dyad.cli import cli

    db = str(tmp_path / "cli.duckdb")
    run = CliRunner()
    added = run.invoke(cli, ["--store", db, "doc", "add", str(files["pdf"])], catch_exceptions=False)
    assert added.exit_code == 0, added.output
    doc_id = hashlib.sha256(files["pdf"].read_bytes()).hexdigest()[:12]
    assert added.stdout.strip() == doc_id
    listed = json.loads(run.invoke(cli, ["--store", db, "doc", "list", "--format", "json"]).stdout)
    assert [d["doc_id"] for d in listed] == [doc_id] and listed[0]["proposals"] == 5
    found = json.loads(run.invoke(cli, ["--store", db, "doc", "search", "missile defence", "--format", "json"]).stdout)
    assert len(found) == 2 and all("missile defence" in f["text"] for f in found)
    quotes = json.loads(run.invoke(cli, ["--store", db, "doc", "show", doc_id[:6], "--quotes", "--format", "json"]).stdout)
    assert [q["person"] for q in quotes] == [q[0] for q in R.EXPECTED["quotes"]]
    notes = json.loads(run.invoke(cli, ["--store", db, "doc", "show", doc_id, "--footnotes", "--format", "json"]).stdout)
    assert [(n["number"], n["url"], n["date"], n["accessed"]) for n in notes] == [tuple(f) for f in R.EXPECTED["footnotes"]]
    props = json.loads(run.invoke(cli, ["--store", db, "doc", "show", doc_id, "--proposals", "--format", "json"]).stdout)
    assert [(p["number"], p["text"]) for p in props] == R.EXPECTED["proposals"]
    full = json.loads(run.invoke(cli, ["--store", db, "doc", "show", doc_id, "--format", "json"]).stdout)
    assert full["title"] == R.EXPECTED["title"] and full["segments"][0]["text"] == "Executive Summary"


@pytest.fixture(scope="module")
def briefs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("briefs")
    return {"txt": process(R.write_text(folder / "brief.txt", R.BRIEF)),
            "pdf": process(R.write_pdf(folder / "brief.pdf", R.BRIEF, R.BRIEF_BOLD))}


@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_endnotes_brief_items_and_nothing_else(briefs, kind):
    doc, exp = briefs[kind], R.BRIEF_EXPECTED
    got = _extracted(doc)
    planted = {k: (sorted(exp[k]) if isinstance(exp[k], set) else exp[k])
               for k in ("footnotes", "proposals", "quotes", "organisations", "countries", "headings")}
    scores = {item: _prf(got[item], planted[item]) for item in planted}
    print(f"\nbrief {kind}: precision / recall per item: " + ", ".join(
        f"{k} {p:.2f}/{r:.2f}" for k, (p, r) in scores.items()))
    assert scores == {item: (1.0, 1.0) for item in planted}
    assert (doc.title, list(doc.authors), doc.date) == (exp["title"], exp["authors"], exp["date"])
    # the numbered list under "Summary" stays a list, not proposals; its lead-in stays a paragraph
    assert [b.number for b in doc.blocks if b.kind == "list_item"] == exp["list_items"]
    for leftover in exp["publisher_only"] + ["[1]", "[2]", "Notes", "Author's interview"]:
        assert leftover not in doc.text
    assert "Eurasian Development Bank" in doc.text


def test_briefs_same_from_pdf(briefs):
    txt, pdf = briefs["txt"], briefs["pdf"]
    assert [(b.kind, b.number, b.text) for b in txt.blocks] == [(b.kind, b.number, b.text) for b in pdf.blocks]
    assert (txt.footnotes, txt.quotes, txt.proposals) == (pdf.footnotes, pdf.quotes, pdf.proposals)
