"""Corrupt zip, empty file, binary garbage, a file of another source: a clear SourceError naming the file
(or every row quarantined with a reason), and the store unchanged. Runs for every registered adapter."""

from __future__ import annotations

import pytest
from faultlib import fingerprint
from hostile import adapter_names, extensions, hostile_contents

from conftest import need_data
from dyad.sources import SourceError
from dyad.store import open_store
from sample_inputs import SAMPLE_INPUTS

KINDS = list(hostile_contents())


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A store with real rows in it, so 'unchanged' means something."""
    path = tmp_path_factory.mktemp("hostile") / "store.duckdb"
    s = open_store(path)
    s.ingest("unvotes", need_data("unvotes", "un_roll_call_issues.csv"))
    yield s
    s.close()


def assert_refused(store, source: str, path) -> None:
    """The ingest raises a SourceError naming the file, or keeps no row and quarantines every row read."""
    before = fingerprint(store)
    runs = len(store.provenance())
    try:
        result = store.ingest(source, path, force=True)
    except SourceError as exc:
        message = str(exc)
        assert path.name in message, f"the error does not name the file: {message}"
        assert len(message) > len(str(path)) + 20, f"the error gives no reason or fix: {message}"
        prov = store.provenance()
        # failed: unreadable; rejected: read, but every row rejected (kept in the quarantine, nothing loaded)
        assert len(prov) == runs + 1 and prov.iloc[-1]["status"] in ("failed", "rejected")
        assert path.name in prov.iloc[-1]["message"]
    else:
        assert result.rows_loaded == 0 and result.rows_read == result.rows_rejected
        reasons = store.quarantine(result.ingest_id)["reason"]
        assert len(reasons) == result.rows_rejected and reasons.str.len().gt(0).all()
    assert fingerprint(store) == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("source", adapter_names())
def test_broken_file(seeded, tmp_path, source, kind):
    from dyad import sources

    content = hostile_contents()[kind]
    for ext in extensions(sources.get(source)):
        path = tmp_path / f"broken_{kind}{ext}"
        path.write_bytes(content)
        assert_refused(seeded, source, path)


@pytest.mark.parametrize("source", adapter_names())
def test_zip_named_as_the_adapter_expects(seeded, tmp_path, source):
    from hostile import corrupt_zip

    from dyad import sources

    for ext in [".zip", *extensions(sources.get(source))]:
        path = tmp_path / f"archive{ext}"
        path.write_bytes(corrupt_zip())
        assert_refused(seeded, source, path)


@pytest.mark.parametrize("kind", ["traversal_zip", "zeros_zip"])
@pytest.mark.parametrize("source", adapter_names())
def test_hostile_archive(seeded, tmp_path, source, kind):
    """Issue 16, items 2 and 4: member names outside the archive and zip bombs are refused (or every row
    quarantined); a local file named like a member is never read."""
    from hostile import hostile_archives

    (tmp_path / "x.csv").write_text("Country Name,Country Code,Year,Value\nChina,CHN,2000,1\n")
    path = tmp_path / "sub" / "sub" / f"{kind}.zip"
    path.parent.mkdir(parents=True)
    path.write_bytes(hostile_archives()[kind])
    assert_refused(seeded, source, path)


@pytest.mark.parametrize("source", adapter_names())
def test_special_files(seeded, tmp_path, source):
    """Issue 16, item 3: a FIFO, a link to /dev/zero and a folder holding a FIFO are refused at once."""
    import os

    from dyad import sources

    for ext in extensions(sources.get(source))[:2]:
        fifo = tmp_path / f"pipe{ext}"
        os.mkfifo(fifo)
        zero = tmp_path / f"zero{ext}"
        zero.symlink_to("/dev/zero")
        folder = tmp_path / f"folder{ext.replace('.', '_')}"
        folder.mkdir()
        os.mkfifo(folder / f"inner{ext}")
        for path in (fifo, zero, folder):
            before = fingerprint(seeded)
            with pytest.raises(SourceError, match="not a regular file"):
                seeded.ingest(source, path, force=True)
            assert fingerprint(seeded) == before


def _foreign_files(source: str):
    """Real files of other sources (read in place), plus the SIPRI register, which no adapter shares."""
    files = [("arms", "sipri_trade_register_all_1949_2024.csv"),
             ("events", "gdelt", "gdelt2_20191024143000.export.CSV"),
             ("trade", "baci_russia_china_processed_2017_2023.csv"),
             ("unvotes", "un_roll_calls.csv.gz")]
    own = {parts for parts in SAMPLE_INPUTS.get(source, [])}
    own_folder = {parts[0] for parts in own}
    return [p for p in files if p not in own and p[0] not in own_folder]


@pytest.mark.parametrize("source", adapter_names())
def test_file_of_another_source(seeded, source):
    for parts in _foreign_files(source):
        assert_refused(seeded, source, need_data(*parts))
