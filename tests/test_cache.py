"""The results cache: one computation per key, a new one after every ingest, kept in the store, bounded."""

from __future__ import annotations

import textwrap
import threading

import pandas as pd
import pytest

from dyad import cache
from dyad.indicators import Indicator
from dyad.store import open_store


class Probe:
    """A compute function that counts its calls and returns rows derived from its arguments."""

    def __init__(self):
        self.calls = 0
        self.fail = False

    def __call__(self, store, a, b, by="year", **opts):
        self.calls += 1
        if self.fail:
            raise RuntimeError("probe failed")
        scale = float(opts.get("scale", 1.0))
        n = store.count("calendar")
        return pd.DataFrame({"a": [a, a], "b": [b, b], "period": ["2000", "2001"], "indicator": "probe",
                             "value": [1.5 * scale, float(n)], "n": pd.array([3, pd.NA], dtype="Int64")})


@pytest.fixture
def probe(monkeypatch):
    fn = Probe()
    ind = Indicator("probe", "Probe", "count", "calendar", "probe", fn, frequencies=("year", "month"))
    monkeypatch.setattr(cache, "get", lambda indicator_id: ind)
    cache.clear_memory()
    yield fn
    cache.clear_memory()


def _calendar_file(tmp_path, day):
    path = tmp_path / f"cal-{day}.yaml"
    path.write_text(textwrap.dedent(f"""\
        country: RUS
        entries:
          - {{date: 2001-01-{day:02d}, kind: referendum, label: test, source: test entry}}
        """))
    return path


def test_same_key_is_computed_once_and_returns_equal_copies(store, probe):
    first = cache.compute(store, "probe", "CHN", "RUS", "year")
    first.loc[0, "value"] = -99.0                      # callers may modify their copy
    second = cache.compute(store, "probe", "CHN", "RUS", "year")
    assert probe.calls == 1
    expected = probe(store, "CHN", "RUS")
    # the registered indicator finishes the raw rows with the quality and coverage columns (dyad.quality)
    assert {"quality", "coverage"} <= set(second.columns)
    pd.testing.assert_frame_equal(second[list(expected.columns)], expected)


@pytest.mark.parametrize("other", [
    dict(a="RUS", b="CHN", by="year"), dict(a="CHN", b="RUS", by="month"),
    dict(a="CHN", b="RUS", by="year", scale=2.0),
])
def test_each_part_of_the_key_counts(store, probe, other):
    cache.compute(store, "probe", "CHN", "RUS", "year")
    args = dict(other)
    frame = cache.compute(store, "probe", args.pop("a"), args.pop("b"), args.pop("by"), **args)
    assert probe.calls == 2
    assert frame["value"].iloc[0] == 1.5 * other.get("scale", 1.0)


def test_every_ingest_bumps_the_version_and_invalidates(store, probe, tmp_path):
    v0 = store.version
    before = cache.compute(store, "probe", "CHN", "RUS")
    store.ingest("calendar", _calendar_file(tmp_path, 1))
    assert store.version == v0 + 1
    after = cache.compute(store, "probe", "CHN", "RUS")
    assert probe.calls == 2
    assert (before["value"].iloc[1], after["value"].iloc[1]) == (0.0, 1.0)
    # a failed ingest commits nothing and keeps the version
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries: [1, 2")
    with pytest.raises(Exception):  # noqa: B017 - whichever error the source raises
        store.ingest("calendar", bad)
    assert store.version == v0 + 1


def test_results_persist_in_the_store_for_a_read_only_reader(tmp_path, probe):
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        store.ingest("calendar", _calendar_file(tmp_path, 2))
        cache.compute(store, "probe", "CHN", "RUS", scale=3.0)
        stored = store.sql(f"SELECT indicator, a, b, version FROM {cache.TABLE}")
        assert stored.to_dict("records") == [{"indicator": "probe", "a": "CHN", "b": "RUS",
                                             "version": store.version}]
    cache.clear_memory()
    with open_store(path, read_only=True) as ro:
        frame = cache.compute(ro, "probe", "CHN", "RUS", scale=3.0)
    assert probe.calls == 1                            # read back, not recomputed
    assert list(frame["value"]) == [4.5, 1.0] and frame["n"].isna().tolist() == [False, True]


def test_errors_are_not_cached(store, probe):
    probe.fail = True
    for _ in range(2):
        with pytest.raises(RuntimeError):
            cache.compute(store, "probe", "CHN", "RUS")
    assert probe.calls == 2
    probe.fail = False
    cache.compute(store, "probe", "CHN", "RUS")
    assert probe.calls == 3


def test_concurrent_callers_share_one_computation(tmp_path, probe):
    path = tmp_path / "c.duckdb"
    open_store(path).close()
    gate = threading.Barrier(8)
    stores = [open_store(path, read_only=True) for _ in range(8)]
    out = []

    def worker(s):
        gate.wait()
        out.append(cache.compute(s, "probe", "CHN", "RUS"))

    threads = [threading.Thread(target=worker, args=(s,)) for s in stores]
    [t.start() for t in threads]
    [t.join() for t in threads]
    [s.close() for s in stores]
    assert probe.calls == 1 and len(out) == 8


def test_lru_is_bounded_and_keeps_recent_entries():
    lru = cache.LRU(3)
    for i in range(10):
        lru.put(i, i * i)
        assert lru.get(0) == 0          # read on every round: the most recently used entry stays
    assert len(lru) == 3
    assert [lru.get(k) for k in (0, 8, 9)] == [0, 64, 81] and lru.get(7) is None
    with pytest.raises(ValueError):
        cache.LRU(0)


def test_once_drops_its_locks_when_done():
    once = cache.Once(cache.LRU(2))
    assert [once(k, lambda k=k: k + 1) for k in range(50)][-1] == 50
    assert once.in_flight() == 0 and len(once.lru) == 2
