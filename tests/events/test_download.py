"""GDELT download against a local HTTP server: file list parsing, date range, resume, md5 checks."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from pathlib import Path

import pytest

from dyad.sources import SourceError
from dyad.sources import gdelt_download as gd
from events.helpers import gdelt2_row


def _zip_bytes(name: str, rows: list[list[str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, "".join("\t".join(r) + "\n" for r in rows))
    return buf.getvalue()


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    log: list[tuple[str, str | None]] = []
    honour_range = True
    cut_after: int | None = None      # send only this many bytes of a file (a dropped connection)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        name = self.path.rsplit("/", 1)[-1]
        rng = self.headers.get("Range")
        type(self).log.append((name, rng))
        if name not in self.files:
            self.send_error(404)
            return
        body = self.files[name]
        start = 0
        if rng and self.honour_range:
            start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        chunk = body[start:]
        if self.cut_after is not None and name.endswith(".zip"):
            chunk = chunk[: self.cut_after]
        self.send_header("Content-Length", str(len(chunk)))
        self.end_headers()
        self.wfile.write(chunk)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    files = {}
    for stamp, start in (("20180105000000", 1), ("20180105001500", 50), ("20180106000000", 100)):
        rows = [gdelt2_row(start + i, "20180105", "CHN", "RUS", "042", 1.9) for i in range(5)]
        files[f"{stamp}.export.CSV.zip"] = _zip_bytes(f"{stamp}.export.CSV", rows)
        files[f"{stamp}.mentions.CSV.zip"] = b"not an export"
    lines = [f"{len(b)} {hashlib.md5(b).hexdigest()} http://127.0.0.1:PORT/gdeltv2/{n}" for n, b in files.items()]
    handler = type("H", (_Handler,), {"files": files, "log": [], "honour_range": True, "cut_after": None})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = httpd.server_address[1]
    handler.files["masterfilelist.txt"] = ("\n".join(lines).replace("PORT", str(port)) + "\ngarbage line\n").encode()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/gdeltv2/", handler
    httpd.shutdown()
    httpd.server_close()


def test_master_list_and_date_range(server, tmp_path):
    base, handler = server
    listed = gd.listing(2, base)
    assert len(listed) == 3 and all(f.name.endswith(".export.CSV.zip") for f in listed)
    paths = gd.download("2018-01-05", "2018-01-05", cache=tmp_path, base_url=base)
    assert [p.name for p in paths] == ["20180105000000.export.CSV.zip", "20180105001500.export.CSV.zip"]
    for p in paths:
        assert hashlib.md5(p.read_bytes()).hexdigest() == hashlib.md5(handler.files[p.name]).hexdigest()
    handler.log.clear()
    gd.download("2018-01-05", "2018-01-05", cache=tmp_path, base_url=base)   # cached and verified: no fetch
    assert [n for n, _ in handler.log] == ["masterfilelist.txt"]


def test_resume_with_range(server, tmp_path):
    base, handler = server
    name = "20180106000000.export.CSV.zip"
    body = handler.files[name]
    (tmp_path / (name + ".part")).write_bytes(body[:100])
    paths = gd.download("20180106", "20180106", cache=tmp_path, base_url=base)
    assert paths[0].read_bytes() == body
    assert (name, "bytes=100-") in handler.log
    assert not (tmp_path / (name + ".part")).exists()


def test_restart_when_server_ignores_range(server, tmp_path):
    base, handler = server
    handler.honour_range = False
    name = "20180106000000.export.CSV.zip"
    (tmp_path / (name + ".part")).write_bytes(handler.files[name][:100])
    paths = gd.download("2018-01-06", "2018-01-06", cache=tmp_path, base_url=base)
    assert paths[0].read_bytes() == handler.files[name]


def test_cut_download_then_resume(server, tmp_path):
    base, handler = server
    handler.cut_after = 60
    with pytest.raises(SourceError, match="resume"):
        gd.download("2018-01-06", "2018-01-06", cache=tmp_path, base_url=base)
    assert (tmp_path / "20180106000000.export.CSV.zip.part").stat().st_size == 60
    handler.cut_after = None
    paths = gd.download("2018-01-06", "2018-01-06", cache=tmp_path, base_url=base)
    assert paths[0].read_bytes() == handler.files["20180106000000.export.CSV.zip"]


def test_checksum_mismatch_is_an_error(server, tmp_path):
    base, handler = server
    name = "20180106000000.export.CSV.zip"
    good = handler.files[name]
    handler.files[name] = good[:-4] + b"XXXX"       # same size, other bytes
    with pytest.raises(SourceError, match="md5"):
        gd.download("2018-01-06", "2018-01-06", cache=tmp_path, base_url=base)
    assert not (tmp_path / name).exists() and not (tmp_path / (name + ".part")).exists()


def test_downloaded_files_ingest(server, tmp_path, store):
    base, _ = server
    from dyad.sources import get

    paths = get("gdelt").download(start="2018-01-05", end="2018-01-06", cache=tmp_path, base_url=base)
    for p in paths:
        store.ingest("gdelt", p)
    assert store.count("events") == 15


def test_version1_md5sums():
    text = "abc\n" + "0" * 32 + "  20130401.export.CSV.zip\n" + "1" * 32 + "  GDELT.MASTERREDUCEDV2.1979-2013.zip\n"
    listed = gd.parse_md5sums(text, "123 20130401.export.CSV.zip\n", "http://h/events/")
    assert [(f.name, f.stamp, f.size) for f in listed] == [("20130401.export.CSV.zip", "20130401", 123)]
    assert gd.select(listed, "2013-04-01", "2013-04-01") == listed
    assert gd.select(listed, "2013-04-02", None) == []
    with pytest.raises(ValueError):
        gd.select(listed, "2013-05-01", "2013-04-01")


def test_whole_archive_needs_a_range(tmp_path: Path):
    with pytest.raises(ValueError, match="start"):
        gd.download(None, None, cache=tmp_path)


def test_ingest_command_downloads_a_date_range(server, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dyad.cli import cli

    base, _ = server
    monkeypatch.setenv("DYAD_GDELT_BASE_URL", base)
    out = CliRunner().invoke(cli, ["--store", str(tmp_path / "s.duckdb"), "ingest", "gdelt", "--start", "2018-01-05",
                                   "--end", "2018-01-05", "--cache", str(tmp_path / "cache")])
    assert out.exit_code == 0, out.output
    assert out.output.count("loaded 5") == 2
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [
        "20180105000000.export.CSV.zip", "20180105001500.export.CSV.zip"]
