"""Text primitives shared by speeches and reports: tokens, stop words, TF-IDF and the directions lexicon.

Preprocessing for TF-IDF (documented in docs/methods/words.md):

1. Unicode NFKC, lower case; curly apostrophes become straight ones;
2. tokens are runs of letters (``[^\\W\\d_]+``); digits, punctuation and paragraph numbers are dropped,
   apostrophes and hyphens split words (``state's`` -> ``state``, ``s``);
3. tokens shorter than 3 letters and the English stop words below are dropped;
4. term frequency is sublinear, ``1 + ln(tf)``; inverse document frequency is smoothed,
   ``ln((1 + N) / (1 + df)) + 1``; each document vector is scaled to unit length, so the cosine of two
   documents is the dot product of their vectors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import scipy.sparse as sp
import yaml

WORD = re.compile(r"[^\W\d_]+")
MIN_LEN = 3

# English function words (used by the search index too) ...
FUNCTION_WORDS = frozenset("""
a about above after again against all also although am among an and any are as at be because been before
being below between both but by can cannot could did do does doing down during each either else ever every
few for from further had has have having he her here hers herself him himself his how however i if in into
is it its itself just many may me might more most much must my myself neither no nor not now of off on once
one only or other others our ours ourselves out over own same shall she should since so some such than that
the their theirs them themselves then there these they this those through thus to too under until up upon
us very was we were what when where whether which while who whom whose why will with within without would
yet you your yours yourself yourselves let made make like well still even already across toward towards
""".split())
# ... and, for speeches only, the forms of address every General Debate speech repeats.
STOPWORDS = FUNCTION_WORDS | frozenset("""
mr mrs ms madam sir president secretary general excellency excellencies distinguished delegates
delegation assembly session
""".split())

DIRECTION_IDS = ("D1", "D2", "D3", "D4", "D5")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return text.replace("\u2019", "'").replace("\u2018", "'")


def words(text: str) -> list[str]:
    """All word tokens of a text, lower case (no stop-word removal): what the lexicon matches."""
    return WORD.findall(normalise(text))


def terms(text: str) -> list[str]:
    """The TF-IDF terms of a text: word tokens of 3+ letters that are not stop words."""
    return [w for w in words(text) if len(w) >= MIN_LEN and w not in STOPWORDS]


@dataclass(frozen=True)
class TfidfModel:
    """Unit-length TF-IDF vectors of a corpus (rows in corpus order) and the vocabulary."""

    vocabulary: tuple[str, ...]
    idf: np.ndarray
    matrix: sp.csr_matrix       # documents x terms, rows of unit length (zero rows for empty documents)
    lengths: np.ndarray         # number of terms per document, after preprocessing

    def cosine(self, i: int, j: int) -> float:
        return float(self.matrix[i].multiply(self.matrix[j]).sum())

    def cosine_matrix(self, rows: np.ndarray) -> np.ndarray:
        sub = self.matrix[rows]
        return (sub @ sub.T).toarray()


def tfidf(texts: list[str]) -> TfidfModel:
    """Fit TF-IDF (sublinear tf, smoothed idf, L2 rows) on a list of texts."""
    index: dict[str, int] = {}
    indptr, cols, counts, lengths = [0], [], [], []
    for text in texts:
        toks = terms(text)
        lengths.append(len(toks))
        bag: dict[int, int] = {}
        for t in toks:
            k = index.setdefault(t, len(index))
            bag[k] = bag.get(k, 0) + 1
        cols.extend(bag.keys())
        counts.extend(bag.values())
        indptr.append(len(cols))
    n_docs, n_terms = len(texts), len(index)
    tf = sp.csr_matrix((np.asarray(counts, dtype=float), np.asarray(cols, dtype=np.int64),
                        np.asarray(indptr, dtype=np.int64)), shape=(n_docs, n_terms))
    df = np.bincount(tf.indices, minlength=n_terms)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    weighted = tf.copy()
    weighted.data = 1.0 + np.log(weighted.data)
    weighted = weighted @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    matrix = sp.csr_matrix(sp.diags(scale) @ weighted)
    vocab = tuple(sorted(index, key=index.get))
    return TfidfModel(vocab, idf, matrix, np.asarray(lengths))


# ------------------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    """Terms per direction; each term is a tuple of words, the last may end in ``*`` (prefix)."""

    labels: dict[str, str]
    terms: dict[str, tuple[tuple[str, ...], ...]]

    def count(self, tokens: list[str]) -> dict[str, int]:
        """Matches per direction in a token list (longest match per start position and direction)."""
        return {d: _count_direction(self._index(d), tokens) for d in self.terms}

    def _index(self, direction: str):
        """Patterns by exact first word, plus those whose first word is a prefix (built once)."""
        cache = self.__dict__.setdefault("_indexes", {})
        if direction not in cache:
            exact: dict[str, list[tuple[str, ...]]] = {}
            starred: list[tuple[str, ...]] = []
            for p in self.terms[direction]:
                if p[0].endswith("*"):
                    starred.append(p)
                else:
                    exact.setdefault(p[0], []).append(p)
            cache[direction] = (exact, starred, tuple(p[0][:-1] for p in starred))
        return cache[direction]

    def scores(self, text: str) -> tuple[dict[str, int], int]:
        """(matches per direction, number of word tokens) for a text."""
        toks = words(text)
        return self.count(toks), len(toks)


def _count_direction(index, tokens: list[str]) -> int:
    exact, starred, prefixes = index
    found, i = 0, 0
    while i < len(tokens):
        tok = tokens[i]
        cands = exact.get(tok, [])
        if prefixes and tok.startswith(prefixes):
            cands = cands + [p for p in starred if tok.startswith(p[0][:-1])]
        best = max((len(p) for p in cands if _matches(p, tokens, i)), default=0)
        if best:
            found += 1
            i += best
        else:
            i += 1
    return found


def _matches(pattern: tuple[str, ...], tokens: list[str], i: int) -> bool:
    if i + len(pattern) > len(tokens):
        return False
    for word, tok in zip(pattern, tokens[i:i + len(pattern)], strict=False):
        if word.endswith("*"):
            if not tok.startswith(word[:-1]):
                return False
        elif tok != word:
            return False
    return True


def parse_lexicon(data: dict) -> Lexicon:
    """Build a :class:`Lexicon` from the YAML structure (``directions: {D1: {label, terms}}``)."""
    dirs = data.get("directions") or {}
    missing = [d for d in DIRECTION_IDS if d not in dirs]
    if missing:
        raise ValueError(f"directions lexicon lacks {missing}; it needs terms for each of {DIRECTION_IDS}")
    labels, table = {}, {}
    for d in DIRECTION_IDS:
        labels[d] = str(dirs[d].get("label", d))
        pats = []
        for term in dirs[d].get("terms") or []:
            toks = _term_words(str(term))
            if toks:
                pats.append(toks)
        table[d] = tuple(pats)
    return Lexicon(labels, table)


def _term_words(term: str) -> tuple[str, ...]:
    """A lexicon term as words; hyphens and apostrophes split words exactly as in the text."""
    out: list[str] = []
    for part in normalise(term).split():
        found = WORD.findall(part)
        if found and part.endswith("*"):
            found[-1] += "*"
        out.extend(found)
    return tuple(out)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The project's lexicon, ``reference/directions_lexicon.yaml``."""
    ref = resources.files("dyad") / "reference" / "directions_lexicon.yaml"
    return parse_lexicon(yaml.safe_load(ref.read_text(encoding="utf-8")))
