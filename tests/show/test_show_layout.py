"""The layout table and the report's ingest step: every entry ends in a visible outcome."""

from __future__ import annotations

import pandas as pd
import pytest

from dyad import sources
from dyad.report.ingest import ingest_layout
from dyad.report.layout import LAYOUT, Entry, expand_braces


def test_expand_braces():
    assert expand_braces("a/*.{csv,CSV,tsv}") == ["a/*.csv", "a/*.CSV", "a/*.tsv"]
    assert expand_braces("{x,y}/{1,2}") == ["x/1", "x/2", "y/1", "y/2"]
    assert expand_braces("plain/file.csv") == ["plain/file.csv"]


def test_entry_matches_only_named_files(tmp_path):
    folder = tmp_path / "events" / "gdelt"
    folder.mkdir(parents=True)
    for name in ("a.csv", "b.CSV", "c.tsv", "d.txt", ".hidden.csv"):
        (folder / name).write_text("x\n")
    entry = next(e for e in LAYOUT if e.pattern == "events/gdelt/*.{csv,CSV,tsv}")
    assert [p.name for p in entry.matches(tmp_path)] == ["a.csv", "b.CSV", "c.tsv"]


def test_layout_names_every_source_in_the_brief():
    named = {e.source for e in LAYOUT}
    assert named == {"unvotes", "gdelt", "icews", "baci", "comtrade", "oec", "cow-trade", "sipri", "ungdc",
                     "wdi", "calendar", "peacesciencer"}


def test_missing_adapter_is_listed_not_dropped(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "one.csv").write_text("a\n1\n")
    layout = (Entry("x/*.csv", "no-such-adapter", "test"), Entry("y/*.csv", "unvotes", "absent test"))
    plan = ingest_layout(None, tmp_path, layout, show_progress=False)
    frame = plan.to_frame()
    assert list(frame["status"]) == ["not ingested", "absent"]
    assert "no source adapter named 'no-such-adapter'" in frame.loc[0, "message"]
    assert frame.loc[0, "path"].endswith("one.csv")
    assert "nothing matches y/*.csv" in frame.loc[1, "message"]
    summary = plan.by_source().set_index("source")
    assert summary.loc["no-such-adapter", "not ingested"] == 1 and summary.loc["unvotes", "absent"] == 1
    assert "no source adapter" in summary.loc["no-such-adapter", "problems"]


def _broken_reader(path, **_):
    raise sources.SourceError(f"{path}: line 2: not a valid file; fix the header")


def test_failed_file_is_reported_and_store_unchanged(store, tmp_path):
    sources.register(sources.SimpleAdapter("test-show-broken", "always fails", ("events",), _broken_reader))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "f.csv").write_text("garbage\n")
    layout = (Entry("bad/*.csv", "test-show-broken", "test"),)
    plan = ingest_layout(store, tmp_path, layout, show_progress=False)
    (outcome,) = plan.outcomes
    assert outcome.status == "failed"
    assert "line 2: not a valid file" in outcome.message
    assert store.count("events") == 0
    assert store.provenance()["status"].tolist() == ["failed"]


@pytest.mark.slow
def test_second_ingest_is_skipped(built_store, unvotes_dir):
    from dyad.store import open_store

    with open_store(built_store) as store:
        before = store.count("votes")
        plan = ingest_layout(store, unvotes_dir, show_progress=False)
        assert store.count("votes") == before
        runs = store.provenance()
    (uv,) = [o for o in plan.outcomes if o.source == "unvotes"]
    assert uv.status == "unchanged" and uv.rows_new == 0
    # one successful unvotes run only: the second pass recognised the content by its sha256
    # (partial: the UN records hold a few rows that are rejected with their reason, e.g. unmappable sponsors)
    assert runs[runs["source"] == "unvotes"]["status"].isin(["ok", "partial"]).sum() == 1
    assert isinstance(plan.to_frame(), pd.DataFrame)
