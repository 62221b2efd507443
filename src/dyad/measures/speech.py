"""What two countries say at the UN General Debate: similarity, emphasis on the five directions, distinctive terms.

* ``speech_similarity``: cosine of the two speeches' TF-IDF vectors in a year. The TF-IDF model is fitted
  on every speech in the store (all countries, all sessions), with the preprocessing in
  :mod:`dyad.documents.text`; loading more speeches changes the idf weights and so the values slightly.
* ``speech_similarity_pct``: where the store holds the speeches of at least ``min_reference`` countries
  for that year (the reference corpus, e.g. all of session 78), the mid-rank percentile of the dyad's cosine
  among the cosines of all pairs of those countries; otherwise NaN with ``n = 0`` and a note.
* ``speech_emphasis_d1`` .. ``_d5``: share of the lexicon matches in a's speech that belong to each
  direction (directed: about a's speech only).

Methods, formulas and limits: docs/methods/words.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dyad.documents.text import DIRECTION_IDS, TfidfModel, default_lexicon, tfidf
from dyad.indicators import Indicator, register

PERIODS = ("year", "session")
MIN_REFERENCE = 50
TIDY = ["a", "b", "period", "indicator", "value", "n", "note"]


@dataclass(frozen=True)
class SpeechCorpus:
    """Every stored speech (rows in ``frame`` order) and the TF-IDF model fitted on all of them."""

    frame: pd.DataFrame
    model: TfidfModel
    # Lexicon counts per speech row, filled on first use: the five emphasis indicators share them.
    lexicon_counts: dict = field(default_factory=dict, repr=False, compare=False)

    def row(self, country: str, by: str) -> pd.Series:
        """Row numbers of a country's speeches, indexed by period."""
        mine = self.frame[self.frame["country"] == country]
        return pd.Series(mine.index.to_numpy(), index=mine[by].astype(int).to_numpy()).sort_index()


_CACHE: dict[tuple, SpeechCorpus] = {}


def corpus(store) -> SpeechCorpus:
    """The speeches of a store with their TF-IDF model (cached until the store changes)."""
    stamp = store.sql("SELECT coalesce(max(ingest_id), 0) AS i FROM provenance WHERE status IN ('ok', 'partial')")["i"][0] \
        if store.has_table("provenance") else 0
    key = (str(store.path), id(store.con), int(stamp), store.count("speeches"))
    if key not in _CACHE:
        frame = store.table("speeches").select("country", "session", "year", "seat", "text").execute()
        frame = frame.sort_values(["year", "country"]).reset_index(drop=True)
        _CACHE.clear()
        _CACHE[key] = SpeechCorpus(frame, tfidf(frame["text"].fillna("").tolist()))
    return _CACHE[key]


def _check_by(by: str) -> None:
    if by not in PERIODS:
        raise ValueError(f"--by must be one of {', '.join(PERIODS)} for speeches, not {by!r}")


def percentile(value: float, pool: np.ndarray) -> float:
    """Mid-rank percentile of ``value`` in ``pool``: 100 * (#below + #equal / 2) / #pool."""
    below = np.sum(pool < value - 1e-12)
    equal = np.sum(np.abs(pool - value) <= 1e-12)
    return float(100.0 * (below + 0.5 * equal) / pool.size)


def reference_pool(corp: SpeechCorpus, year: int) -> np.ndarray:
    """Cosines of all unordered pairs of distinct countries that spoke in ``year``."""
    rows = corp.frame.index[corp.frame["year"] == year].to_numpy()
    sims = corp.model.cosine_matrix(rows)
    upper = np.triu_indices(len(rows), k=1)
    return sims[upper]


@dataclass(frozen=True)
class SpeechSimilarity:
    a: str
    b: str
    by: str
    rows: tuple[dict, ...]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=TIDY)


def similarity(store, a: str, b: str, by: str = "year", min_reference: int = MIN_REFERENCE) -> SpeechSimilarity:
    """TF-IDF cosine of a's and b's speeches per period, and its percentile among all pairs that year."""
    _check_by(by)
    corp = corpus(store)
    ra, rb = corp.row(a, by), corp.row(b, by)
    out: list[dict] = []
    for period in ra.index.intersection(rb.index):
        i, j = int(ra[period]), int(rb[period])
        value = corp.model.cosine(i, j)
        n = int(min(corp.model.lengths[i], corp.model.lengths[j]))
        out.append(dict(a=a, b=b, period=str(period), indicator="speech_similarity", value=value, n=n, note=""))
        year = int(corp.frame.at[i, "year"])
        speakers = int((corp.frame["year"] == year).sum())
        if speakers >= min_reference:
            pool = reference_pool(corp, year)
            out.append(dict(a=a, b=b, period=str(period), indicator="speech_similarity_pct",
                            value=percentile(value, pool), n=int(pool.size),
                            note=f"among {pool.size} pairs of {speakers} countries' {year} speeches"))
        else:
            out.append(dict(a=a, b=b, period=str(period), indicator="speech_similarity_pct", value=np.nan,
                            n=0, note=f"no reference corpus for {year}: {speakers} speeches stored, "
                                      f"{min_reference} needed"))
    return SpeechSimilarity(a, b, by, tuple(out))


def emphasis(store, a: str, b: str, by: str = "year") -> pd.DataFrame:
    """Share of a's lexicon matches on each direction, per period (tidy rows ``speech_emphasis_dk``)."""
    _check_by(by)
    corp = corpus(store)
    lex = default_lexicon()
    rows = []
    for period, i in corp.row(a, by).items():
        if int(i) not in corp.lexicon_counts:
            corp.lexicon_counts[int(i)] = lex.scores(corp.frame.at[int(i), "text"] or "")
        counts, n_words = corp.lexicon_counts[int(i)]
        total = sum(counts.values())
        for d in DIRECTION_IDS:
            value = counts[d] / total if total else np.nan
            rows.append(dict(a=a, b=b, period=str(period), indicator=f"speech_emphasis_{d.lower()}",
                             value=value, n=total, note="" if total else "no lexicon term in the speech",
                             matches=counts[d], words=n_words))
    return pd.DataFrame(rows, columns=TIDY + ["matches", "words"])


def distinctive_terms(store, a: str, b: str, period: int, by: str = "year", top: int = 15) -> pd.DataFrame:
    """The terms whose TF-IDF weight most exceeds the other side's, for each side, in one period."""
    _check_by(by)
    corp = corpus(store)
    ra, rb = corp.row(a, by), corp.row(b, by)
    if period not in ra.index or period not in rb.index:
        who = [c for c, r in ((a, ra), (b, rb)) if period not in r.index]
        raise ValueError(f"no stored speech of {', '.join(who)} for {by} {period}")
    wa = corp.model.matrix[int(ra[period])].toarray().ravel()
    wb = corp.model.matrix[int(rb[period])].toarray().ravel()
    vocab = np.array(corp.model.vocabulary, dtype=object)
    parts = []
    for side, other, mine, theirs in ((a, b, wa, wb), (b, a, wb, wa)):
        diff = mine - theirs
        order = np.argsort(-diff, kind="stable")[:top]
        order = order[diff[order] > 0]
        parts.append(pd.DataFrame({"side": side, "other": other, "period": str(period),
                                   "rank": np.arange(1, len(order) + 1), "term": vocab[order],
                                   "weight": mine[order], "weight_other": theirs[order], "difference": diff[order]}))
    return pd.concat(parts, ignore_index=True)


def speeches_table(store, a: str, b: str, by: str = "year", indicator: str | None = None,
                   min_reference: int = MIN_REFERENCE) -> pd.DataFrame:
    """All speech indicators (or one) for the dyad, tidy, sorted by period and indicator."""
    frames = [similarity(store, a, b, by, min_reference).to_frame(), emphasis(store, a, b, by)[TIDY]]
    out = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) \
        else pd.DataFrame(columns=TIDY)
    if indicator is not None:
        if indicator not in INDICATOR_IDS:
            raise KeyError(f"no speech indicator {indicator!r}; use one of {', '.join(INDICATOR_IDS)}")
        out = out[out["indicator"] == indicator]
    out = out.assign(_k=pd.to_numeric(out["period"])).sort_values(["_k", "indicator"], kind="stable")
    return out.drop(columns="_k").reset_index(drop=True)


# ------------------------------------------------------------------------------- registration

INDICATOR_IDS = ("speech_similarity", "speech_similarity_pct") + tuple(
    f"speech_emphasis_{d.lower()}" for d in DIRECTION_IDS)


def _similarity_compute(which: str):
    def compute(store, a: str, b: str, by: str = "year", **options) -> pd.DataFrame:
        frame = similarity(store, a, b, by, options.get("min_reference", MIN_REFERENCE)).to_frame()
        return frame[frame["indicator"] == which].reset_index(drop=True)

    compute.__name__ = which
    return compute


def _emphasis_compute(indicator_id: str):
    def compute(store, a: str, b: str, by: str = "year", **_options) -> pd.DataFrame:
        frame = emphasis(store, a, b, by)
        return frame[frame["indicator"] == indicator_id].reset_index(drop=True)

    compute.__name__ = indicator_id
    return compute


register(Indicator(
    id="speech_similarity", label="UN General Debate speech similarity (TF-IDF cosine)", unit="cosine 0..1",
    source="speeches", method="speech-similarity", compute=_similarity_compute("speech_similarity"),
    directions=("D5", "D1"), frequencies=("year", "session"), directed=False, higher_means="closer",
    description="Cosine of the two speeches' TF-IDF vectors; idf fitted on every stored speech."))
register(Indicator(
    id="speech_similarity_pct", label="Speech similarity percentile among all country pairs",
    unit="percentile 0..100", source="speeches", method="speech-similarity",
    compute=_similarity_compute("speech_similarity_pct"), directions=("D5", "D1"),
    frequencies=("year", "session"), directed=False, higher_means="closer",
    description=f"Mid-rank percentile among all pairs of the year's speeches; NaN (n=0) when fewer than "
                f"{MIN_REFERENCE} countries' speeches of that year are stored."))
for _d in DIRECTION_IDS:
    register(Indicator(
        id=f"speech_emphasis_{_d.lower()}", label=f"Speech emphasis on {_d} ({default_lexicon().labels[_d]})",
        unit="share of lexicon matches", source="speeches", method="speech-emphasis",
        compute=_emphasis_compute(f"speech_emphasis_{_d.lower()}"), directions=(_d,),
        frequencies=("year", "session"), directed=True, higher_means="more",
        description="Share of the directions-lexicon matches in a's speech that belong to this direction."))
