"""kill -9 in the middle of an ingest: the store keeps no partial rows and says the run was interrupted."""

from __future__ import annotations

import os
import signal
import time

import pytest
from faultlib import fingerprint, spawn

from conftest import need_data
from dyad import sources
from dyad.store import open_store
from sample_inputs import SAMPLE_INPUTS

INGEST = """
import sys
from dyad.store import open_store
store = open_store(sys.argv[1])
store.ingest(sys.argv[2], sys.argv[3], force=True)
print("COMMITTED", flush=True)
"""


def _adapters_with_samples():
    names = [a.name for a in sources.all_adapters()]
    return [n for n in names if n in SAMPLE_INPUTS]


def kill_at(point: str, store_path, source: str, path, timeout: float = 180.0) -> list[str]:
    """Run an ingest in a child process, SIGKILL it when it reports the pause point; return its stderr."""
    child = spawn(INGEST, str(store_path), source, str(path), DYAD_TEST_PAUSE=point,
                  DYAD_TEST_PAUSE_SECONDS="300")
    lines = []
    deadline = time.monotonic() + timeout
    try:
        for line in child.stderr:
            lines.append(line)
            if line.strip() == f"DYAD_PAUSED {point}":
                os.kill(child.pid, signal.SIGKILL)
                break
            if time.monotonic() > deadline:
                break
    finally:
        if child.poll() is None and child.returncode is None:
            child.kill()
        child.wait(timeout=30)
        child.stderr.close()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL, f"child ended with {child.returncode}: {''.join(lines)[-2000:]}"
    return lines


@pytest.mark.slow
@pytest.mark.parametrize("source", _adapters_with_samples())
def test_kill_after_merge_keeps_store_consistent(tmp_path, source):
    files = [need_data(*parts) for parts in SAMPLE_INPUTS[source]]
    store_path = tmp_path / "store.duckdb"
    # A first ingest commits, so there is data that must survive unchanged: the source's first file when
    # it has two, else a small file of UN roll-call issues.
    if len(files) > 1:
        seed_source, seed, target = source, files[0], files[1]
    else:
        seed_source, seed, target = "unvotes", need_data("unvotes", "un_roll_call_issues.csv"), files[0]
    with open_store(store_path) as s:
        s.ingest(seed_source, seed)
        before = fingerprint(s)
        runs_before = len(s.provenance())
    kill_at("after_merge", store_path, source, target)

    with open_store(store_path) as s:
        assert fingerprint(s) == before, "rows of the killed ingest are visible"
        prov = s.provenance()
        assert len(prov) == runs_before + 1
        last = prov.iloc[-1]
        assert last["status"] == "interrupted"
        assert "no data rows were kept" in last["message"]
        assert s.sql("SELECT count(*) AS n FROM provenance_files WHERE ingest_id = ?",
                     [int(last["ingest_id"])])["n"].iloc[0] == 0
        assert len(s.quarantine(int(last["ingest_id"]))) == 0
        # The interrupted run does not count as done: the same file ingests in full afterwards.
        redo = s.ingest(source, target)
        assert not redo.skipped and redo.rows_read > 0
        # ok, or partial where the file has rows the adapter rejects (sipri, ungdc samples)
        assert s.provenance().iloc[-1]["status"] == ("partial" if redo.rows_rejected else "ok")


@pytest.mark.slow
def test_kill_mid_unvotes_ingest_row_counts(tmp_path):
    """The unvotes case in numbers: votes stay at zero after the kill, then match the file once redone."""
    import pyreadr

    votes_file = need_data("unvotes", "un_votes.rda")
    store_path = tmp_path / "store.duckdb"
    with open_store(store_path) as s:
        s.ingest("unvotes", need_data("unvotes", "un_roll_call_issues.csv"))
    kill_at("after_merge", store_path, "unvotes", votes_file)
    with open_store(store_path) as s:
        assert s.count("votes") == 0
        assert s.count("rollcall_issues") == 5745      # un_roll_call_issues: 5,745 rows (data README)
        assert s.provenance()["status"].tolist() == ["ok", "interrupted"]
        s.ingest("unvotes", votes_file)
        raw = pyreadr.read_r(str(votes_file))["un_votes"]
        expected = raw.assign(rcid=raw["rcid"].astype(int)).drop_duplicates(["rcid", "country"])
        assert s.count("votes") == len(expected)
