"""A read-only store file or folder, and a full disk: clear StoreError messages, nothing half-written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from faultlib import fingerprint, python_env

from conftest import need_data
from dyad.store import StoreError, open_store

NOBODY = 65534

INGEST = """
import sys
from dyad.store import StoreError, open_store
try:
    store = open_store(sys.argv[1])
    store.ingest("unvotes", sys.argv[2])
except StoreError as exc:
    print("STOREERROR", exc)
    sys.exit(3)
print("COMMITTED")
"""

READ = """
import sys
from dyad.store import open_store
with open_store(sys.argv[1], read_only=True) as store:
    print("VOTES", store.count("votes"), "ISSUES", store.count("rollcall_issues"))
"""


def run_unprivileged(code: str, *args: str) -> subprocess.CompletedProcess:
    """Run dyad code as a user without write permission; root ignores file modes, so run as nobody."""
    command = [sys.executable, "-c", code, *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv (util-linux): cannot drop write permission")
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return subprocess.run(command, env=python_env(), cwd="/", text=True, capture_output=True, timeout=300)


@pytest.fixture
def shared_tmp():
    """A folder other users can enter (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="dyad-faults-"))
    path.chmod(0o777)
    yield path
    for p in [path, *path.rglob("*")]:
        p.chmod(0o777 if p.is_dir() else 0o666)
    shutil.rmtree(path)


def _seed(path: Path) -> dict:
    with open_store(path) as s:
        s.ingest("unvotes", need_data("unvotes", "un_roll_call_issues.csv"))
        return fingerprint(s)


def _give_to_nobody(*paths: Path) -> None:
    if os.geteuid() == 0:
        for p in paths:
            os.chown(p, NOBODY, NOBODY)


def test_read_only_store_file(shared_tmp):
    store_path = shared_tmp / "store.duckdb"
    before = _seed(store_path)
    store_path.chmod(0o444)
    done = run_unprivileged(INGEST, str(store_path), str(need_data("unvotes", "un_roll_calls.csv.gz")))
    assert done.returncode == 3, done.stderr[-3000:]
    assert "STOREERROR cannot open the store" in done.stdout
    assert str(store_path) in done.stdout and "not writable" in done.stdout and "--store PATH" in done.stdout
    # Reading still works: commands that only read open the store read-only.
    read = run_unprivileged(READ, str(store_path))
    assert read.returncode == 0, read.stderr[-3000:]
    assert read.stdout.split() == ["VOTES", "0", "ISSUES", "5745"]
    store_path.chmod(0o644)
    with open_store(store_path, read_only=True) as s:
        assert fingerprint(s) == before


def test_read_only_store_folder(shared_tmp):
    folder = shared_tmp / "ro"
    folder.mkdir()
    store_path = folder / "store.duckdb"
    before = _seed(store_path)
    _give_to_nobody(folder, store_path)
    folder.chmod(0o555)          # the file stays writable, but its write-ahead log cannot be created
    done = run_unprivileged(INGEST, str(store_path), str(need_data("unvotes", "un_roll_calls.csv.gz")))
    assert done.returncode == 3, done.stderr[-3000:]
    assert "STOREERROR" in done.stdout and str(store_path) in done.stdout
    assert "writable --store PATH" in done.stdout
    with open_store(store_path, read_only=True) as s:
        assert fingerprint(s) == before
        statuses = s.provenance()["status"].tolist()
    assert statuses[0] == "ok" and set(statuses[1:]) <= {"failed", "running"}


def test_new_store_in_read_only_folder(shared_tmp):
    folder = shared_tmp / "ro"
    folder.mkdir(mode=0o555)
    folder.chmod(0o555)
    done = run_unprivileged(INGEST, str(folder / "new.duckdb"), str(need_data("unvotes", "un_roll_call_issues.csv")))
    assert done.returncode == 3, done.stderr[-3000:]
    assert f"cannot open the store {folder / 'new.duckdb'}" in done.stdout
    assert "not writable" in done.stdout
    assert not (folder / "new.duckdb").exists()


def test_ingest_into_store_opened_read_only(tmp_path):
    path = tmp_path / "s.duckdb"
    before = _seed(path)
    with open_store(path, read_only=True) as s:
        with pytest.raises(StoreError, match="read-only.*open it writable"):
            s.ingest("unvotes", need_data("unvotes", "un_roll_calls.csv.gz"))
        assert fingerprint(s) == before


# ------------------------------------------------------------------------------------ full disk

FULL_DISK = """
import resource, signal, sys
from dyad.store import StoreError, open_store
if sys.argv[3] == "rlimit":
    # No tmpfs: cap the size of any file this process writes (EFBIG stands in for ENOSPC).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_200_000, 1_200_000))
store = open_store(sys.argv[1])
try:
    store.ingest("unvotes", sys.argv[2])
except StoreError as exc:
    print("STOREERROR", exc)
    sys.exit(3)
print("COMMITTED")
"""


def _tiny_disk(tmp_path: Path) -> Path | None:
    """A 1 MB tmpfs (needs root and mount); None when it cannot be mounted."""
    point = tmp_path / "tiny"
    point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return None
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", str(point)], capture_output=True)
    return point if done.returncode == 0 else None


@pytest.mark.slow
@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_full_disk(tmp_path, how):
    point = _tiny_disk(tmp_path) if how == "tmpfs" else tmp_path
    if point is None:
        pytest.skip("cannot mount a tmpfs here (not root); the rlimit case covers a full disk")
    try:
        store_path = point / "store.duckdb"
        seed = tmp_path / "seed.csv"        # a small first ingest leaves room for the next run's provenance
        seed.write_text("rcid,country,country_code,vote\n1,China,CN,yes\n1,Russia,RU,no\n")
        with open_store(store_path) as s:
            s.ingest("unvotes", seed)
            before = fingerprint(s)
        votes = need_data("unvotes", "un_votes.rda")     # 870,109 votes: far more than the space left
        done = subprocess.run([sys.executable, "-c", FULL_DISK, str(store_path), str(votes), how],
                              env=python_env(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 3, (done.stdout + done.stderr)[-3000:]
        assert f"writing the store {store_path} failed" in done.stdout
        assert "the disk is full; free space or move the store with --store PATH" in done.stdout
        with open_store(store_path, read_only=True) as s:
            assert fingerprint(s) == before
        # As the message says, move the store where there is space: the run is on record as not done
        # ("failed", or "interrupted" when the disk was too full even to write that).
        moved = tmp_path / "moved"
        moved.mkdir()
        for f in point.glob(store_path.name + "*"):      # the file and its write-ahead log
            shutil.copy(f, moved / f.name)
        with open_store(moved / store_path.name) as s:
            assert fingerprint(s) == before
            statuses = s.provenance()["status"].tolist()
            # On the 1 MB tmpfs the seed leaves a few hundred bytes: whether the run's "running" row fits in
            # them depends on byte counts of the write-ahead log, so it may not be on record at all.
            assert statuses[0] == "ok" and set(statuses[1:]) <= {"failed", "interrupted"} and len(statuses) <= 2
            if how == "rlimit":
                assert len(statuses) == 2
    finally:
        if how == "tmpfs":
            subprocess.run(["umount", str(point)], check=False)
