"""Read a report into pages of text lines: plain text (pages split at form feeds) or PDF (pdfminer.six)."""

from __future__ import annotations

import re
from pathlib import Path

from dyad.sources import SourceError

SUFFIXES = (".txt", ".text", ".md", ".pdf")


def read_pages(path: Path) -> list[list[str]]:
    """The file's pages, each a list of lines (trailing spaces removed; blank lines kept)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix in SUFFIXES:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and add it again") from exc
    else:
        raise SourceError(f"{path}: unsupported document type {suffix or '(none)'}; "
                          f"dyad doc add reads {', '.join(SUFFIXES)}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
    # Control characters (NUL and the like) are never text; tab, newline and form feed (page break) stay.
    text = _CONTROL.sub("", text)
    pages = [[line.rstrip() for line in page.split("\n")] for page in text.split("\f")]
    while pages and not any(line.strip() for line in pages[-1]):
        pages.pop()
    if not pages:
        raise SourceError(f"{path}: no text found. A scanned PDF needs OCR first "
                          "(e.g. ocrmypdf FILE.pdf OUT.pdf), then add OUT.pdf")
    return pages


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _pdf_text(path: Path) -> str:
    """Text of a PDF with pdfminer.six: text boxes separated by blank lines, pages by form feeds."""
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        return extract_text(str(path), laparams=LAParams())
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"{path}: cannot read this PDF ({type(exc).__name__}: {exc}); "
                          "it may be damaged or encrypted; re-export it or save it as text") from exc
