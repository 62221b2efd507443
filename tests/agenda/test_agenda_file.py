"""Agenda YAML: validation errors name the file and the entry; the built-in agenda's content."""

from __future__ import annotations

import pytest
from agenda_helpers import AGENDA_YAML, fake_registry, write  # noqa: F401 (autouse fixture)

from dyad import agenda as ag


def _problems(tmp_path, text: str, strict: bool = True) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ag.AgendaError) as info:
        ag.load(path, strict=strict)
    message = str(info.value)
    assert str(path) in message          # every error names the file
    return message


def test_valid_agenda_loads(tmp_path):
    agenda = ag.load(write(tmp_path, AGENDA_YAML))
    assert [p.id for p in agenda.proposals] == ["P1", "P2", "P3"]
    assert agenda.baseline == ag.Window(2013, 2017) and agenda.evaluation == ag.Window(2018, None)
    assert agenda.proposals[1].links[0].sign == -1


def test_unknown_indicator_suggests_near_ids(tmp_path):
    message = _problems(tmp_path, AGENDA_YAML.replace("id: test_flat", "id: test_flatt"))
    assert "proposal P1, indicator #2 (test_flatt, line 16): unknown indicator 'test_flatt'" in message
    assert "did you mean test_flat" in message
    # lenient loading accepts ids that are not registered (yet)
    assert ag.load(write(tmp_path, AGENDA_YAML.replace("id: test_flat", "id: not_yet")), strict=False)


@pytest.mark.parametrize("baseline, evaluation, fragment", [
    ("{start: 2017, end: 2013}", "{start: 2018}", "ends (2013) before it starts (2017)"),
    ("{start: 2013, end: 2018}", "{start: 2018}", "baseline 2013-2018 must end before evaluation 2018-"),
    ("{start: 13, end: 2017}", "{start: 2018}", "start 13 is not a year"),
    ("2013-2017", "next year", "is not a window"),
    ("{start: 2013, finish: 2017}", "{start: 2018}", "unknown keys ['finish']"),
])
def test_bad_windows(tmp_path, baseline, evaluation, fragment):
    text = AGENDA_YAML.replace("baseline: {start: 2013, end: 2017}", f"baseline: {baseline}")
    text = text.replace("evaluation: {start: 2018}", f"evaluation: {evaluation}")
    message = _problems(tmp_path, text)
    assert "bad window" in message and fragment in message


def test_duplicate_id_unknown_direction_bad_sign_all_reported_together(tmp_path):
    text = (AGENDA_YAML.replace("- id: P2", "- id: P1")
            .replace("directions: [D2]", "directions: [D9]")
            .replace('{id: test_fall, sign: "-"}', '{id: test_fall, sign: "sideways"}'))
    message = _problems(tmp_path, text)
    assert "proposal P1 (line 17): duplicate id" in message
    assert "unknown direction 'D9'; the agenda defines D1, D2, D3" in message
    assert "bad sign 'sideways'" in message
    assert "3 problem(s)" in message


def test_directed_entries_are_checked(tmp_path):
    undirected = AGENDA_YAML.replace("{id: test_rise, sign: \"+\", rationale: planted rise}",
                                     "{id: test_rise, sign: \"+\", directed: both}")
    assert "test_rise is undirected" in _problems(tmp_path, undirected)
    bad_value = AGENDA_YAML.replace('{id: test_fall, sign: "-"}', '{id: test_directed, sign: "-", directed: up}')
    assert "directed 'up' must be one of a_to_b, b_to_a, both" in _problems(tmp_path, bad_value)
    bad_pair = AGENDA_YAML.replace('{id: test_fall, sign: "-"}',
                                   '{id: test_directed, sign: "-", pair: [CHN, USA]}')
    assert "must be the agenda's two countries" in _problems(tmp_path, bad_pair)
    ok = ag.load(write(tmp_path, AGENDA_YAML.replace('{id: test_fall, sign: "-"}',
                                                    '{id: test_directed, sign: "-", pair: [RUS, CHN]}')))
    assert ok.proposals[1].links[0].directed == "b_to_a"


def test_other_problems(tmp_path):
    no_note = AGENDA_YAML.replace("    note: would need a survey\n", "")
    assert "evidence none needs a note" in _problems(tmp_path, no_note)
    no_links = AGENDA_YAML.replace("    evidence: none\n", "")
    assert "no indicators; link some, or write `evidence: none`" in _problems(tmp_path, no_links)
    conflict = AGENDA_YAML.replace('{id: test_fall, sign: "-"}', '{id: test_rise, sign: "-"}').replace(
        "directions: [D2]", "directions: [D1]")
    assert "test_rise has sign -1 in direction D1 but +1 in proposal P1" in _problems(tmp_path, conflict)
    weights = AGENDA_YAML + "weights: {directions: {D7: 1}, indicators: {test_rise: -2}}\n"
    message = _problems(tmp_path, weights)
    assert "weights.indicators.test_rise: -2 is not a non-negative number" in message
    assert "not valid YAML at line" in _problems(tmp_path, "id: [unclosed\n")
    assert "unknown top-level keys ['proposal']" in _problems(tmp_path, AGENDA_YAML + "proposal: 1\n")


def test_weights_file(tmp_path):
    path = write(tmp_path, "directions: {D1: 2}\nindicators: {test_rise: 0.5}\n", "w.yaml")
    weights = ag.load_weights(path)
    assert weights.direction("D1") == 2.0 and weights.indicator("test_rise") == 0.5
    assert weights.indicator("other") == 1.0
    bad = write(tmp_path, "indicators: {x: lots}\n", "bad.yaml")
    with pytest.raises(ag.AgendaError, match="(?s)weights file .*bad.yaml.*x: 'lots' is not a non-negative number"):
        ag.load_weights(bad)


def test_builtin_agenda_content():
    agenda = ag.load("russia-china-2018", strict=False)
    assert "russia-china-2018" in ag.builtin_names()
    assert [d.id for d in agenda.directions] == ["D1", "D2", "D3", "D4", "D5"]
    assert [p.id for p in agenda.proposals] == [f"P{i}" for i in range(1, 13)]
    assert agenda.baseline == ag.Window(2013, 2017) and agenda.evaluation == ag.Window(2018, None)
    by_id = {p.id: p for p in agenda.proposals}
    assert by_id["P9"].evidence == "none" and "would need" in by_id["P9"].note
    assert all(p.links for p in agenda.proposals if p.evidence != "none")
    assert all(link.rationale for p in agenda.proposals for link in p.links)
    p12 = {k.indicator: k.directed for k in by_id["P12"].links}
    assert p12["arms_tiv_delivered"] == "a_to_b" and agenda.countries == ("RUS", "CHN")
    assert {k.directed for k in by_id["P7"].links} == {"both"}
    assert "weak proxies" in agenda.direction("D4").note


def test_builtin_agenda_indicators_registered():
    """Strict load: every linked id is registered. Passes once the events, trade and words branches merge."""
    agenda = ag.load("russia-china-2018", strict=True)
    assert len(agenda.proposals) == 12
