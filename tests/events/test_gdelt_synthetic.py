"""GDELT adapter on hand-made files: misaligned rows, odd bytes, NA strings, zip, overlap and dedupe."""

from __future__ import annotations

import zipfile

import pandas as pd

from events.helpers import gdelt2_row, write_tab


def _rows(n=5, start=100):
    return [gdelt2_row(start + i, "20180105", "CHN", "RUS", "042", 1.9) for i in range(n)]


def test_shifted_short_and_wide_rows_are_quarantined(store, tmp_path):
    rows = _rows(4)
    shifted = ["7"] + gdelt2_row(900, "20180105", "CHN", "RUS", "042", 1.9)
    short = gdelt2_row(901, "20180105", "CHN", "RUS", "042", 1.9)[:40]
    # a row that kept 61 fields but lost one in the middle and gained one at the end: fields disagree
    slid = gdelt2_row(902, "20180105", "CHN", "RUS", "042", 1.9)
    slid = slid[:1] + slid[2:] + ["x"]
    path = tmp_path / "x.export.CSV"
    write_tab(path, rows + [shifted, short, slid])
    result = store.ingest("gdelt", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 4, 3)
    assert sorted(store.sql("SELECT event_id FROM events")["event_id"]) == ["100", "101", "102", "103"]
    q = store.quarantine().set_index("row")
    assert "62 fields" in q.loc[5, "reason"] and "40 fields" in q.loc[6, "reason"]
    assert "SQLDATE" in q.loc[7, "reason"]
    assert q.loc[6, "raw"] == "\t".join(short)


def test_semantic_checks(store, tmp_path):
    bad_code = gdelt2_row(1, "20180105", "CHN", "RUS", "999", 1.0)
    bad_quad = gdelt2_row(2, "20180105", "CHN", "RUS", "042", 1.9)
    bad_quad[29] = "4"
    bad_country = gdelt2_row(3, "20180105", "CHN", "XXQ", "042", 1.9)
    bad_date = gdelt2_row(4, "20180231", "CHN", "RUS", "042", 1.9)
    bad_gold = gdelt2_row(5, "20180105", "CHN", "RUS", "042", 1.9)
    bad_gold[30] = "11"
    region = gdelt2_row(6, "20180105", "CHN", "EUR", "042", 1.9)     # a CAMEO region: kept, no ISO3
    path = tmp_path / "y.export.CSV"
    write_tab(path, [bad_code, bad_quad, bad_country, bad_date, bad_gold, region])
    store.ingest("gdelt", path)
    reasons = store.quarantine().set_index("row")["reason"]
    assert "not a CAMEO event code" in reasons[1]
    assert "quad class" in reasons[2]
    assert "Actor2CountryCode 'XXQ'" in reasons[3]
    assert "SQLDATE" in reasons[4]
    assert "GoldsteinScale" in reasons[5]
    kept = store.sql("SELECT * FROM events")
    assert list(kept["event_id"]) == ["6"] and kept["target_country"].isna().all()
    assert kept["source_country"].tolist() == ["CHN"]


def test_odd_bytes_are_quarantined_with_line_numbers(store, tmp_path):
    rows = _rows(3)
    path = tmp_path / "z.export.CSV"
    lines = ["\t".join(r).encode() for r in rows]
    broken = "\t".join(gdelt2_row(555, "20180105", "CHN", "RUS", "042", 1.9)).encode().replace(b"example", b"ex\xff\xfe")
    shifted = ("1\t" + "\t".join(gdelt2_row(556, "20180105", "CHN", "RUS", "042", 1.9))).encode()
    path.write_bytes(b"\n".join([lines[0], broken, lines[1], shifted, lines[2]]) + b"\n")
    result = store.ingest("gdelt", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 3, 2)
    q = store.quarantine().set_index("row")
    assert sorted(q.index) == [2, 4]
    assert "unreadable" in q.loc[2, "reason"] and "62 fields" in q.loc[4, "reason"]


def test_header_csv_with_na_and_extra_columns(store, tmp_path):
    from dyad.sources.gdelt import POSITIONS

    names = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "Actor1Code", "Actor1CountryCode", "Actor1Type1Code",
             "Actor2Code", "Actor2CountryCode", "Actor2Type1Code", "EventCode", "CAMEOCodeDescription",
             "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions", "AvgTone",
             "DATEADDED", "SOURCEURL"]
    assert {n.upper() for n in names} >= set(POSITIONS) - {n for n in POSITIONS if "TYPE2" in n or "TYPE3" in n}
    rows = [["1", "20180105", "201801", "2018", "CHNGOV", "CHN", "GOV", "RUSGOV", "RUS", "GOV", "042",
             '" Make a visit, abroad"', "042", "04", "1", "1.9", "NA", "NA", "20180105", "NA"],
            ["NA"] * 20]
    path = tmp_path / "extract.csv"
    path.write_text(",".join(names) + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    result = store.ingest("gdelt", path)
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    got = store.sql("SELECT * FROM events").iloc[0]
    assert got["source_type"] == "GOV" and got["target_country"] == "RUS"
    assert pd.isna(got["mentions"]) and pd.isna(got["tone"]) and pd.isna(got["url"])   # NA is missing, not 0


def test_zip_and_overlapping_files_dedupe(store, tmp_path):
    write_tab(tmp_path / "a.export.CSV", _rows(6, start=10))          # ids 10..15
    write_tab(tmp_path / "b.export.CSV", _rows(6, start=13))          # ids 13..18: 3 overlap
    with zipfile.ZipFile(tmp_path / "b.export.CSV.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(tmp_path / "b.export.CSV", "b.export.CSV")
    first = store.ingest("gdelt", tmp_path / "a.export.CSV")
    second = store.ingest("gdelt", tmp_path / "b.export.CSV.zip")
    assert first.rows_new == 6 and second.rows_loaded == 6 and second.rows_new == 3
    assert store.count("events") == 9
    files = store.sql("SELECT file FROM provenance_files")["file"].tolist()
    assert any(f.endswith("b.export.CSV.zip!b.export.CSV") for f in files)


def test_failed_ingest_leaves_store_unchanged(store, tmp_path):
    write_tab(tmp_path / "ok.export.CSV", _rows(3))
    store.ingest("gdelt", tmp_path / "ok.export.CSV")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    import pytest

    from dyad.sources import SourceError

    with pytest.raises(SourceError, match="not a readable zip"):
        store.ingest("gdelt", bad)
    assert store.count("events") == 3


def test_number_forms(store, tmp_path):
    nan_gold = gdelt2_row(1, "20180105", "CHN", "RUS", "042", 1.9)
    nan_gold[30] = "NaN"
    bad_tone = gdelt2_row(2, "20180105", "CHN", "RUS", "042", 1.9)
    bad_tone[34] = "1.2.3"
    sci_added = gdelt2_row(3, "20180105", "CHN", "RUS", "042", 1.9)
    sci_added[59] = "2.0180105e+13"                 # what a spreadsheet round trip writes
    plus_id = gdelt2_row(4, "20180105", "CHN", "RUS", "042", 1.9)
    plus_id[0] = "+4"
    path = tmp_path / "n.export.CSV"
    write_tab(path, [nan_gold, bad_tone, sci_added, plus_id])
    store.ingest("gdelt", path)
    reasons = store.quarantine().set_index("row")["reason"]
    assert "GoldsteinScale 'NaN'" in reasons[1] and "AvgTone '1.2.3'" in reasons[2]
    assert "GLOBALEVENTID '+4'" in reasons[4]
    assert store.sql("SELECT event_id FROM events")["event_id"].tolist() == ["3"]


def test_header_file_line_numbers_with_odd_bytes(store, tmp_path):
    names = ("GLOBALEVENTID,SQLDATE,MonthYear,Year,Actor1CountryCode,Actor2CountryCode,EventCode,EventBaseCode,"
             "EventRootCode,QuadClass,GoldsteinScale,DATEADDED")
    good = "1,20180105,201801,2018,CHN,RUS,042,042,04,1,1.9,20180105"
    path = tmp_path / "h.csv"
    path.write_bytes((names + "\n" + good + "\n").encode() + b"2,20180105,201801,2018,CHN,RUS,042,042,04,1,1.9,2018\xff\n"
                     + b"3,20180105\n" + ("4" + good[1:] + "\n").encode())
    result = store.ingest("gdelt", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    q = store.quarantine().set_index("row")["reason"]
    assert "unreadable" in q[3] and "2 fields but the header names 12" in q[4]     # file lines (header = 1)
