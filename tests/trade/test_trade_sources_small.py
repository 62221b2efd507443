"""Comtrade and OEC adapters on small hand-made files: directions, units and quarantine reasons."""

from __future__ import annotations

import pytest

from dyad import indicators
from dyad.sources import SourceError

COMTRADE_HEAD = ("typeCode,freqCode,refYear,refMonth,reporterCode,flowCode,partnerCode,cmdCode,"
                 "classificationCode,primaryValue,qty,qtyUnitAbbr,motCode\n")


def test_comtrade_directions_and_reasons(tmp_path, store):
    f = tmp_path / "ct.csv"
    f.write_text(COMTRADE_HEAD +
                 "C,M,2023,1,156,M,643,TOTAL,H6,1000,,,0\n"      # China imports from Russia
                 "C,M,2023,1,643,X,156,TOTAL,H6,900,,,0\n"       # Russia reports its exports to China
                 "C,A,2023,52,156,X,0,TOTAL,H6,5000,,,0\n"       # annual, to the World: month 0
                 "C,M,2023,2,156,RX,643,TOTAL,H6,7,,,0\n"        # re-export: not stored
                 "C,M,2023,13,156,M,643,TOTAL,H6,7,,,0\n"        # month 13
                 "C,M,2023,3,156,M,643,27,H6,abc,,,0\n"          # value not a number
                 "C,M,2023,1,156,M,643,TOTAL,H6,400,,,2100\n"    # by sea only: a breakdown
                 "C,M,2023,1,156,M,643,TOTAL,H6,1000,,,0\n")     # the first line again
    result = store.ingest("comtrade", f)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (8, 3, 5)
    q = store.quarantine().set_index("row")["reason"]
    assert "RX" in q[5] and "refMonth" in q[6] and "primaryValue" in q[7]
    assert "breakdown" in q[8] and "duplicate" in q[9]
    rows = store.sql("SELECT exporter, importer, reporter, month, value_usd FROM trade ORDER BY value_usd")
    assert rows.values.tolist() == [["RUS", "CHN", "RUS", 1, 900.0], ["RUS", "CHN", "CHN", 1, 1000.0],
                                    ["CHN", "WLD", "CHN", 0, 5000.0]]
    # The importer's report wins for values; the mirror gap compares the two reports.
    get = indicators.get("trade_exports")
    assert get(store, "RUS", "CHN", by="month", source="comtrade")["value"].tolist() == [1000.0]
    gap = indicators.get("trade_mirror_gap")(store, "RUS", "CHN")
    assert gap["value"].iloc[0] == pytest.approx((1000 - 900) / 900 * 100)
    assert "exports" in gap["comparison"].iloc[0]


def test_oec_direction_from_column_and_heading_ids(tmp_path, store):
    f = tmp_path / "oec.csv"
    f.write_text("Section ID,Section,HS4 ID,HS4,Year,Exports from China to Russia (USD),PCI\n"
                 "1,Animal Products,101,Horses,2020,10.0,0.1\n"
                 "5,Mineral Products,52709,Crude Petroleum,2020,30.0,0.1\n"
                 "5,Mineral Products,62709,Crude Petroleum,2020,30.0,0.1\n"
                 "5,Mineral Products,2711,Petroleum Gas,2020,-1,0.1\n")
    result = store.ingest("oec", f)
    assert (result.rows_loaded, result.rows_rejected) == (2, 2)
    q = store.quarantine().set_index("row")["reason"]
    assert "section prefix" in q[4] and "non-negative" in q[5]
    rows = store.sql("SELECT exporter, importer, product, value_usd FROM trade ORDER BY product").values.tolist()
    assert rows == [["CHN", "RUS", "0101", 10.0], ["CHN", "RUS", "2709", 30.0]]
    share = indicators.get("trade_share_crude")(store, "CHN", "RUS")
    assert share["value"].tolist() == [75.0]


def test_oec_table_without_direction_is_refused(tmp_path, store):
    f = tmp_path / "bilateral.csv"
    f.write_text("Section ID,Section,HS4 ID,HS4,Year,Russia's Exports,China's Exports,PCI\n5,M,2709,C,2020,1,2,0\n")
    with pytest.raises(SourceError, match="direction"):
        store.ingest("oec", f)
    assert store.count("trade") == 0
