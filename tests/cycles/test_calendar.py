"""Calendars: the shipped facts against the public record, validation errors, and the calendar source."""

import datetime as dt
import textwrap

import pytest
import yaml

from dyad import calendar
from dyad.sources import SourceError

# Dates from the public record (CEC of Russia, CPC and NPC announcements), typed here independently.
RUS_PRESIDENTIAL = ["1991-06-12", "1996-06-16", "1996-07-03", "2000-03-26", "2004-03-14", "2008-03-02",
                    "2012-03-04", "2018-03-18", "2024-03-17"]
RUS_DUMA = ["1993-12-12", "1995-12-17", "1999-12-19", "2003-12-07", "2007-12-02", "2011-12-04", "2016-09-18",
            "2021-09-19"]
CPC_CONGRESSES = ["1992-10-12", "1997-09-12", "2002-11-08", "2007-10-15", "2012-11-08", "2017-10-18", "2022-10-16"]
NPC_TRANSITIONS = ["2003-03-15", "2008-03-15", "2013-03-14", "2018-03-17", "2023-03-10"]
BILATERAL = {"1996-04-25", "2001-06-15", "2001-07-16", "2014-05-21", "2019-06-05", "2019-12-02", "2022-02-04"}


def _dates(country, kind, start="1990-01-01"):
    frame = calendar.entries(country, kind)
    return [d for d in frame["date"].dt.strftime("%Y-%m-%d") if d >= start]


def test_shipped_dates_match_the_public_record():
    assert _dates("RUS", "presidential_election") == RUS_PRESIDENTIAL
    assert _dates("RUS", "duma_election") == RUS_DUMA
    assert _dates("CHN", "party_congress", "1990-01-01") == CPC_CONGRESSES
    assert set(NPC_TRANSITIONS) <= set(_dates("CHN", "npc_leadership_transition"))
    assert "2018-03-11" in _dates("CHN", "constitutional_change")
    assert {"2020-07-01", "1993-12-12"} <= set(_dates("RUS", "constitutional_change"))
    assert "2018-03-01" in _dates("RUS", "federal_assembly_address")
    assert BILATERAL <= set(_dates("CHN-RUS", None))
    # a pair is found whichever way round it is written
    assert len(calendar.entries("RUS-CHN")) == len(calendar.entries("CHN-RUS"))


def test_every_shipped_entry_is_valid_and_sourced():
    for path in calendar.builtin_files():
        raw = yaml.safe_load(path.read_text())
        frame = calendar.load_file(path)     # strict: raises on any bad entry
        assert len(frame) == len(raw["entries"])
        assert all(isinstance(e["source"], str) and len(e["source"]) > 5 for e in raw["entries"])


def test_calendars_cover_1990_to_2026():
    for country in ("RUS", "CHN"):
        years = set(calendar.entries(country)["date"].dt.year)
        assert min(years) <= 1990 and max(years) >= 2026 - 2, country
        # no gap longer than two years in either calendar
        ordered = sorted(y for y in years if y >= 1990)
        assert max(b - a for a, b in zip(ordered, ordered[1:], strict=False)) <= 2
    assert max(calendar.entries("CHN")["date"].dt.year) == 2026


def _write(tmp_path, body, name="mine.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def test_bad_entry_error_names_file_entry_and_line(tmp_path):
    path = _write(tmp_path, """\
        country: FRA
        entries:
          - {date: 2017-05-07, kind: presidential_election, label: Macron elected, source: Conseil constitutionnel}
          - date: 2022-13-24
            kind: presidential_election
            label: Macron re-elected
            source: Conseil constitutionnel
        """)
    with pytest.raises(calendar.CalendarError) as err:
        calendar.load_file(path)
    message = str(err.value)
    assert "mine.yaml" in message and "entry 2" in message and "line 4" in message and "YYYY-MM-DD" in message


@pytest.mark.parametrize("entry, reason", [
    ("{date: 2020-01-01, kind: election, label: x}", "missing source"),
    ("{date: 2020-01-01, kind: election, label: x, source: y, colour: red}", "unknown field(s) colour"),
    ("{date: 2020-01-01, kind: Big Election, label: x, source: y}", "lower_snake_case"),
    ("{date: 2020-01-05, end_date: 2020-01-01, kind: election, label: x, source: y}", "before date"),
    ("{date: 2020-01-01, kind: election, label: x, source: y, status: maybe}", "status"),
])
def test_validation_reasons(tmp_path, entry, reason):
    path = _write(tmp_path, f"country: FRA\nentries:\n  - {entry}\n")
    good, bad = calendar.validate_file(path)
    assert good.empty and len(bad) == 1 and reason in bad[0].reason and bad[0].line == 3


def test_not_a_calendar_or_not_yaml(tmp_path):
    with pytest.raises(calendar.CalendarError, match=r"mine.yaml, line \d+: not valid YAML"):
        calendar.load_file(_write(tmp_path, "country: FRA\nentries: [ {date: 2020-01-01\n"))
    with pytest.raises(calendar.CalendarError, match="top-level keys"):
        calendar.load_file(_write(tmp_path, "- 1\n- 2\n"))
    with pytest.raises(calendar.CalendarError, match="not a country"):
        calendar.load_file(_write(tmp_path, "country: Atlantis\nentries: []\n"))


def test_user_file_adds_to_builtin_and_wins_on_same_key(tmp_path):
    path = _write(tmp_path, """\
        country: RUS
        entries:
          - {date: 2018-03-18, kind: presidential_election, label: my label, source: my source}
          - {date: 2030-03-17, kind: presidential_election, label: next, source: law, status: scheduled}
        """)
    frame = calendar.entries("RUS", "presidential_election", paths=[path])
    assert frame.loc[frame["date"] == "2018-03-18", "label"].item() == "my label"
    assert len(frame) == len(RUS_PRESIDENTIAL)           # scheduled entries are left out by default
    assert len(calendar.entries("RUS", "presidential_election", paths=[path], status=None)) == 10
    assert calendar.event_dates("RUS:presidential_election")[-1] == dt.date(2024, 3, 17)
    with pytest.raises(ValueError, match="kinds for RUS"):
        calendar.event_dates("RUS:coronation")


def test_calendar_source_ingests_with_provenance_and_quarantine(store, tmp_path):
    good = _write(tmp_path, """\
        country: FRA
        entries:
          - {date: 2017-05-07, kind: presidential_election, label: a, source: s}
          - {date: 2017-05-07, kind: presidential_election, label: duplicate, source: s}
          - {date: 2022-04-24, kind: presidential_election, label: b, source: s}
          - {date: 24/04/2022, kind: presidential_election, label: c, source: s}
        """, "fra.yaml")
    result = store.ingest("calendar", good)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    rows = store.sql("SELECT country, CAST(date AS VARCHAR) AS d, label FROM calendar ORDER BY date")
    assert rows.values.tolist() == [["FRA", "2017-05-07", "a"], ["FRA", "2022-04-24", "b"]]
    quarantine = store.quarantine(result.ingest_id)
    assert sorted(quarantine["row"]) == [4, 6]
    assert "duplicate" in quarantine["reason"].iloc[0] and "24/04/2022" in quarantine["raw"].iloc[1]
    assert store.provenance()["source"].tolist() == ["calendar"]

    broken = _write(tmp_path, "country: FRA\nentries: {oops\n", "broken.yaml")
    with pytest.raises(SourceError, match="broken.yaml"):
        store.ingest("calendar", broken)
    assert store.count("calendar") == 2                     # the store is unchanged


def test_ingesting_builtin_calendars_counts_every_entry(store):
    expected = sum(len(yaml.safe_load(p.read_text())["entries"]) for p in calendar.builtin_files())
    result = store.ingest("calendar", calendar.BUILTIN_DIR)
    assert result.rows_loaded == expected and result.rows_rejected == 0
    assert store.count("calendar") == expected
    # what the store holds is what entries() reads back
    assert len(calendar.entries(store=store, builtin=False, status=None)) == expected


def test_milestones_as_chart_annotations():
    import altair as alt
    import pandas as pd

    from dyad.analysis.annotate import calendar_rules

    rules = calendar_rules("CHN-RUS", start="2001-01-01", end="2019-12-31")
    values = rules.data.to_dict(orient="records")
    assert rules.to_dict()["mark"]["type"] == "rule"
    raw = yaml.safe_load((calendar.BUILTIN_DIR / "CHN-RUS.yaml").read_text())["entries"]
    expected = sorted(str(e["date"]) for e in raw if "2001-01-01" <= str(e["date"]) <= "2019-12-31")
    assert sorted(v["date"] for v in values) == expected
    series = alt.Chart(pd.DataFrame({"date": ["2001-01-01", "2019-01-01"], "v": [1, 2]})).mark_line().encode(
        x="date:T", y="v:Q")
    assert isinstance(series + rules, alt.LayerChart)
