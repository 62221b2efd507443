"""Text primitives and the speeches adapter on small files made here (no real data needed)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dyad.documents.text import Lexicon, parse_lexicon, terms, tfidf


def test_tfidf_by_hand():
    texts = ["peace peace security", "security trade", "trade trade trade development"]
    model = tfidf(texts)
    n = 3
    df = {"peace": 1, "security": 2, "trade": 2, "development": 1}
    idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}

    def vec(counts):
        v = {t: (1 + math.log(c)) * idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in v.values()))
        return {t: x / norm for t, x in v.items()}

    a, b, c = vec({"peace": 2, "security": 1}), vec({"security": 1, "trade": 1}), vec({"trade": 3, "development": 1})
    assert model.cosine(0, 1) == pytest.approx(a["security"] * b["security"])
    assert model.cosine(1, 2) == pytest.approx(b["trade"] * c["trade"])
    assert model.cosine(0, 2) == 0.0
    assert np.allclose(model.cosine_matrix(np.arange(3)).diagonal(), 1.0)


def test_terms_preprocessing():
    assert terms("1. Mr. President, the Security Council’s 15 members: peace-keeping!") == [
        "security", "council", "members", "peace", "keeping"]


def test_empty_document_has_zero_vector():
    model = tfidf(["", "trade and peace"])
    assert model.cosine(0, 1) == 0.0 and model.lengths.tolist() == [0, 2]


def test_lexicon_longest_match_prefix_and_phrases():
    lex: Lexicon = parse_lexicon({"directions": {
        "D1": {"terms": ["trust*", "mutual trust"]},
        "D2": {"terms": ["belt and road", "econom*"]},
        "D3": {"terms": ["missile defence", "missile*"]},
        "D4": {"terms": ["people-to-people"]},
        "D5": {"terms": ["united nations"]}}})
    counts, n_words = lex.scores("Mutual trust and trustworthy economic ties; the Belt and Road; missile defence, "
                                 "missiles; people-to-people exchanges at the United Nations.")
    # "mutual trust" counts once (longest match), "trustworthy" once; "missile defence" once, "missiles" once
    assert counts == {"D1": 2, "D2": 2, "D3": 2, "D4": 1, "D5": 1}
    assert n_words == 21


def test_lexicon_needs_every_direction():
    with pytest.raises(ValueError, match="lacks"):
        parse_lexicon({"directions": {"D1": {"terms": ["trust"]}}})


def test_default_lexicon_covers_five_directions():
    from dyad.documents.text import default_lexicon

    lex = default_lexicon()
    assert set(lex.terms) == {"D1", "D2", "D3", "D4", "D5"} and all(len(v) >= 20 for v in lex.terms.values())


# ----------------------------------------------------------------------------------- ungdc adapter


def _write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_ungdc_adapter_history_and_rejects(tmp_path, store):
    folder = tmp_path / "ungdc"
    folder.mkdir()
    _write(folder, "CHN_26_1971.txt", "\ufeffThe Republic of China delegation speaks.\r\nSecond line.")
    _write(folder, "CHN_27_1972.txt", "The People's Republic speaks.")
    _write(folder, "RUS_46_1991.txt", "The Soviet Union speaks.")
    _write(folder, "RUS_47_1992.txt", "The Russian Federation speaks.")
    _write(folder, "EU_78_2023.txt", "The European Union speaks.")
    _write(folder, "USA_70_2016.txt", "Wrong year for session 70.")
    _write(folder, "FRA_78_2023.txt", "   ")
    _write(folder, "README.txt", "not a speech")
    result = store.ingest("ungdc", folder)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 4, 3)
    rows = store.sql("SELECT country, session, seat, text FROM speeches ORDER BY session")
    assert rows[["country", "session", "seat"]].values.tolist() == [
        ["TWN", 26, "ROC"], ["CHN", 27, "CHN"], ["RUS", 46, "USSR"], ["RUS", 47, "RUS"]]
    assert rows.loc[rows.session == 26, "text"].iloc[0] == "The Republic of China delegation speaks.\nSecond line."
    reasons = dict(zip(store.quarantine()["file"].str.rsplit("/", n=1).str[-1], store.quarantine()["reason"],
                       strict=True))
    assert "not a state" in reasons["EU_78_2023.txt"]
    assert "2015, not 2016" in reasons["USA_70_2016.txt"]
    assert reasons["FRA_78_2023.txt"] == "empty speech text"
    assert "README.txt" in result.message


def test_ungdc_bad_encoding_fails_cleanly(tmp_path, store):
    from dyad.sources import SourceError

    folder = tmp_path / "bad"
    folder.mkdir()
    _write(folder, "RUS_72_2017.txt", "ok")
    (folder / "CHN_72_2017.txt").write_bytes(b"caf\xe9 latin-1")
    with pytest.raises(SourceError, match="CHN_72_2017.txt: not UTF-8"):
        store.ingest("ungdc", folder)
    assert store.count("speeches") == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("nothing", encoding="utf-8")
    with pytest.raises(SourceError, match="no speech files"):
        store.ingest("ungdc", empty)


def test_speech_measures_on_a_small_store(tmp_path, store):
    from dyad.measures import speech

    folder = tmp_path / "s"
    folder.mkdir()
    _write(folder, "CHN_78_2023.txt", "Trade and investment along the Belt and Road bring development.")
    _write(folder, "RUS_78_2023.txt", "Trade and security; NATO expansion threatens strategic stability.")
    _write(folder, "USA_78_2023.txt", "Democracy and human rights.")
    store.ingest("ungdc", folder)
    table = speech.speeches_table(store, "CHN", "RUS")
    sim = table[table.indicator == "speech_similarity"].iloc[0]
    model = tfidf([open(folder / f, encoding="utf-8").read() for f in ("CHN_78_2023.txt", "RUS_78_2023.txt",
                                                                        "USA_78_2023.txt")])
    assert sim.value == pytest.approx(model.cosine(0, 1)) and sim.value > 0
    pct = table[table.indicator == "speech_similarity_pct"].iloc[0]
    assert math.isnan(pct.value) and pct.n == 0 and "3 speeches stored, 50 needed" in pct.note
    low = speech.speeches_table(store, "CHN", "RUS", min_reference=3)
    pct3 = low[low.indicator == "speech_similarity_pct"].iloc[0]
    # three pairs: CHN-RUS share "trade", the two pairs with USA share nothing (cosine 0)
    assert pct3.value == pytest.approx(100 * (2 + 0.5) / 3) and pct3.n == 3
    d2 = table[table.indicator == "speech_emphasis_d2"].iloc[0]
    assert d2.value == pytest.approx(1.0) and d2.n == 4         # trade, invest*, belt and road, development
    with pytest.raises(KeyError, match="no speech indicator"):
        speech.speeches_table(store, "CHN", "RUS", indicator="speech_nonsense")
    terms_ = speech.distinctive_terms(store, "CHN", "RUS", 2023, top=3)
    assert set(terms_.loc[terms_.side == "RUS", "term"]) <= {"security", "nato", "expansion", "threatens",
                                                              "strategic", "stability"}
    with pytest.raises(ValueError, match="no stored speech of CHN"):
        speech.distinctive_terms(store, "CHN", "RUS", 1999)


# ------------------------------------------------------------------------------- cleaning rules


def test_dehyphenation_rules():
    from dyad.documents.segment import document_vocabulary, segment

    lines = ["A data-driven approach matters. The econo-", "mic case and the cross-", "border trade, the Sino-",
             "Russian talks and the data-", "driven agenda."]
    text = segment(lines, document_vocabulary(lines))[0].text
    assert text == ("A data-driven approach matters. The economic case and the cross-border trade, the "
                    "Sino-Russian talks and the data-driven agenda.")


def test_page_furniture_and_publisher_rules():
    from dyad.documents.clean import strip_page_furniture, strip_publisher

    pages = [["Annual Review 2024", "Body one.", "Page 1 of 3"],
             ["Annual Review 2024", "Body two.", "- 2 -"],
             ["Annual Review 2024", "Body three.", "3"],
             ["About Us", "We are a think tank.", "All rights reserved."]]
    removed: dict = {}
    out = strip_publisher(strip_page_furniture(pages, removed), removed)
    assert out == [["Body one."], ["Body two."], ["Body three."], []]
    assert removed["page_numbers"] == ["Page 1 of 3", "- 2 -", "3"]
    assert len(removed["running_headers"]) == 3 and len(removed["publisher"]) == 3
    # one imprint marker alone is not enough: a body page that says "About" stays
    keep = [["About the sanctions regime", "It has grown since 2014."]]
    assert strip_publisher(keep, {}) == keep


def test_footnote_needs_a_marker_and_the_next_number():
    from dyad.documents.clean import split_footnotes

    pages = [["The treaty was signed in 2001.1 Trade grew.", "2 ships docked daily.", "1 Treaty text, 16 July 2001."],
             ["More body text.2", "3 Not a footnote: number 3 is not expected yet.", "2 Second note."]]
    bodies, notes = split_footnotes(pages, {})
    assert [n for n, _ in notes] == [1, 2]
    assert bodies[0] == ["The treaty was signed in 2001.1 Trade grew.", "2 ships docked daily."]
    assert bodies[1] == ["More body text.2", "3 Not a footnote: number 3 is not expected yet."]


def test_cli_ingest_ungdc(tmp_path):
    from click.testing import CliRunner

    from dyad.cli import cli

    folder = tmp_path / "u"
    folder.mkdir()
    _write(folder, "CHN_79_2024.txt", "Peace and development.")
    out = CliRunner().invoke(cli, ["--store", str(tmp_path / "s.duckdb"), "ingest", "ungdc", "--from", str(folder)],
                             catch_exceptions=False)
    assert out.exit_code == 0 and "read 1 rows, loaded 1" in out.output


def test_registered_indicators_return_tidy_rows(tmp_path, store):
    from dyad import indicators

    folder = tmp_path / "r"
    folder.mkdir()
    _write(folder, "CHN_78_2023.txt", "Trade and security cooperation.")
    _write(folder, "RUS_78_2023.txt", "Security and trade.")
    store.ingest("ungdc", folder)
    ids = {i.id for i in indicators.all_indicators()}
    assert {"speech_similarity", "speech_similarity_pct"} | {f"speech_emphasis_d{k}" for k in range(1, 6)} <= ids
    sim = indicators.get("speech_similarity")(store, "CHN", "RUS")
    assert list(sim.columns[:6]) == ["a", "b", "period", "indicator", "value", "n"] and len(sim) == 1
    d3 = indicators.get("speech_emphasis_d3")(store, "RUS", "CHN")
    # RUS: "security" (D3) and "trade" (D2): half of its two matches
    assert d3["value"].tolist() == [0.5] and d3["n"].tolist() == [2]
    assert indicators.get("speech_emphasis_d3").directed and indicators.get("speech_similarity").directions == ("D5", "D1")


def test_country_and_organisation_mentions():
    from dyad.documents.extract import country_mentions, organisation_mentions

    text = ("The People's Republic of China and the Republic of Korea met in Türkiye; fine china and a roast "
            "turkey were served. The UN, the United Nations Security Council and the G-20 were named; "
            "a un-named source and the Belt and Road Initiative (BRI) too.")
    assert country_mentions(text) == {"CHN": 1, "KOR": 1, "TUR": 1}
    assert organisation_mentions(text) == {"UN": 2, "G20": 1, "BRI": 2}
