"""Issue 17: from a report's proposals to a draft agenda that `dyad agenda check` accepts and the scorecard
runs on."""

from __future__ import annotations

import json

import corpus
import insample_specs
import yaml
from click.testing import CliRunner

from dyad import indicators as registry
from dyad.documents.text import default_lexicon


def _run(*args):
    from dyad.cli import cli

    return CliRunner().invoke(cli, list(args))


def test_draft_check_and_scorecard(tmp_path):
    db = str(tmp_path / "s.duckdb")
    spec = insample_specs.S1
    doc = corpus.write_text(spec, tmp_path / "r.txt")
    doc_id = _run("--store", db, "doc", "add", str(doc)).stdout.strip()
    out = tmp_path / "agenda.yaml"
    made = _run("--store", db, "agenda", "draft", doc_id, "-o", str(out), "--evaluation-start", "2019",
                "--countries", "RUS", "CHN")
    assert made.exit_code == 0, made.output
    data = yaml.safe_load(out.read_text())
    planted = [" ".join(b[2].split()) for b in spec["body"] if b[0] == "li"]
    assert [p["statement"] for p in data["proposals"]] == planted
    assert data["baseline"] == {"start": 2014, "end": 2018} and data["evaluation"] == {"start": 2019}
    registry.load()
    lex = default_lexicon()
    for p in data["proposals"]:
        counts, _ = lex.scores(p["statement"])
        best = max(counts.values())
        expected_dirs = [d for d, c in counts.items() if c == best] if best else list(counts)
        assert p["directions"] == expected_dirs
        if p.get("evidence") == "none":
            assert "indicators" not in p and p["note"]
            continue
        for link in p["indicators"]:
            ind = registry.get(link["id"])
            assert set(ind.directions) & set(p["directions"])
            assert link["sign"] == ("-" if ind.higher_means == "conflict" else "+")
            assert ("directed" in link) == ind.directed
    # a security proposal about threats gets the threat events, expected to fall
    p4 = data["proposals"][3]
    assert p4["directions"] == ["D3"] and {"id": "ev_threats", "sign": "-"}.items() <= p4["indicators"][0].items()
    assert any(p.get("evidence") == "none" for p in data["proposals"])
    checked = _run("agenda", "check", str(out))
    assert checked.exit_code == 0 and "valid" in checked.output, checked.output
    card = _run("--store", db, "scorecard", "RUS", "CHN", "--agenda", str(out), "--format", "json")
    assert card.exit_code == 0, card.output
    payload = json.loads(card.stdout)
    assert [p["id"] for p in payload["proposals"]] == [p["id"] for p in data["proposals"]]


def test_draft_without_proposals_or_date_says_why(tmp_path):
    db = str(tmp_path / "s.duckdb")
    spec = dict(insample_specs.S1, body=[b for b in insample_specs.S1["body"] if b[0] != "li"])
    doc_id = _run("--store", db, "doc", "add", str(corpus.write_text(spec, tmp_path / "r.txt"))).stdout.strip()
    out = _run("--store", db, "agenda", "draft", doc_id, "-o", str(tmp_path / "a.yaml"))
    assert out.exit_code != 0 and "no numbered proposals" in str(out.exception or out.output)
