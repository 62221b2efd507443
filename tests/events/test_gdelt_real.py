"""GDELT adapter on the real sample files: counts against independent counts made here from the raw files."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import need_data

pytestmark = pytest.mark.slow

LAYOUT_WIDTHS = {57, 58, 61}


def _tab_rows(path):
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh]


def _csv_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = [h.upper() for h in next(reader)]
        return header, list(reader)


def _good_csv(header, rows):
    """Rows a careful analyst would keep: as wide as the header, a numeric id and an 8-digit date."""
    i_id, i_date = header.index("GLOBALEVENTID"), header.index("SQLDATE")
    if rows and all(len(r) == len(header) + 1 and r[0].strip().isdigit() for r in rows):
        rows = [r[1:] for r in rows]            # R's write.table row-name column: one more field per row
    return [r for r in rows if len(r) == len(header) and r[i_id].isdigit() and len(r[i_date]) == 8
            and r[i_date].isdigit()]


def _pair(a, b):
    return {a, b} == {"CHN", "RUS"}


def test_raw_exports_load_every_row(store):
    for name in ("gdelt2_20191024143000.export.CSV", "gdelt1_daily_20160728_sample710.tsv"):
        path = need_data("events", "gdelt", name)
        rows = _tab_rows(path)
        result = store.ingest("gdelt", path)
        assert result.rows_read == len(rows)
        assert result.rows_loaded == sum(len(r) in LAYOUT_WIDTHS for r in rows) == len(rows)
    # 2,111 + 710 distinct ids, and the CHN-RUS pairs counted from the raw fields (Actor1/2CountryCode 8, 18)
    every = _tab_rows(need_data("events", "gdelt", "gdelt2_20191024143000.export.CSV")) + \
        _tab_rows(need_data("events", "gdelt", "gdelt1_daily_20160728_sample710.tsv"))
    assert store.count("events") == len({r[0] for r in every})
    expected = sum(_pair(r[7], r[17]) for r in every)
    got = store.sql("SELECT count(*) AS n FROM events WHERE source_country IN ('CHN','RUS') AND "
                    "target_country IN ('CHN','RUS') AND source_country <> target_country")["n"][0]
    assert got == expected == 3


def test_57_field_rows_are_the_historical_layout(store):
    path = need_data("events", "gdelt", "gdelt1_daily_20160728_sample710.tsv")
    short = [r for r in _tab_rows(path) if len(r) == 57]
    assert len(short) == 201
    store.ingest("gdelt", path)
    got = store.sql("SELECT event_id, cameo, goldstein, url FROM events").set_index("event_id")
    for r in short:
        assert got.loc[r[0], "cameo"] == r[26]
        assert got.loc[r[0], "goldstein"] == float(r[30])
        assert pd.isna(got.loc[r[0], "url"])      # the historical layout has no SOURCEURL


@pytest.fixture(scope="module")
def folder_store(tmp_path_factory):
    from dyad.store import open_store

    s = open_store(tmp_path_factory.mktemp("gdelt") / "store.duckdb")
    result = s.ingest("gdelt", need_data("events", "gdelt"))
    yield s, result
    s.close()


def test_extracts_counts_and_china_russia(folder_store):
    store, result = folder_store
    folder = need_data("events", "gdelt")
    files = sorted(p for p in folder.rglob("*.csv"))
    per_file = store.sql("SELECT file, rows_read, rows_loaded, rows_rejected FROM provenance_files "
                         f"WHERE ingest_id = {result.ingest_id}").set_index("file")
    seen = {}
    for path in files:
        header, rows = _csv_rows(path)
        good = _good_csv(header, rows)
        rec = per_file.loc[str(path)]
        assert rec.rows_read == len(rows), path.name
        assert rec.rows_loaded == len(good), path.name
        a1, a2, gid = header.index("ACTOR1COUNTRYCODE"), header.index("ACTOR2COUNTRYCODE"), header.index("GLOBALEVENTID")
        for r in good:
            seen[r[gid]] = _pair(r[a1].strip(), r[a2].strip())
    for path in (p for p in folder.iterdir() if p.suffix in (".CSV", ".tsv")):
        for r in _tab_rows(path):
            seen[r[0]] = _pair(r[7], r[17])
    assert store.count("events") == len(seen)
    got = store.sql("SELECT count(*) AS n FROM events WHERE source_country IN ('CHN','RUS') AND "
                    "target_country IN ('CHN','RUS') AND source_country <> target_country")["n"][0]
    assert got == sum(seen.values())


def test_shifted_and_cut_rows_never_reach_the_table(folder_store):
    store, result = folder_store
    folder = need_data("events", "gdelt")
    ids = set(store.sql("SELECT event_id FROM events")["event_id"])
    for name in ("april13.csv", "february13.csv", "january13.csv"):
        header, rows = _csv_rows(folder / "undp_georgia_2011_2013" / name)
        assert all(len(r) == len(header) + 1 for r in rows)        # every row has R's leading row-name column
        assert {r[1] for r in rows} <= ids                          # recognised: the events load in full
        assert not ids & ({r[0] for r in rows} - {r[1] for r in rows})   # the row names are not taken as ids
        assert name in (result.message or "")                       # and the repair is recorded
    header, rows = _csv_rows(folder / "gdelt2_20180508_gdeltPyR.csv")
    cut = [r for r in rows if len(r) != len(header)]
    assert len(cut) == 1 and cut[0][0] not in ids
    q = store.quarantine()
    assert (q["reason"].str.contains("shifted row")).sum() == 1


def test_zero_stripped_codes_are_restored(store):
    path = need_data("events", "gdelt", "gdelt2_actor1CHN_added20180105_gdeltPyR.csv")
    header, rows = _csv_rows(path)
    store.ingest("gdelt", path)
    got = store.sql("SELECT event_id, cameo, root, quad FROM events").set_index("event_id")
    i_code, i_root, i_q = header.index("EVENTCODE"), header.index("EVENTROOTCODE"), header.index("QUADCLASS")
    for r in _good_csv(header, rows):
        root = int(r[i_root])
        code = r[i_code].zfill(len(r[i_code]) + (1 if root < 10 else 0))
        assert got.loc[r[0], "cameo"] == code
        assert got.loc[r[0], "root"] == root
        assert got.loc[r[0], "quad"] == int(r[i_q])


def test_ingesting_twice_adds_nothing(store):
    path = need_data("events", "gdelt", "gdelt2_20191024143000.export.CSV")
    first = store.ingest("gdelt", path)
    again = store.ingest("gdelt", path, force=True)
    assert first.rows_new == 2111 and again.rows_new == 0 and again.rows_loaded == 2111
    assert store.count("events") == 2111
