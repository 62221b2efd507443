"""UN General Debate Corpus (UNGDC): one plain-text file per country and session.

Layout: ``ISO3_SESSION_YEAR.txt`` (e.g. ``RUS_72_2017.txt``), UTF-8 with or without a byte-order mark,
in any folder tree (``speeches/``, ``reference_session78_2023/`` ...). A folder is read recursively;
files whose names do not follow the pattern (README.txt, Speakers_by_session.xlsx) are listed in the
ingest notes and not read.

Country history, applied per speech:

* the files carry no day, so each speech gets a nominal date, 1 October of its year: every regular
  session's general debate has run between mid-September and mid-October (the 26th session's debate,
  27 Sep - 13 Oct 1971, preceded the seating of the People's Republic on 25 Oct 1971). The seat "China"
  is resolved with :data:`dyad.countries.PRC_SEATED` on that date, so ``CHN`` files of sessions 1-26 are
  stored as ``TWN`` (seat ``ROC``);
* ``RUS`` files before 1992 are the Soviet Union's speeches; the seat continues as Russia, so they are
  stored as ``RUS`` with seat ``USSR``.

Rows: one per file. A file is rejected (quarantined with the reason) when its text is empty, when the
session and year disagree (year = 1945 + session), or when its code is not a state (``EU``: the
European Union speaks as an observer).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from dyad import countries, safety
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects

NAME = re.compile(r"^(?P<code>[A-Z]{2,3})_(?P<session>\d{1,3})_(?P<year>\d{4})\.txt$")
FIRST_YEAR = 1945          # session s has its general debate in year 1945 + s
NOMINAL_MONTH_DAY = (10, 1)
COLUMNS = ["country", "session", "year", "date", "seat", "text"]


def nominal_date(year: int) -> dt.date:
    """The documented stand-in for a speech's day: 1 October of the session's year."""
    return dt.date(year, *NOMINAL_MONTH_DAY)


def attribute(code: str, year: int) -> tuple[str | None, str, str]:
    """(stored country, seat, reason if rejected) for a file's code and year."""
    if code == "EU":
        return None, code, "EU is not a state (the European Union speaks as an observer)"
    iso = countries.try_resolve(code, "iso3", date=nominal_date(year), un_seat=True)
    if iso is None:
        return None, code, f"unknown ISO3 country code {code!r} in the file name"
    if iso == "TWN" and code == "CHN":
        return iso, "ROC", ""
    if iso == "RUS" and year < 1992:
        return iso, "USSR", ""
    return iso, code, ""


def read_text(path: Path) -> str:
    """A speech file's text: BOM removed, line ends normalised, surrounding space stripped."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _files(path: Path) -> tuple[list[Path], list[Path]]:
    candidates = safety.walk_files(path) if path.is_dir() else [path]
    good = [p for p in candidates if NAME.match(p.name)]
    other = [p for p in candidates if not NAME.match(p.name)]
    if not good:
        raise SourceError(f"{path}: no speech files named ISO3_SESSION_YEAR.txt (e.g. RUS_72_2017.txt) found; "
                          "point --from at the UNGDC folder of text files")
    return good, other


def read(path: Path, **_options) -> ReadResult:
    """Read one speech file or a folder tree of them."""
    good, other = _files(Path(path))
    rows, rejects, counts = [], [], []
    for file in good:
        m = NAME.match(file.name)
        code, session, year = m["code"], int(m["session"]), int(m["year"])
        text = read_text(file)
        country, seat, reason = attribute(code, year)
        if not reason and year != FIRST_YEAR + session:
            reason = f"session {session} has its general debate in {FIRST_YEAR + session}, not {year}"
        if not reason and not text:
            reason = "empty speech text"
        if reason:
            rejects.append({"file": str(file), "row": 1, "reason": reason, "raw": text[:4000]})
            counts.append(FileCount(str(file), 1, 0, 1))
            continue
        rows.append({"country": country, "session": session, "year": year, "date": nominal_date(year),
                     "seat": seat, "text": text})
        counts.append(FileCount(str(file), 1, 1, 0))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    notes = []
    if other:
        notes.append(f"not speech files, not read: {', '.join(p.name for p in other[:10])}"
                     + (f" and {len(other) - 10} more" if len(other) > 10 else ""))
    reject_frame = pd.DataFrame(rejects) if rejects else empty_rejects()
    return ReadResult(tables={"speeches": frame}, rejects=reject_frame, files=counts, notes=notes)


ADAPTER = SimpleAdapter(
    name="ungdc",
    description="UN General Debate speeches, one ISO3_SESSION_YEAR.txt file per country and session",
    tables=("speeches",),
    reader=read,
    formats="folder of .txt files",
)
