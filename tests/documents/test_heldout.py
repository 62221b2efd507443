"""Issue 17 done-when, on the held-out reports (heldout/heldout_specs.py, written before the extraction
work and first scored once, at its end; results in docs/methods/words.md). Text and PDF path alike:

* every footnote with a URL is found with that URL; every numbered or lettered proposal with its full text;
* quotes and paraphrases: recall >= 0.8 at precision >= 0.9 (pooled over the documents);
* title and authors (with affiliations) right.
"""

from __future__ import annotations

import corpus
import pytest
import scoring
from heldout import heldout_specs

from dyad.documents.pipeline import process


@pytest.fixture(scope="module", params=["txt", "pdf"])
def scored(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"heldout-{request.param}")
    out = {}
    for spec in heldout_specs.SPECS:
        path = folder / f"{spec['name']}.{request.param}"
        (corpus.write_text if request.param == "txt" else corpus.write_pdf)(spec, path)
        out[spec["name"]] = scoring.score(spec, process(path))
    return out


def test_heldout_done_when(scored):
    print("\n" + scoring.table(scored))
    for name, s in scored.items():
        assert s["url_notes"][:2] == (1.0, 1.0), name
        assert s["proposals"][:2] == (1.0, 1.0), name
        assert s["title"][:2] == (1.0, 1.0) and s["authors"][:2] == (1.0, 1.0), name
    hit = sum(s["quotes"][2] for s in scored.values())
    found = sum(s["quotes"][3] for s in scored.values())
    planted = sum(s["quotes"][4] for s in scored.values())
    assert hit / found >= 0.9 and hit / planted >= 0.8
