"""Render report specs as two-column PDFs (reportlab) and as the text pdftotext gives for them.

A spec (see heldout/heldout_specs.py) holds an optional publisher page, a title page, body blocks
(headings, paragraphs, list items) with footnote markers ``^N``, footnote texts, and the items a reader
should find. Rendering:

* body text wraps at ``WIDTH`` characters per column line; a long word that does not fit is hyphenated
  across the line break ("develop-" / "ment"), as typesetting does;
* a page holds two columns of ``column_lines`` lines; the text path writes the left column, then the right
  (the reading order of a two-column PDF), with blank lines between paragraphs;
* each page (after the title page) carries a running header (alternating when two are given) and a page
  number at its foot; the footnotes whose markers fall on a page are printed at that page's foot, full
  width, long URLs wrapped over lines;
* pages are separated by form feeds in the text path (``form_feeds=False`` leaves them out, as some
  converters do).
"""

from __future__ import annotations

import re
from pathlib import Path

WIDTH = 46          # characters per column line
NOTE_WIDTH = 96     # characters per footnote line (full page width, smaller type)
MARK = re.compile(r"\^(\d+)")


def _wrap(text: str, width: int, hyphenate: bool = True) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        room = width - len(cur) - (1 if cur else 0)
        if len(word) <= room:
            cur = f"{cur} {word}" if cur else word
            continue
        core = re.match(r"[A-Za-z]+", word)
        if hyphenate and core and len(core.group(0)) >= 9 and room >= 5 and len(word) - (room - 1) >= 3:
            cut = room - 1
            lines.append(f"{cur} {word[:cut]}-" if cur else f"{word[:cut]}-")
            cur = word[cut:]
            continue
        if cur:
            lines.append(cur)
        while len(word) > width:           # a URL longer than a line: broken without a hyphen
            lines.append(word[:width])
            word = word[width:]
        cur = word
    if cur:
        lines.append(cur)
    return lines


def _markers(text: str) -> list[int]:
    return [int(n) for n in MARK.findall(text)]


def body_lines(spec: dict) -> list[tuple[str, list[int]]]:
    """Column lines of the body (blank strings between blocks) with the footnote numbers each carries."""
    out: list[tuple[str, list[int]]] = []
    for block in spec["body"]:
        if block[0] == "h":
            text, indent = block[1], ""
        elif block[0] == "p":
            text, indent = block[1], ""
        else:
            text, indent = f"{block[1]} {block[2]}", ""
        if out and block[0] != "li":
            out.append(("", []))
        elif out and block[0] == "li" and out[-1][0] and not out[-1][0].startswith(tuple("0123456789abcdefgh")):
            pass
        for line in _wrap(text, WIDTH, hyphenate=block[0] != "h"):
            out.append((indent + MARK.sub(r"\1", line), _markers(line)))
    return out


def note_lines(spec: dict, n: int) -> list[str]:
    return _wrap(f"{n} {spec['notes'][n]}", NOTE_WIDTH, hyphenate=False)


def layout(spec: dict) -> list[dict]:
    """Pages: {'header', 'left', 'right', 'notes', 'number'}; the first entries are the publisher and
    title pages ({'plain': lines})."""
    pages: list[dict] = []
    if spec.get("publisher"):
        pages.append({"plain": spec["publisher"]})
    pages.append({"plain": spec["title_page"]})
    lines = body_lines(spec)
    per_column = spec.get("column_lines", 24)
    running = spec["running"]
    i, number = 0, len(pages) + 1
    while i < len(lines):
        cols: list[list[str]] = [[], []]
        notes: list[int] = []
        for col in cols:
            # footnote lines take room from both columns (they run the full width)
            while i < len(lines):
                extra = sum(len(note_lines(spec, n)) for n in lines[i][1])
                used = sum(len(note_lines(spec, n)) for n in notes)
                if len(col) + used + extra >= per_column and col:
                    break
                if not col and not lines[i][0]:
                    i += 1
                    continue
                col.append(lines[i][0])
                notes.extend(lines[i][1])
                i += 1
        pages.append({"header": running[(number - 1) % len(running)], "left": cols[0], "right": cols[1],
                      "notes": [ln for n in notes for ln in note_lines(spec, n)], "number": str(number)})
        number += 1
    return pages


def write_text(spec: dict, path: Path, form_feeds: bool = True) -> Path:
    chunks = []
    for page in layout(spec):
        if "plain" in page:
            chunks.append("\n".join(page["plain"]))
            continue
        part = [page["header"], ""] + page["left"] + [""] + page["right"]
        if page["notes"]:
            part += [""] + page["notes"]
        part += ["", page["number"]]
        chunks.append("\n".join(part))
    path.write_text(("\f" if form_feeds else "\n").join(chunks) + "\n", encoding="utf-8")
    return path


def write_pdf(spec: dict, path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    left_x, right_x, lead = 48, 310, 12.5
    for page in layout(spec):
        if "plain" in page:
            y = height - 90
            for line in page["plain"]:
                big = bool(line) and (line in spec["title"] or spec["title"].startswith(line.rstrip(":")))
                if line:
                    big = line in spec["title"] or spec["title"].startswith(line.rstrip(":"))
                    pdf.setFont("Helvetica-Bold" if big else "Helvetica", 15 if big else 10)
                    pdf.drawString(left_x, y, line)
                y -= (20 if big else 14) if line else 14
            pdf.showPage()
            continue
        pdf.setFont("Helvetica-Oblique", 8)
        pdf.drawString(left_x, height - 40, page["header"])
        for x, column in ((left_x, page["left"]), (right_x, page["right"])):
            y = height - 70
            for line in column:
                if line:
                    pdf.setFont("Helvetica", 9)
                    pdf.drawString(x, y, line)
                y -= lead
        if page["notes"]:
            y = 60 + 10 * len(page["notes"])
            pdf.line(left_x, y + 10, left_x + 150, y + 10)
            pdf.setFont("Helvetica", 7.5)
            for line in page["notes"]:
                pdf.drawString(left_x, y, line)
                y -= 10
        pdf.setFont("Helvetica", 8)
        pdf.drawCentredString(width / 2, 30, page["number"])
        pdf.showPage()
    pdf.save()
    return path
