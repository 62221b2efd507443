"""The UN votes adapter on the real files, checked against counts computed here from the raw files."""

import gzip

import pandas as pd
import pyreadr
import pytest

from conftest import need_data
from dyad.sources import SourceError, unvotes


@pytest.fixture(scope="module")
def raw_votes():
    return pd.read_csv(need_data("unvotes", "un_votes.csv.gz"), dtype=str)


def test_counts_match_the_raw_file(unvotes_store, raw_votes):
    rows = unvotes_store.sql(
        "SELECT f.rows_read, f.rows_loaded, f.rows_rejected FROM provenance_files f "
        "WHERE f.file LIKE '%un_votes.rda'")
    assert rows["rows_read"].item() == len(raw_votes) == 870_109
    assert rows["rows_loaded"].item() + rows["rows_rejected"].item() == len(raw_votes)
    # China's and Russia's votes (yes/abstain/no) equal the raw file's
    for iso2, iso3 in [("CN", "CHN"), ("RU", "RUS")]:
        raw = raw_votes[raw_votes["country_code"] == iso2]["vote"].value_counts().sort_index()
        got = unvotes_store.sql(
            "SELECT vote, count(*) AS n FROM votes v JOIN rollcalls r USING (rcid) WHERE country = ? "
            "AND vote IN ('yes','abstain','no') AND rcid IN (SELECT rcid FROM votes WHERE country = ?) "
            "AND rcid < 10000000000 "   # Voeten's roll calls, not the UN extract's
            "GROUP BY vote ORDER BY vote", [iso3, iso3]).set_index("vote")["n"]
        assert got.to_dict() == raw.to_dict()


def test_china_seat_before_1971_is_the_republic_of_china(unvotes_store, raw_votes):
    first_prc = unvotes_store.sql(
        "SELECT min(r.date) AS d FROM votes v JOIN rollcalls r USING (rcid) "
        "WHERE country = 'CHN' AND vote IN ('yes','no','abstain')")["d"].item()
    assert str(first_prc) >= "1971-10-25"
    roc = unvotes_store.sql("SELECT count(*) AS n FROM votes v JOIN rollcalls r USING (rcid) "
                            "WHERE country = 'TWN' AND r.date < DATE '1971-10-25' AND vote IN ('yes','no','abstain')")
    calls = pd.read_csv(need_data("unvotes", "un_roll_calls.csv.gz"), usecols=["rcid", "date"])
    tw = raw_votes[raw_votes.country_code == "TW"].assign(rcid=lambda f: f.rcid.astype(float).astype(int))
    tw = tw.merge(calls, on="rcid")
    assert roc["n"].item() == int((tw.date < "1971-10-25").sum()) > 500


def test_old_release_absences_are_kept(unvotes_store):
    raw = pyreadr.read_r(str(need_data("unvotes", "UNVotesPublished.RData")))["x"]
    russia_absent = int(((raw["ccode"] == 365) & (raw["vote"] == 8)).sum())
    got = unvotes_store.sql("SELECT count(*) AS n FROM votes WHERE country = 'RUS' AND vote = 'absent'")
    assert got["n"].item() == russia_absent > 0


def test_every_rejected_row_has_a_reason(unvotes_store):
    prov = unvotes_store.provenance()
    q = unvotes_store.quarantine()
    assert len(q) == prov["rows_rejected"].sum()
    assert q["reason"].str.len().gt(10).all()


def test_ingesting_the_release_twice_changes_nothing(unvotes_store):
    before = unvotes_store.count("votes")
    result = unvotes_store.ingest("unvotes", need_data("unvotes"))
    assert result.skipped and unvotes_store.count("votes") == before


# ---------------------------------------------------------------- bad input (hand-made files)


def test_csv_missing_a_column_is_a_clear_error(tmp_path):
    bad = tmp_path / "votes.csv"
    bad.write_text("rcid,country,vote\n3,United States,yes\n".replace("vote", "ballot"))
    with pytest.raises(SourceError, match="votes.csv.*match no UN votes table.*missing or renamed"):
        unvotes.read(bad)


def test_truncated_rda_is_a_clear_error(tmp_path):
    data = need_data("unvotes", "un_roll_call_issues.rda").read_bytes()
    bad = tmp_path / "un_roll_call_issues.rda"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="un_roll_call_issues.rda.*truncated.*download it again"):
        unvotes.read(bad)


def test_bad_rows_are_quarantined_with_reasons(tmp_path):
    f = tmp_path / "un_votes.csv"
    f.write_text("rcid,country,country_code,vote\n"
                 "3,United States,US,yes\n"
                 "3,Atlantis,QQ,no\n"
                 "3,Canada,CA,maybe\n"
                 "x,Cuba,CU,yes\n"
                 "3,United States,US,no\n")
    result = unvotes.read(f)
    result.check()
    assert result.rows_read == 5 and result.rows_loaded == 1 and result.rows_rejected == 4
    reasons = dict(zip(result.rejects["row"], result.rejects["reason"], strict=True))
    assert "unknown country Atlantis" in reasons[3]
    assert "maybe" in reasons[4] and "codebook" in reasons[4]
    assert "rcid" in reasons[5]
    assert "duplicate" in reasons[6]
    assert result.rejects["raw"].str.contains("Atlantis").any()


def test_old_release_codes_outside_the_codebook(tmp_path):
    f = tmp_path / "published.csv.gz"
    with gzip.open(f, "wt") as out:
        out.write("rcid,session,vote,ccode,date,unres\n3,1,1,2,1946-01-01,R/1/66\n3,1,7,20,1946-01-01,R/1/66\n"
                  "3,1,1,999,1946-01-01,R/1/66\n")
    result = unvotes.read(f)
    result.check()
    assert result.rows_loaded == 1
    assert set(result.rejects["reason"].str.extract(r"^(\w+ \w+)")[0]) == {"vote code", "COW code"}
