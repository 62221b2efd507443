"""BACI: totals per year and direction against independent sums of the raw file and published figures."""

from __future__ import annotations

import zipfile

import duckdb
import pandas as pd
import pytest

from conftest import need_data
from dyad.measures import trade as tr
from dyad.sources import SourceError, baci

BACI = ("trade", "baci_russia_china_processed_2017_2023.csv")


def raw_totals() -> pd.DataFrame:
    """Direction-year totals in USD straight from the CSV (v is thousand USD)."""
    path = need_data(*BACI)
    return duckdb.sql(f"SELECT t AS year, i, j, sum(v) * 1000 AS usd FROM read_csv('{path}') GROUP BY ALL").df()


def test_totals_equal_independent_sums(trade_store):
    raw = raw_totals()
    for (a, b), (i, j) in {("CHN", "RUS"): (156, 643), ("RUS", "CHN"): (643, 156)}.items():
        ours = tr.exports(trade_store, a, b).set_index("period")["value"]
        want = raw[(raw.i == i) & (raw.j == j)].set_index("year")["usd"]
        assert sorted(ours.index) == [str(y) for y in sorted(want.index)]
        for year, usd in want.items():
            assert ours[str(year)] == pytest.approx(usd, rel=1e-12)


def test_published_2023_figures(trade_store):
    """README/CEPII figures: China->Russia 2023 about 110.0 bn USD, Russia->China about 129.0 bn USD."""
    cn_ru = tr.exports(trade_store, "CHN", "RUS").set_index("period")["value"]["2023"]
    ru_cn = tr.exports(trade_store, "RUS", "CHN").set_index("period")["value"]["2023"]
    assert round(cn_ru / 1e9, 1) == 110.0
    assert round(ru_cn / 1e9, 1) == 129.0


def test_units_and_zero_padding(trade_store):
    # First data row of the file: 2017,156,643,10620,48.641,3.124 -> HS 010620, 48,641 USD, 3.124 t.
    row = trade_store.sql("SELECT * FROM trade WHERE source = 'baci' AND year = 2017 AND exporter = 'CHN' "
                          "AND product = '010620'")
    assert len(row) == 1
    assert row["value_usd"][0] == pytest.approx(48641.0)
    assert row["quantity"][0] == pytest.approx(3.124)
    assert row["quantity_unit"][0] == "t"
    assert trade_store.sql("SELECT min(length(product)) AS m FROM trade WHERE source = 'baci'")["m"][0] == 6


def test_bad_rows_quarantined_with_reasons(tmp_path, store):
    f = tmp_path / "BACI_HS17_Y2020_V202401.csv"
    f.write_text("t,i,j,k,v,q\n2020,156,643,270900,100.5,NA\n2020,156,999,270900,1,1\n"
                 "20x0,156,643,270900,1,1\n2020,156,643,27,1,1\n2020,643,156,10110,-3,1\n"
                 "2020,251,842,847130,2.0,           NA\n2020,156,643,270900,7,1\n")
    result = store.ingest("baci", f)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 2, 5)
    q = store.quarantine(result.ingest_id).set_index("row")["reason"]
    assert "importer code 999" in q[3]
    assert "year" in q[4]
    assert "HS6" in q[5]
    assert "negative" in q[6]
    assert "duplicate" in q[8]
    rows = store.sql("SELECT exporter, importer, product, value_usd, quantity FROM trade ORDER BY exporter")
    assert rows.values.tolist()[0][:4] == ["CHN", "RUS", "270900", 100500.0]
    assert pd.isna(rows.values.tolist()[0][4])
    assert rows.values.tolist()[1][:4] == ["FRA", "USA", "847130", 2000.0]   # BACI's own codes 251, 842


def test_wrong_file_fails_and_store_unchanged(tmp_path, store):
    f = tmp_path / "x.csv"
    f.write_text("year,exporter,importer\n2020,CHN,RUS\n")
    with pytest.raises(SourceError, match="t,i,j,k,v,q"):
        store.ingest("baci", f)
    assert store.count("trade") == 0
    assert store.provenance()["status"].tolist() == ["failed"]


def _release_zip(path, rows: str):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("BACI_HS17_Y2021_V202401.csv", "t,i,j,k,v,q\n" + rows)
        zf.writestr("country_codes_V202401.csv",
                    "country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n643,Russia,RU,RUS\n"
                    "58,Belgium-Luxembourg,BE,BLX\n")
        zf.writestr("product_codes_HS17_V202401.csv", "code,description\n270900,Crude\n")


def test_release_zip_uses_its_country_table(tmp_path, store):
    z = tmp_path / "BACI_HS17_V202401.zip"
    _release_zip(z, "2021,156,643,270900,1.5,2\n2021,58,643,270900,2,2\n")
    result = store.ingest("baci", z)
    assert result.rows_loaded == 2
    got = store.sql("SELECT exporter, classification, value_usd FROM trade ORDER BY exporter").values.tolist()
    assert got == [["BLX", "HS17", 2000.0], ["CHN", "HS17", 1500.0]]


def test_download_from_local_server(http_server, tmp_path, store):
    root, url = http_server
    _release_zip(root / "BACI_HS17_V202401.zip", "2021,156,643,270900,1.5,2\n")
    paths = baci.ADAPTER.download(cache=tmp_path / "cache", base_url=url)
    assert paths == [tmp_path / "cache" / "BACI_HS17_V202401.zip"]
    assert store.ingest("baci", paths[0]).rows_loaded == 1
    # A missing release is a clear error and leaves nothing in the cache.
    with pytest.raises(SourceError, match="404"):
        baci.download(cache=tmp_path / "cache", base_url=url, release="HS96_V000000")
    assert not list((tmp_path / "cache").glob("*HS96*"))


def test_download_rejects_a_broken_zip(http_server, tmp_path):
    root, url = http_server
    (root / "BACI_HS17_V202401.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match="not a valid zip"):
        baci.download(cache=tmp_path / "cache", base_url=url)
    assert not list((tmp_path / "cache").glob("*.zip"))


def test_several_years_are_staged_and_cleaned(tmp_path, store):
    import gc

    for year in (2020, 2021):
        (tmp_path / f"BACI_HS17_Y{year}_V202401.csv").write_text(f"t,i,j,k,v,q\n{year},156,643,270900,1,1\n")
    stage = baci.read(tmp_path).tables["trade"]
    folder = stage.folder
    assert len(list(folder.glob("*.parquet"))) == 2
    result = store.ingest("baci", tmp_path)          # read again, loaded and cleaned by the store
    assert result.rows_loaded == 2 and store.count("trade") == 2
    del stage                                        # never loaded: removed when dropped
    gc.collect()
    assert not folder.exists()


def test_countries_option_limits_rows(tmp_path, store):
    f = tmp_path / "BACI_HS17_Y2020_V202401.csv"
    f.write_text("t,i,j,k,v,q\n2020,156,643,270900,1,1\n2020,251,842,270900,1,1\n")
    result = store.ingest("baci", f, countries=["RUS"])
    assert (result.rows_read, result.rows_loaded) == (1, 1)
    assert "outside" in result.message


def test_fast_and_checked_paths_agree():
    """Clean files take the typed parallel parse; it must give exactly what the row-by-row checks give."""
    from dyad import engine

    path = need_data(*BACI)
    out = []
    for reader in (baci._fast, baci._slow):
        con = engine.scratch()
        try:
            select, bad, n = reader(con, path, {}, None)
            good = con.sql(select).df()
        finally:
            con.close()
        out.append(good.sort_values(["year", "exporter", "product"]).reset_index(drop=True))
        assert n == 43_494 and len(bad) == 0
    pd.testing.assert_frame_equal(out[0], out[1])
