"""Damaged PDFs (issue 16 item 7): a valid two-column report cut short or with bytes overwritten either
reads or fails with a SourceError naming the file -- never another exception."""

from __future__ import annotations

import corpus
import insample_specs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.documents.pipeline import process
from dyad.sources import SourceError


@pytest.fixture(scope="module")
def pdf_bytes(tmp_path_factory):
    return corpus.write_pdf(insample_specs.S2, tmp_path_factory.mktemp("fuzz") / "r.pdf").read_bytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 1.0), flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=6))
def test_damaged_pdf_reads_or_fails_cleanly(tmp_path, pdf_bytes, cut, flips):
    data = bytearray(pdf_bytes[: max(1, int(len(pdf_bytes) * cut))] if cut < 0.999 else pdf_bytes)
    for where, value in flips:
        data[min(len(data) - 1, int(len(data) * where))] = value
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(data))
    try:
        process(path)
    except SourceError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
