"""Issue 16 items 4, 5, 7 and 12 for documents: PDF limits and one-line errors, linear country mentions,
`dyad doc delete`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zlib

import corpus
import insample_specs
import pytest
from click.testing import CliRunner

from dyad.documents.extract import _fold, country_mentions
from dyad.documents.pipeline import process
from dyad.sources import SourceError


def _cli(*args):
    from dyad.cli import cli

    return CliRunner().invoke(cli, list(args))


def test_doc_delete_removes_rows_and_allows_adding_again(tmp_path):
    db = str(tmp_path / "s.duckdb")
    a = corpus.write_text(insample_specs.S1, tmp_path / "a.txt")
    b = corpus.write_text(insample_specs.S2, tmp_path / "b.txt")
    ids = [_cli("--store", db, "doc", "add", str(f)).stdout.strip() for f in (a, b)]
    out = _cli("--store", db, "doc", "delete", ids[0][:6])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith(f"deleted {ids[0]}")
    listed = json.loads(_cli("--store", db, "doc", "list", "--format", "json").stdout)
    assert [d["doc_id"] for d in listed] == [ids[1]]
    from dyad.store import open_store

    with open_store(db, read_only=True) as store:
        left = store.sql("SELECT (SELECT count(*) FROM segments WHERE doc_id = ?) + "
                         "(SELECT count(*) FROM segment_terms WHERE doc_id = ?) AS n", [ids[0], ids[0]])
        assert int(left["n"].iloc[0]) == 0
        kept = store.sql("SELECT count(*) AS n FROM segments WHERE doc_id = ?", [ids[1]])
        assert int(kept["n"].iloc[0]) > 0
    again = _cli("--store", db, "doc", "add", str(a))
    assert again.exit_code == 0 and "skipped" not in again.output.lower()
    assert len(json.loads(_cli("--store", db, "doc", "list", "--format", "json").stdout)) == 2
    missing = _cli("--store", db, "doc", "delete", "ffffffff")
    assert missing.exit_code != 0 and "no document" in missing.output and "Traceback" not in missing.output


def _pdf_with_stream(path, payload: bytes):
    """A one-page PDF whose content stream is ``payload`` Flate-compressed (written by hand)."""
    data = zlib.compress(payload, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_flate_bomb_is_refused_within_the_limit(tmp_path, monkeypatch):
    bomb = _pdf_with_stream(tmp_path / "bomb.pdf", b"0" * (3 * 1024 * 1024))
    monkeypatch.setenv("DYAD_PDF_MAX_DECODED_MB", "1")
    with pytest.raises(SourceError, match=r"expand to more than 1 MB.*DYAD_PDF_MAX_DECODED_MB"):
        process(bomb)
    monkeypatch.setenv("DYAD_PDF_MAX_DECODED_MB", "8")          # the same file within a raised limit
    with pytest.raises(SourceError, match="no text found|no body text"):
        process(bomb)
    monkeypatch.setenv("DYAD_PDF_MAX_DECODED_MB", "lots")
    with pytest.raises(SourceError, match="not a whole number"):
        process(bomb)


def test_truncated_and_encrypted_pdfs_give_one_line_errors(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    good = corpus.write_pdf(insample_specs.S2, tmp_path / "good.pdf")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    enc = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(enc), encrypt=pdfencrypt.StandardEncryption("secret", canCopy=0))
    c.drawString(100, 700, "A locked report on trade")
    c.showPage()
    c.save()
    db = str(tmp_path / "s.duckdb")
    for f, words in ((cut, "truncated or damaged"), (enc, "encrypted")):
        out = subprocess.run([sys.executable, "-m", "dyad", "--store", db, "doc", "add", str(f)],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode != 0
        assert "Traceback" not in out.stderr and words in out.stderr and str(f) in out.stderr
        assert len([x for x in out.stderr.splitlines() if x.strip()]) == 1, out.stderr


def _mentions_by_rescanning(text: str) -> dict[str, int]:
    """The former rule, written independently: names longest first, each span counted once, a match
    dropped if it overlaps one already taken."""
    from dyad.documents.extract import _country_index

    folded = _fold(text)
    names = sorted({c for cands in _country_index().values() for c in cands}, key=lambda c: (-len(c[0]), c[0]))
    taken, counts = [], {}
    for name, iso in names:
        for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?!\w)", folded, re.IGNORECASE):
            if not m.group(0)[:1].isupper() or any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            counts[iso] = counts.get(iso, 0) + 1
    return dict(sorted(counts.items()))


@pytest.mark.parametrize("text", [
    "The Russian Federation and China met Japan. South Korea, the Republic of Korea and North Korea.",
    "Chinese firms in Kazakhstan; United States and the United Kingdom; china ware; the turkey; Türkiye.",
    " ".join(b[-1] for b in insample_specs.S1["body"]),
])
def test_country_mentions_one_pass_matches_the_rescanning_rule(text):
    assert country_mentions(text) == _mentions_by_rescanning(text)
