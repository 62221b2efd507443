"""Read a report into pages of text lines: plain text (pages split at form feeds) or PDF (pdfminer.six)."""

from __future__ import annotations

import os
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
    if len(pages) == 1:
        pages = split_at_page_numbers(pages[0])
    while pages and not any(line.strip() for line in pages[-1]):
        pages.pop()
    if not pages:
        raise SourceError(f"{path}: no text found. A scanned PDF needs OCR first "
                          "(e.g. ocrmypdf FILE.pdf OUT.pdf), then add OUT.pdf")
    return pages


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BARE_NUMBER = re.compile(r"^\s*[-\u2013\u2014]?\s*(\d{1,4})\s*[-\u2013\u2014]?\s*$")


def split_at_page_numbers(lines: list[str]) -> list[list[str]]:
    """Pages of a text written without form feeds (some converters leave them out): a page ends after a
    bare page number on its own line after a blank line, when the numbers found so rise from page to page
    (a lone number in a table does not). With fewer than two such numbers the text stays one page."""
    breaks, last = [], 0
    for i, line in enumerate(lines):
        m = _BARE_NUMBER.match(line)
        if not m:
            continue
        before = i == 0 or not lines[i - 1].strip()
        if before and int(m.group(1)) > last:
            breaks.append(i)
            last = int(m.group(1))
    if len(breaks) < 2:
        return [lines]
    # a publisher's page in front ("About ..." ... "www." / copyright / ISBN line) is a page of its own
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if re.match(r"^\s*about\b", lines[first], re.IGNORECASE):
        imprint = next((i for i in range(first, min(first + 30, breaks[0]))
                        if re.search(r"(?:^|\s)www\.|\u00a9|\bcopyright\b|\bISBN\b|all rights reserved",
                                     lines[i], re.IGNORECASE)), None)
        if imprint is not None:
            breaks.insert(0, imprint)
    pages, start = [], 0
    for i in breaks:
        pages.append(lines[start:i + 1])
        start = i + 1
    if start < len(lines):
        pages.append(lines[start:])
    return pages


# Limits on what one PDF may cost (overridable by environment variables, documented in docs/methods/words.md):
# decoded (decompressed) stream bytes in total, and pages.
MAX_DECODED_ENV, MAX_DECODED_DEFAULT = "DYAD_PDF_MAX_DECODED_MB", 256
MAX_PAGES_ENV, MAX_PAGES_DEFAULT = "DYAD_PDF_MAX_PAGES", 2000


def _limit(env: str, default: int) -> int:
    raw = os.environ.get(env)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SourceError(f"{env}={raw!r} is not a whole number; set it to a positive integer or unset it") from None
    if value <= 0:
        raise SourceError(f"{env}={raw!r} must be positive")
    return value


def _pdf_fail(path: Path, exc: BaseException) -> SourceError:
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return SourceError(f"{path}: the PDF is encrypted and needs a password ({name}); save an unprotected "
                           "copy (e.g. qpdf --decrypt IN.pdf OUT.pdf) and add that")
    detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else "no detail"
    return SourceError(f"{path}: cannot read this PDF ({name}: {detail}); it may be truncated or damaged; "
                       "re-export it or save it as text")


def check_decoded_size(path: Path, document, limit_mb: int) -> None:
    """Decompress every Flate stream of ``document`` in bounded chunks and refuse the file when the decoded
    bytes together exceed ``limit_mb`` megabytes (a "flate bomb" expands kilobytes into gigabytes)."""
    import zlib

    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream

    budget = limit_mb * 1024 * 1024
    total = 0
    seen: set[int] = set()
    for xref in document.xrefs:
        for objid in xref.get_objids():
            if objid in seen:
                continue
            seen.add(objid)
            try:
                obj = document.getobj(objid)
            except Exception:          # noqa: BLE001 -- a broken object is pdfminer's to report later
                continue
            if not isinstance(obj, PDFStream) or obj.rawdata is None:
                continue
            if not any(f in LITERALS_FLATE_DECODE for f, _ in obj.get_filters()):
                continue
            data = obj.rawdata
            if obj.decipher:
                data = obj.decipher(objid, 0, data, obj.attrs)
            inflater = zlib.decompressobj()
            try:
                chunk = inflater.decompress(data, 1 << 20)
                while True:
                    total += len(chunk)
                    if total > budget:
                        raise SourceError(
                            f"{path}: its compressed streams expand to more than {limit_mb} MB (a decompression "
                            f"bomb, or a very large PDF); if the file is genuine, raise {MAX_DECODED_ENV}")
                    if not inflater.unconsumed_tail:
                        break
                    chunk = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
            except zlib.error:
                continue


def _pdf_text(path: Path) -> str:
    """Text of a PDF: lines in reading order (two-column pages column by column), blank lines at paragraph
    gaps, pages separated by form feeds."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    max_mb = _limit(MAX_DECODED_ENV, MAX_DECODED_DEFAULT)
    max_pages = _limit(MAX_PAGES_ENV, MAX_PAGES_DEFAULT)
    pages: list[str] = []
    try:
        with open(path, "rb") as fh:
            document = PDFDocument(PDFParser(fh))
            check_decoded_size(path, document, max_mb)
            manager = PDFResourceManager()
            device = PDFPageAggregator(manager, laparams=LAParams())
            interpreter = PDFPageInterpreter(manager, device)
            for k, page in enumerate(PDFPage.create_pages(document)):
                if k >= max_pages:
                    raise SourceError(f"{path}: more than {max_pages} pages; raise {MAX_PAGES_ENV} to read it")
                interpreter.process_page(page)
                pages.append("\n".join(page_lines(device.get_result())))
    except SourceError:
        raise
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:      # noqa: BLE001 -- pdfminer raises many unrelated types on damaged files
        raise _pdf_fail(path, exc) from exc
    return "\f".join(pages)


def page_lines(layout) -> list[str]:
    """A pdfminer page layout as text lines in reading order.

    Lines are classed by position: left column (ends left of the page middle), right column (starts right
    of it) or full width. A page with at least three lines in each column is read as two columns: full-width
    lines above the columns (headers), the left column, the right column, then full-width lines below
    (footnotes, page number). Other pages are read top to bottom. A blank line marks a vertical gap of more
    than 1.5 times the page's usual line spacing, and every change of zone.
    """
    from pdfminer.layout import LTTextBox, LTTextLine

    items = []
    for box in layout:
        if isinstance(box, LTTextBox):
            for line in box:
                if isinstance(line, LTTextLine):
                    text = line.get_text().rstrip("\n").rstrip()
                    if text.strip():
                        items.append((line.x0, line.x1, line.y0, line.y1, text))
    if not items:
        return []
    mid = (layout.x0 + layout.x1) / 2
    is_left = [i[1] <= mid + 5 and not i[0] >= mid - 5 for i in items]
    is_right = [i[0] >= mid - 5 and not i[1] <= mid + 5 for i in items]
    left = _down([i for i, f in zip(items, is_left, strict=True) if f])
    right = _down([i for i, f in zip(items, is_right, strict=True) if f])
    full = [i for i, a, b in zip(items, is_left, is_right, strict=True) if not (a or b)]
    if len(left) >= 3 and len(right) >= 3:
        usual = _usual_step([left, right])
        # short full-width lines at the foot (a footnote shorter than a column) sit under the right column's
        # last line and after a gap: they belong to the foot, not to the left column
        bottom_right = right[-1][2]
        for k in range(1, len(left)):
            if left[k][2] < bottom_right and left[k - 1][2] - left[k][2] > 2 * usual:
                full, left = full + left[k:], left[:k]
                break
        top = max(i[3] for i in left + right)
        bottom = min(i[2] for i in left + right)
        middle = (top + bottom) / 2
        zones = [[i for i in full if i[2] >= middle], left, right, [i for i in full if i[2] < middle]]
    else:
        zones = [items]
    usual = _usual_step(zones)
    out: list[str] = []
    for zone in zones:
        ordered = _down(zone)
        if not ordered:
            continue
        if out:
            out.append("")
        for k, item in enumerate(ordered):
            if k and usual and ordered[k - 1][2] - item[2] > 1.5 * usual:
                out.append("")
            out.append(item[4])
    return out


def _usual_step(zones) -> float:
    steps = sorted(a[2] - b[2] for zone in zones for a, b in zip(_down(zone), _down(zone)[1:], strict=False)
                   if a[2] - b[2] > 0.5)
    return steps[len(steps) // 2] if steps else 0.0


def _down(zone):
    return sorted(zone, key=lambda i: (-round(i[2], 1), i[0]))
