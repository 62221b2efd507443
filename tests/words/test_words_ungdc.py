"""UN General Debate speeches on the real files: counts, seat history, and similarity against numpy TF-IDF."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import need_data
from dyad.documents.text import STOPWORDS

pytestmark = [pytest.mark.slow, pytest.mark.realdata]

NAME = re.compile(r"^([A-Z]{2,3})_(\d+)_(\d{4})\.txt$")


@pytest.fixture(scope="module")
def ungdc():
    return need_data("ungdc")


@pytest.fixture(scope="module")
def ingested(ungdc, tmp_path_factory):
    """The real speeches ingested once; the store is closed so each test (and the CLI) can open it."""
    from dyad.store import open_store

    path = tmp_path_factory.mktemp("ungdc") / "store.duckdb"
    with open_store(path) as s:
        result = s.ingest("ungdc", ungdc)
    return path, result


@pytest.fixture
def speech_store(ingested):
    from dyad.store import open_store

    path, result = ingested
    s = open_store(path, read_only=True)
    yield s, result, path
    s.close()


def _files(ungdc):
    return sorted(p for p in ungdc.rglob("*.txt") if NAME.match(p.name))


def test_counts_and_quarantine(ungdc, speech_store):
    store, result, _ = speech_store
    files = _files(ungdc)
    eu = [p for p in files if p.name.startswith("EU_")]
    assert result.rows_read == len(files) == 156 + 190
    assert result.rows_rejected == len(eu) == 1
    assert store.count("speeches") == len(files) - len(eu)
    q = store.quarantine()
    assert q["file"].str.endswith(eu[0].name).all() and "not a state" in q["reason"][0]
    per = store.sql("SELECT country, count(*) AS n FROM speeches GROUP BY country")
    per = dict(zip(per["country"], per["n"], strict=True))
    names = [NAME.match(p.name).groups() for p in files]
    assert per["RUS"] == sum(c == "RUS" for c, _, _ in names) == 78
    # CHN files of sessions 1-26 are the Republic of China's: the 1971 debate preceded 25 Oct 1971.
    assert per["TWN"] == sum(c == "CHN" and int(s) <= 26 for c, s, _ in names) == 25
    assert per["CHN"] == sum(c == "CHN" and int(s) >= 27 for c, s, _ in names) == 53


def test_seat_history(speech_store):
    store, _, _ = speech_store
    frame = store.sql("SELECT country, session, year, seat, date FROM speeches WHERE country IN ('CHN','TWN','RUS')")
    twn, chn, rus = (frame[frame.country == c] for c in ("TWN", "CHN", "RUS"))
    assert twn["session"].max() == 26 and (twn["seat"] == "ROC").all()
    assert chn["session"].min() == 27 and (chn["seat"] == "CHN").all()
    assert set(rus.loc[rus.year < 1992, "seat"]) == {"USSR"} and set(rus.loc[rus.year >= 1992, "seat"]) == {"RUS"}
    assert (frame["year"] == frame["session"] + 1945).all()
    row = frame[(frame.country == "TWN") & (frame.session == 26)].iloc[0]
    assert str(row["date"])[:10] == "1971-10-01"


def test_text_is_the_file(ungdc, speech_store):
    store, _, _ = speech_store
    path = ungdc / "speeches" / "RUS_72_2017.txt"
    raw = path.read_bytes().decode("utf-8")
    raw = raw[1:] if raw.startswith("\ufeff") else raw
    text = store.sql("SELECT text FROM speeches WHERE country = 'RUS' AND session = 72")["text"][0]
    assert text == raw.replace("\r\n", "\n").replace("\r", "\n").strip()


# ------------------------------------------------------------------- independent TF-IDF (numpy)


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    return [w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 3 and w not in STOPWORDS]


def _numpy_tfidf(ungdc):
    """Sublinear tf, smoothed idf, unit rows: computed from the raw files, with dense numpy."""
    docs = {}
    for p in _files(ungdc):
        code, session, year = NAME.match(p.name).groups()
        if code == "EU":
            continue
        if code == "CHN" and int(session) <= 26:
            code = "TWN"
        text = p.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        docs[(code, int(year))] = Counter(_tokens(text))
    vocab = sorted(set().union(*docs.values()))
    col = {t: i for i, t in enumerate(vocab)}
    keys = list(docs)
    tf = np.zeros((len(keys), len(vocab)))
    for r, k in enumerate(keys):
        for t, c in docs[k].items():
            tf[r, col[t]] = c
    df = (tf > 0).sum(axis=0)
    idf = np.log((1 + len(keys)) / (1 + df)) + 1
    w = np.where(tf > 0, 1 + np.log(np.where(tf > 0, tf, 1)), 0) * idf
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    return keys, w


@pytest.fixture(scope="module")
def reference(ungdc):
    return _numpy_tfidf(ungdc)


def test_similarity_equals_numpy_tfidf(speech_store, reference):
    from dyad.measures import speech

    store, _, _ = speech_store
    keys, w = reference
    idx = {k: i for i, k in enumerate(keys)}
    frame = speech.similarity(store, "CHN", "RUS").to_frame()
    sim = frame[frame.indicator == "speech_similarity"].set_index("period")["value"]
    assert len(sim) == 53
    for year in (1972, 1991, 2023, 2024):
        expected = float(w[idx[("CHN", year)]] @ w[idx[("RUS", year)]])
        assert sim[str(year)] == pytest.approx(expected, abs=1e-10)
    twn = speech.similarity(store, "TWN", "RUS").to_frame()
    one = twn[(twn.indicator == "speech_similarity") & (twn.period == "1960")]["value"].iloc[0]
    assert one == pytest.approx(float(w[idx[("TWN", 1960)]] @ w[idx[("RUS", 1960)]]), abs=1e-10)


def test_percentile_against_all_pairs_of_2023(speech_store, reference):
    from dyad.measures import speech

    store, _, _ = speech_store
    keys, w = reference
    rows = [i for i, k in enumerate(keys) if k[1] == 2023]
    assert len(rows) == 191
    sims = w[rows] @ w[rows].T
    pool = sims[np.triu_indices(len(rows), 1)]
    i, j = keys.index(("CHN", 2023)), keys.index(("RUS", 2023))
    value = float(w[i] @ w[j])
    expected = 100 * ((pool < value - 1e-12).sum() + 0.5 * (np.abs(pool - value) <= 1e-12).sum()) / pool.size
    frame = speech.similarity(store, "CHN", "RUS").to_frame().set_index(["period", "indicator"])
    got = frame.loc[("2023", "speech_similarity_pct")]
    assert got["value"] == pytest.approx(expected, abs=1e-9)
    assert got["n"] == pool.size == 191 * 190 // 2
    # years without a reference corpus: NaN with n = 0 and a note, never zero
    other = frame.loc[("2022", "speech_similarity_pct")]
    assert math.isnan(other["value"]) and other["n"] == 0 and "no reference corpus" in other["note"]


def test_emphasis_shares(speech_store):
    from dyad.measures import speech

    store, _, _ = speech_store
    frame = speech.emphasis(store, "RUS", "CHN")
    y = frame[frame.period == "2023"]
    assert len(y) == 5 and y["value"].sum() == pytest.approx(1.0)
    assert (y["matches"].sum() == y["n"]).all()


def test_cli_speeches(ingested):
    from dyad.cli import cli

    path, _ = ingested
    out = CliRunner().invoke(cli, ["--store", str(path), "speeches", "CHN", "RUS", "--indicator",
                                   "speech_similarity_pct", "--format", "json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {r["indicator"] for r in rows} == {"speech_similarity_pct"}
    by_year = {r["period"]: r for r in rows}
    assert by_year["2023"]["value"] is not None and by_year["2022"]["value"] is None
    terms = CliRunner().invoke(cli, ["--store", str(path), "speeches", "CHN", "RUS", "--terms", "2023",
                                     "--top", "5", "--format", "json"], catch_exceptions=False)
    got = json.loads(terms.output)
    assert len(got) == 10 and all(r["difference"] > 0 for r in got)
