"""Fixtures for the trade, arms and covariate tests: one store with the real files loaded once."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from conftest import need_data


@pytest.fixture(scope="session")
def trade_store(tmp_path_factory):
    """BACI, Comtrade, OEC, SIPRI and the WDI files, ingested once per session."""
    from dyad.store import open_store

    s = open_store(tmp_path_factory.mktemp("trade") / "store.duckdb")
    s.ingest("baci", need_data("trade", "baci_russia_china_processed_2017_2023.csv"))
    s.ingest("comtrade", need_data("trade", "comtrade_imports_chn_from_rus_2017_2024.csv"))
    s.ingest("oec", need_data("trade", "exports_russia_to_china_2018_2023.csv"))
    s.ingest("sipri", need_data("arms"))
    s.ingest("wdi", need_data("wdi", "worldbank_russia_china_raw.csv"))
    yield s
    s.close()


@pytest.fixture
def http_server(tmp_path):
    """A local HTTP server over a temporary folder: yields (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def translate_path(self, path):
        # The World Bank URL carries a query (?downloadformat=csv): serve the file named by the path alone.
        return super().translate_path(path.split("?", 1)[0])


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path
