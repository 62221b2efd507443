"""Download code against a local HTTP server: Dataverse listing, resume with Range, checksum checks."""

import hashlib
import http.server
import json
import threading

import pytest

from dyad import download as dl
from dyad.sources import unvotes


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    listing: dict = {}
    cut_once: set[str] = set()
    requests: list[tuple[str, str | None]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.requests.append((self.path, self.headers.get("Range")))
        if self.path.startswith("/api/datasets/"):
            body = json.dumps(self.listing).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        key = self.path.split("?")[0].rsplit("/", 1)[-1]
        data = self.files.get(key)
        if data is None:
            self.send_error(404)
            return
        start = 0
        rng = self.headers.get("Range")
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206)
        else:
            self.send_response(200)
        chunk = data[start:]
        if key in self.cut_once:        # drop the connection half-way the first time
            self.cut_once.discard(key)
            self.send_header("Content-Length", str(len(chunk)))
            self.end_headers()
            self.wfile.write(chunk[: len(chunk) // 2])
            self.wfile.flush()
            self.connection.close()
            return
        self.send_header("Content-Length", str(len(chunk)))
        self.end_headers()
        self.wfile.write(chunk)


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _publish(files: dict[str, bytes], md5_override: dict[str, str] | None = None):
    _Handler.files = {}
    entries = []
    for i, (name, data) in enumerate(files.items(), start=100):
        _Handler.files[str(i)] = data
        md5 = (md5_override or {}).get(name, hashlib.md5(data).hexdigest())
        entries.append({"dataFile": {"id": i, "filename": name, "checksum": {"type": "MD5", "value": md5},
                                     "filesize": len(data)}})
    _Handler.listing = {"data": {"latestVersion": {"files": entries}}}


VOTES = ("rcid,country,country_code,vote\n" + "".join(f"{r},United States,US,yes\n{r},Canada,CA,no\n"
                                                       for r in range(3, 400))).encode()


def test_unvotes_download_fetches_only_vote_files_and_verifies(server, tmp_path):
    _publish({"UNVotes.csv": VOTES, "Idealpoints.csv": b"x,y\n1,2\n", "Codebook.pdf": b"%PDF"})
    paths = unvotes.download(cache=tmp_path, server=server)
    assert paths == [tmp_path]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["UNVotes.csv"]
    assert (tmp_path / "UNVotes.csv").read_bytes() == VOTES
    result = unvotes.read(paths[0])
    assert result.rows_loaded == 2 * 397
    # cached: a second call fetches nothing but the listing
    before = len(_Handler.requests)
    unvotes.download(cache=tmp_path, server=server)
    assert [p for p, _ in _Handler.requests[before:] if "datafile" in p] == []


def test_interrupted_download_resumes_with_range(server, tmp_path):
    _publish({"UNVotes.csv": VOTES})
    _Handler.cut_once = {"100"}
    with pytest.raises(dl.DownloadError, match="resume"):
        unvotes.download(cache=tmp_path, server=server)
    part = tmp_path / "UNVotes.csv.part"
    assert 0 < part.stat().st_size < len(VOTES)
    unvotes.download(cache=tmp_path, server=server)
    assert (tmp_path / "UNVotes.csv").read_bytes() == VOTES
    ranges = [r for p, r in _Handler.requests if "datafile" in p and r]
    assert ranges and ranges[-1].startswith("bytes=")


def test_checksum_mismatch_is_refused(server, tmp_path):
    _publish({"UNVotes.csv": VOTES}, md5_override={"UNVotes.csv": "0" * 32})
    with pytest.raises(dl.DownloadError, match="does not match"):
        unvotes.download(cache=tmp_path, server=server)
    assert not (tmp_path / "UNVotes.csv").exists() and not (tmp_path / "UNVotes.csv.part").exists()


def test_unreachable_server_is_a_clear_error(tmp_path):
    with pytest.raises(dl.DownloadError, match="failed"):
        unvotes.download(cache=tmp_path, server="http://127.0.0.1:9")


def test_report_downloads_then_ingests_and_survives_a_failing_source(server, tmp_path, monkeypatch):
    from dyad.report.fetch import download_and_ingest
    from dyad.store import open_store

    _publish({"UNVotes.csv": VOTES})
    monkeypatch.setattr(dl, "DATAVERSE", server)
    monkeypatch.setenv("DYAD_CACHE", str(tmp_path / "cache"))
    with open_store(tmp_path / "s.duckdb") as store:
        out = download_and_ingest(store, ("unvotes", "gdelt"))
        assert [(f.source, f.status) for f in out] == [("unvotes", "ingested"), ("gdelt", "failed")]
        assert "--start" in out[1].message            # gdelt needs a date range: said, not guessed
        assert store.count("votes") == 2 * 397
        again = download_and_ingest(store, ("unvotes",))
        assert again[0].status == "unchanged"
