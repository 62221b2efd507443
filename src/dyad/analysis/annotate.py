"""Calendar entries as chart annotations: vertical rules with the label as tooltip, to layer over any
Altair time-series chart whose x axis is a date (``chart + calendar_rules(...)``)."""

from __future__ import annotations

import pandas as pd

from dyad import calendar


def calendar_rules(country: str = "CHN-RUS", kinds=None, *, start: str | None = None, end: str | None = None,
                   entries: pd.DataFrame | None = None, color: str = "gray", store=None, paths=()):
    """An Altair layer of dashed vertical rules at calendar dates (default: the China-Russia milestones).

    Give ``entries`` (a frame from :func:`dyad.calendar.entries`) to annotate with any selection.
    """
    import altair as alt

    frame = calendar.entries(country, kinds, store=store, paths=paths) if entries is None else entries
    if start:
        frame = frame[frame["date"] >= pd.Timestamp(start)]
    if end:
        frame = frame[frame["date"] <= pd.Timestamp(end)]
    data = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"))[["date", "kind", "label", "source"]]
    return alt.Chart(data).mark_rule(strokeDash=[3, 3], color=color).encode(
        x=alt.X("date:T"), tooltip=["date:T", "kind:N", "label:N", "source:N"])
