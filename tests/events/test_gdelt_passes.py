"""The fast pass and the careful pass of the GDELT adapter store the same rows and the same rejects."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import need_data
from dyad.store import open_store
from events.helpers import gdelt2_row, write_tab

COLUMNS = "dataset, event_id, date, source_country, target_country, source_actor, target_actor, source_type, " \
    "target_type, cameo, root, quad, goldstein, mentions, tone, url"


def _both(tmp_path, path):
    """Ingest ``path`` twice, fast (default) and careful; return the two (events, quarantine, result)."""
    out = []
    for fast in (True, False):
        with open_store(tmp_path / f"{fast}.duckdb") as s:
            result = s.ingest("gdelt", path, fast=fast)
            events = s.sql(f"SELECT {COLUMNS} FROM events ORDER BY event_id")
            quarantine = s.sql("SELECT row, reason, raw FROM quarantine ORDER BY row")
            out.append((events, quarantine, (result.rows_read, result.rows_loaded, result.rows_rejected)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gdelt2_20191024143000.export.CSV", "gdelt1_daily_20160728_sample710.tsv"])
def test_real_exports_load_the_same_through_both_passes(tmp_path, name):
    fast, careful = _both(tmp_path, need_data("events", "gdelt", name))
    pd.testing.assert_frame_equal(fast[0], careful[0])
    assert fast[2] == careful[2] and fast[2][2] == 0
    # and the values are those of the raw fields (event code, Goldstein, the URL of the 2.0 layout)
    raw = [line.rstrip("\n").split("\t") for line in open(need_data("events", "gdelt", name), encoding="utf-8")]
    got = fast[0].set_index("event_id")
    for r in raw[:200]:
        assert got.loc[r[0], "cameo"] == r[26] and got.loc[r[0], "goldstein"] == float(r[30])
        if len(r) == 61:
            assert got.loc[r[0], "url"] == r[60]


def test_messy_file_same_rows_same_reasons(tmp_path):
    good = [gdelt2_row(100 + i, "20180105", "CHN", "RUS", "042", 1.9) for i in range(6)]
    shifted = ["7"] + gdelt2_row(900, "20180105", "CHN", "RUS", "042", 1.9)
    short = gdelt2_row(901, "20180105", "CHN", "RUS", "042", 1.9)[:40]
    bad_code = gdelt2_row(902, "20180105", "CHN", "RUS", "999", 1.0)
    rows = [good[0], shifted, good[1], short, good[2], bad_code, good[3], good[4], good[5]]
    path = tmp_path / "m.export.CSV"
    write_tab(path, rows)
    fast, careful = _both(tmp_path, path)
    pd.testing.assert_frame_equal(fast[0], careful[0])
    pd.testing.assert_frame_equal(fast[1], careful[1])
    assert fast[2] == careful[2] == (9, 6, 3)
    assert fast[1]["row"].tolist() == [2, 4, 6]


def test_width_rows_set_aside_keep_their_line_numbers_and_mixed_widths_load(tmp_path):
    # a 61-field file with a 58-field GDELT 1.0 row in it (valid in its own layout), a short row and a bad byte
    rows61 = [gdelt2_row(200 + i, "20180105", "CHN", "RUS", "042", 1.9) for i in range(5)]
    v1 = gdelt2_row(300, "20180106", "RUS", "CHN", "057", 8.0)
    v1 = v1[:56] + [v1[59], v1[60]]          # 58 fields: DATEADDED at 57, SOURCEURL at 58
    cut = rows61[0][:20]
    lines = ["\t".join(r).encode() for r in [rows61[0], v1, rows61[1], cut, rows61[2], rows61[3]]]
    lines.insert(4, "\t".join(gdelt2_row(301, "20180105", "CHN", "RUS", "042", 1.9)).encode().replace(
        b"example", b"ex\xff"))
    path = tmp_path / "w.export.CSV"
    path.write_bytes(b"\n".join(lines) + b"\n")
    fast, careful = _both(tmp_path, path)
    assert fast[2] == careful[2] == (7, 5, 2)
    pd.testing.assert_frame_equal(fast[0], careful[0])
    assert "300" in set(fast[0]["event_id"])               # the 58-field row loaded with its own layout
    q = fast[1].set_index("row")
    assert sorted(q.index) == [4, 5]
    assert "20 fields" in q.loc[4, "reason"] and q.loc[4, "raw"] == "\t".join(cut)
    assert "unreadable" in q.loc[5, "reason"]
    pd.testing.assert_frame_equal(fast[1][["row"]], careful[1][["row"]])


def test_raw_exports_are_not_trimmed_but_extracts_are(tmp_path):
    padded = gdelt2_row(1, "20180105", "CHN", "RUS", "042", 1.9)
    padded[7] = " CHN"
    path = tmp_path / "p.export.CSV"
    write_tab(path, [padded, gdelt2_row(2, "20180105", "CHN", "RUS", "042", 1.9)])
    fast, careful = _both(tmp_path, path)
    assert fast[2] == careful[2] == (2, 1, 1)
    assert "Actor1CountryCode ' CHN'" in fast[1]["reason"].iloc[0]


def test_fast_option_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from dyad.cli import cli

    write_tab(tmp_path / "a.export.CSV", [gdelt2_row(1, "20180105", "CHN", "RUS", "042", 1.9)])
    store = str(tmp_path / "s.duckdb")
    ok = CliRunner().invoke(cli, ["--store", store, "ingest", "gdelt", "--from", str(tmp_path / "a.export.CSV"),
                                  "--option", "fast=false"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(cli, ["--store", store, "ingest", "gdelt", "--from", str(tmp_path / "a.export.CSV"),
                                   "--force", "--option", "fast=maybe"])
    assert bad.exit_code != 0 and "fast=false" in (bad.output + str(bad.exception))
