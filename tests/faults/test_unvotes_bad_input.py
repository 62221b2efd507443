"""Issue 2's bad-input cases for the unvotes adapter: truncated .rda, a missing column, an unknown country,
a vote outside the codebook. Each is a clear error or a quarantined row with its reason."""

from __future__ import annotations

import pytest
from faultlib import fingerprint

from conftest import need_data
from dyad.sources import SourceError
from dyad.store import open_store

HEADER = "rcid,country,country_code,vote\n"


@pytest.fixture
def seeded(tmp_path):
    with open_store(tmp_path / "s.duckdb") as s:
        s.ingest("unvotes", need_data("unvotes", "un_roll_call_issues.csv"))
        yield s


@pytest.mark.parametrize("name", ["un_votes.rda", "un_roll_calls.rda", "UNVotesPublished.RData"])
@pytest.mark.parametrize("keep", [0.5, 0.02])
def test_truncated_rda(seeded, tmp_path, name, keep):
    whole = need_data("unvotes", name).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(whole[: int(len(whole) * keep)])
    before = fingerprint(seeded)
    with pytest.raises(SourceError) as err:
        seeded.ingest("unvotes", cut)
    assert str(cut) in str(err.value)
    assert "truncated" in str(err.value) and "download it again" in str(err.value)
    assert fingerprint(seeded) == before
    assert seeded.provenance()["status"].tolist() == ["ok", "failed"]


def test_csv_missing_the_vote_column(seeded, tmp_path):
    path = tmp_path / "un_votes.csv"
    path.write_text("rcid,country,country_code\n3,China,CN\n3,Russia,RU\n")
    before = fingerprint(seeded)
    with pytest.raises(SourceError, match=r"un_votes\.csv: columns \['country', 'country_code', 'rcid'\] "
                                          r"match no UN votes table.*Is a column missing or renamed\?"):
        seeded.ingest("unvotes", path)
    assert fingerprint(seeded) == before


def test_roll_calls_missing_the_date_column(seeded, tmp_path):
    path = tmp_path / "un_roll_calls.csv"
    path.write_text("rcid,session,unres\n3,1,R/1/66\n")
    with pytest.raises(SourceError, match="match no UN votes table"):
        seeded.ingest("unvotes", path)


def test_unknown_country_is_quarantined_with_reason(seeded, tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text(HEADER + "9001,China,CN,yes\n9001,Atlantis,XQ,no\n9001,Russia,RU,yes\n9001,,,abstain\n")
    result = seeded.ingest("unvotes", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    q = seeded.quarantine(result.ingest_id)
    assert q["row"].tolist() == [3, 5]          # file lines: header is line 1
    assert q["reason"].iloc[0] == "unknown country Atlantis (XQ): add it to dyad's country aliases or fix the row"
    assert q["reason"].iloc[1].startswith("unknown country ? (no code)")
    assert q["raw"].iloc[0] == "9001,Atlantis,XQ,no"
    stored = seeded.sql("SELECT country, vote FROM votes WHERE rcid = 9001 ORDER BY country")
    assert stored.values.tolist() == [["CHN", "yes"], ["RUS", "yes"]]


def test_vote_outside_codebook_is_quarantined(seeded, tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text(HEADER + "9002,China,CN,Yes\n9002,Russia,RU,maybe\n9002,France,FR,\n9002,Peru,PE,4\n")
    result = seeded.ingest("unvotes", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 1, 3)
    reasons = seeded.quarantine(result.ingest_id)["reason"].tolist()
    assert reasons == ["vote maybe is not in the codebook (yes, abstain, no)",
                       "vote missing is not in the codebook (yes, abstain, no)",
                       "vote 4 is not in the codebook (yes, abstain, no)"]
    assert seeded.sql("SELECT vote FROM votes WHERE rcid = 9002")["vote"].tolist() == ["yes"]


def test_old_release_vote_code_outside_codebook(seeded, tmp_path):
    """UNVotesPublished layout (COW codes, numeric votes): code 5 is not in Voeten's codebook."""
    path = tmp_path / "published.csv"
    path.write_text("rcid,session,vote,ccode,member,importantvote,date,unres,me,nu,di,hr,co,ec\n"
                    "9003,70,1,710,1,0,2015-12-01,R/70/1,0,1,0,0,0,0\n"
                    "9003,70,5,365,1,0,2015-12-01,R/70/1,0,1,0,0,0,0\n"
                    "9003,70,3,999,1,0,2015-12-01,R/70/1,0,1,0,0,0,0\n")
    result = seeded.ingest("unvotes", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 1, 2)
    reasons = seeded.quarantine(result.ingest_id)["reason"].tolist()
    assert reasons[0].startswith("vote code 5 is not in the codebook")
    assert reasons[1] == "COW code 999 is unknown: add it to reference/cow_states.csv"


def test_numbers_beyond_the_column_types_are_quarantined(seeded, tmp_path):
    """Found by the fuzzer: 1e309 crashed the integer cast and 10^23 wrapped to a negative rcid."""
    votes = tmp_path / "votes.csv"
    votes.write_text(HEADER + "1e23,China,CN,yes\n1e309,Russia,RU,no\n3.5,Peru,PE,no\n9004,France,FR,yes\n")
    result = seeded.ingest("unvotes", votes)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 1, 3)
    assert set(seeded.quarantine(result.ingest_id)["reason"]) == {"rcid is not a whole number"}
    assert seeded.sql("SELECT min(rcid) AS m FROM votes")["m"].iloc[0] == 9004
    calls = tmp_path / "un_roll_calls.csv"
    calls.write_text("rcid,session,importantvote,date,unres,amend,para,short,descr\n"
                     "9005,inf,0,2019-01-01,R/73/1,0,0,a,b\n9006,3000000000,0,2019-01-01,R/73/2,0,0,a,b\n"
                     "9007,73,0,2019-01-01,R/73/3,0,0,a,b\n")
    result = seeded.ingest("unvotes", calls)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 1, 2)
    assert seeded.sql("SELECT rcid, session FROM rollcalls").values.tolist() == [[9007, 73]]
