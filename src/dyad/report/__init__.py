"""``dyad report``: from the data on disk to one self-contained HTML report on a dyad.

Step 1 (:mod:`dyad.report.ingest`) ingests what the layout table finds under ``--data DIR``; step 2
(:func:`build_report`) computes every registered indicator and the optional analyses, and writes one HTML
file with the Vega JavaScript inlined, so it opens offline.
"""

from __future__ import annotations

from dyad.report.build import Report, build_report, collect

__all__ = ["Report", "build_report", "collect"]
