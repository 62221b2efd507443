"""Political calendars written as YAML (the project's own, or a user's): the ``calendar`` source.

``dyad ingest calendar --from FILE_OR_FOLDER`` loads one calendar file or every ``.yaml`` file of a folder
into the ``calendar`` table, with provenance like any other source. An entry that fails validation (no
date, a date that is not YYYY-MM-DD, an unknown field, a duplicate) goes to the quarantine with the reason
and its text; a file that is not a calendar at all stops the ingest with an error naming the file.
The format is described in :mod:`dyad.calendar` and docs/sources/cycles.md.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dyad import calendar
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError


def read(path: Path, **options) -> ReadResult:
    if options:
        raise SourceError(f"the calendar source takes no options (got {', '.join(options)})")
    try:
        files = calendar.calendar_files(path)
    except calendar.CalendarError as exc:
        raise SourceError(str(exc)) from exc
    frames, rejects, counts = [], [], []
    for f in files:
        try:
            good, bad = calendar.validate_file(f)
        except calendar.CalendarError as exc:
            raise SourceError(str(exc)) from exc
        frames.append(good)
        rejects.extend({"file": b.file, "row": b.line, "reason": f"entry {b.entry}: {b.reason}", "raw": b.raw}
                       for b in bad)
        counts.append(FileCount(str(f), len(good) + len(bad), len(good), len(bad)))
    rows = pd.concat(frames, ignore_index=True)
    rows["date"] = rows["date"].dt.date
    rows["end_date"] = rows["end_date"].map(lambda v: None if pd.isna(v) else v.date())
    reject_frame = pd.DataFrame(rejects, columns=["file", "row", "reason", "raw"]).astype({"row": "int64"})
    return ReadResult(tables={"calendar": rows}, rejects=reject_frame, files=counts)


ADAPTER = SimpleAdapter(
    name="calendar",
    description="political calendars (elections, congresses, addresses, milestones) as YAML",
    tables=("calendar",),
    reader=read,
    formats="YAML calendar files (country + entries with date, kind, label, source)",
)
