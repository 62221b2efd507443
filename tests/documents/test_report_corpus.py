"""Issue 17: reports as they come (two-column PDFs with running headers, footnotes at page feet, glued
reference marks, wrapped numbered proposals, paraphrases, a publisher's page in front). The in-sample
documents must come out whole, in the text and the PDF path alike."""

from __future__ import annotations

import corpus
import insample_specs
import pytest
import scoring

from dyad.documents.pipeline import process

KINDS = ("txt", "pdf", "txt-no-form-feeds")


def _render(spec, kind, folder):
    path = folder / f"{spec['name']}-{kind}.{kind[:3]}"
    if kind == "pdf":
        return corpus.write_pdf(spec, path)
    return corpus.write_text(spec, path, form_feeds=kind == "txt")


@pytest.fixture(scope="module")
def insample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("insample")
    return {(s["name"], kind): (s, process(_render(s, kind, folder))) for s in insample_specs.SPECS for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", [s["name"] for s in insample_specs.SPECS])
def test_insample_every_item(insample, name, kind):
    spec, doc = insample[(name, kind)]
    scores = scoring.score(spec, doc)
    wrong = {k: v for k, v in scores.items() if k != "furniture_left" and v[:2] != (1.0, 1.0)}
    assert wrong == {}
    assert scores["furniture_left"] == (0,)
    # independent spot checks of what the scorer relies on
    assert doc.title == spec["title"]
    assert [p.number for p in doc.proposals] == [b[1].rstrip(")") for b in spec["body"] if b[0] == "li"]
    assert not any(h in b.text for b in doc.blocks for h in spec["running"])


def test_insample_text_and_pdf_agree(insample):
    for spec in insample_specs.SPECS:
        txt = insample[(spec["name"], "txt")][1]
        for other in ("pdf", "txt-no-form-feeds"):
            doc = insample[(spec["name"], other)][1]
            assert [b.text for b in txt.blocks] == [b.text for b in doc.blocks]
            assert txt.footnotes == doc.footnotes
            assert txt.quotes == doc.quotes


def test_publisher_page_is_not_the_title(insample):
    spec, doc = insample[("insample-1", "txt")]
    assert "ABOUT US" in doc.removed["publisher"]
    assert "non-profit" not in doc.text


def test_doubled_url_and_language_note():
    from dyad.documents.extract import footnote, undouble

    assert undouble("http://a.example/1http://a.example/1") == "http://a.example/1"
    assert undouble("http://a.example/x?u=http://b.example") == "http://a.example/x?u=http://b.example"
    note = footnote(3, "Address // Site. 01.03.2018. URL: http://a.example/1http://a.example/1 (In Russian)")
    assert (note.url, note.date, note.language) == ("http://a.example/1", "2018-03-01", "ru")


def test_cli_shows_language_citing_segment_and_verb(tmp_path):
    import json

    from click.testing import CliRunner

    from dyad.cli import cli

    spec = insample_specs.S1
    db = str(tmp_path / "s.duckdb")
    run = CliRunner()
    doc_id = run.invoke(cli, ["--store", db, "doc", "add", str(corpus.write_text(spec, tmp_path / "r.txt"))]).stdout.strip()
    notes = json.loads(run.invoke(cli, ["--store", db, "doc", "show", doc_id, "--footnotes", "--format", "json"]).stdout)
    assert [n["language"] for n in notes] == [v[2] for v in spec["expected_notes"].values()]
    segs = json.loads(run.invoke(cli, ["--store", db, "doc", "show", doc_id, "--format", "json"]).stdout)["segments"]
    by_seq = {s["seq"]: s["text"] for s in segs}
    assert by_seq[notes[0]["cited_in"]].startswith("Central Asia is the region")
    quotes = json.loads(run.invoke(cli, ["--store", db, "doc", "show", doc_id, "--quotes", "--format", "json"]).stdout)
    assert [(q["person"], q["verb"]) for q in quotes] == [(q[0], q[1]) for q in spec["quotes"]]
