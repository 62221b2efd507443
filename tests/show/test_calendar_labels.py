"""Calendar labels on the indicator charts: drawn by vl-convert, measured with the real fonts, they never
overprint each other and never sit inside the plot (where the data is).

The check reads the rendered SVG (each label's anchor point and alignment) and measures each label's box with
the font files of the system (DejaVu Sans and Liberation Sans, the wider of the two), so it does not rely on
the width estimate the layout code uses."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from PIL import ImageFont

from dyad.indicators import Indicator
from dyad.report import charts
from dyad.report.data import IndicatorResult

FONTS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
         Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")]
TEXT = re.compile(r'<text [^>]*?text-anchor="(?P<anchor>\w+)" transform="(?P<transform>[^"]*)"'
                  r'[^>]*font-size="(?P<size>[\d.]+)px"[^>]*>(?P<text>[^<]*)</text>')
STEP = re.compile(r"(translate|rotate)\(([^)]*)\)")


def _apply(transform: str, point: tuple[float, float]) -> tuple[float, float]:
    """An SVG transform list (translate and rotate) applied to a point, last operation first."""
    x, y = point
    for op, args in reversed(STEP.findall(transform)):
        nums = [float(v) for v in re.split(r"[ ,]+", args.strip())]
        if op == "translate":
            x, y = x + nums[0], y + (nums[1] if len(nums) > 1 else 0)
        else:
            t = math.radians(nums[0])
            x, y = x * math.cos(t) - y * math.sin(t), x * math.sin(t) + y * math.cos(t)
    return x, y


def _fonts(size: float) -> list:
    found = [ImageFont.truetype(str(f), round(size)) for f in FONTS if f.exists()]
    if not found:
        pytest.fail("no DejaVu Sans or Liberation Sans font to measure labels with (apt-get install fonts-dejavu)")
    return found


def label_boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every calendar label in a rendered chart, in the plot's pixels."""
    boxes = []
    for group in re.finditer(r'<g class="mark-text role-mark calendarlabel\w?_marks"[^>]*>(.*?)</g>', svg, re.S):
        for m in TEXT.finditer(group[1]):
            size = float(m["size"])
            text = m["text"].replace("&amp;", "&")
            # widest and tallest box over the fonts, relative to the baseline at the anchor point
            l_, t_, r_, b_ = zip(*(f.getbbox(text, anchor="ls") for f in _fonts(size)), strict=True)
            width, top, bottom = max(r_) - min(l_), min(t_), max(b_)
            left = 0 if m["anchor"] == "start" else -width if m["anchor"] == "end" else -width / 2
            corners = [_apply(m["transform"], (cx, cy)) for cx in (left, left + width) for cy in (top, bottom)]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            boxes.append((text, min(xs), min(ys), max(xs), max(ys)))
    return boxes


def overlaps(p, q) -> bool:
    return p[1] < q[3] and q[1] < p[3] and p[2] < q[4] and q[2] < p[4]


def _dense_calendar(years: range) -> pd.DataFrame:
    """A crowded calendar: two countries' elections, congresses and new leaders, and summits, most years."""
    rows = []
    for y in years:
        rows += [("CHN", f"{y}-03-05", "party_congress", f"Congress {y}"),
                 ("RUS", f"{y}-03-18", "presidential_election", f"Election {y}"),
                 ("CHN-RUS", f"{y}-06-01", "joint_statement", f"Statement {y}")]
        if y % 3 == 0:
            rows.append(("RUS", f"{y}-05-07", "leadership_transition", f"New president {y}"))
        if y % 4 == 1:
            rows.append(("CHN-RUS", f"{y}-09-01", "bilateral_milestone", f"Treaty {y}"))
    frame = pd.DataFrame(rows, columns=["country", "date", "kind", "label"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _chart(years: range, values, events: pd.DataFrame, directed: bool = False) -> str:
    ind = Indicator("probe", "Probe", "share of joint roll calls", "constructed", "m", lambda *a, **k: None,
                    directions=("D5",), directed=directed)
    frame = pd.DataFrame({"a": "CHN", "b": "RUS", "period": [str(y) for y in years], "indicator": "probe",
                          "value": values, "n": 100})
    if directed:
        frame = pd.concat([frame, frame.assign(a="RUS", b="CHN", value=frame["value"] / 2)], ignore_index=True)
    return vlc.vegalite_to_svg(charts.indicator_spec(IndicatorResult(ind, "year", frame), events))


@pytest.mark.parametrize("first,last", [(1971, 2026), (2010, 2024), (2017, 2023)])
def test_calendar_labels_never_overprint_and_stay_off_the_plot(first, last):
    years = range(first, last + 1)
    values = np.linspace(0.2, 0.95, len(years))        # the line runs up to the top of the plot
    svg = _chart(years, values, _dense_calendar(years), directed=True)
    boxes = label_boxes(svg)
    assert len(boxes) >= 3, "a crowded calendar should still get some labels"
    clashes = [(p[0], q[0]) for i, p in enumerate(boxes) for q in boxes[i + 1:] if overlaps(p, q)]
    assert clashes == []
    # the plot's top edge is y = 0 of the group the labels are drawn in: every label ends above it
    assert max(b[4] for b in boxes) <= 0, [b for b in boxes if b[4] > 0]
    # and the data points are drawn below that edge, in the same pixels
    points = [float(y) for g in re.finditer(r'<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
              for y in re.findall(r'translate\([-\d.e]+,([-\d.e]+)\)', g[1])]
    assert points and min(points) >= 0


def test_calendar_labels_stay_inside_the_chart_width():
    years = range(2000, 2025)
    svg = _chart(years, np.linspace(1, 2, len(years)), _dense_calendar(years))
    boxes = label_boxes(svg)
    assert boxes and min(b[1] for b in boxes) >= -2 and max(b[3] for b in boxes) <= charts.WIDTH + 2


def test_leaders_and_elections_are_labelled_before_summits():
    years = range(1990, 2025)
    texts = [b[0] for b in label_boxes(_chart(years, np.linspace(1, 2, len(years)), _dense_calendar(years)))]
    assert "Russia new leader" in texts and "Russia election" in texts
    # where space runs out, summits give way first
    assert texts.count("summit") < texts.count("Russia election")


def test_year_labels_stand_under_their_yearly_values():
    years = range(2017, 2024)
    svg = _chart(years, np.linspace(0.3, 0.6, len(years)), _dense_calendar(years))
    points = sorted({round(float(x), 1) for g in re.finditer(r'<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)</g>',
                                                            svg, re.S)
                     for x in re.findall(r'translate\(([-\d.e]+),[-\d.e]+\)', g[1])})
    axis = re.search(r'<g class="mark-text role-axis-label"[^>]*>(.*?)</g>', svg, re.S)[1]
    labels = {t: float(x) for x, t in re.findall(r'translate\(([-\d.e]+),[-\d.e]+\)"[^>]*>(\d{4})</text>', axis)}
    assert set(labels) == {str(y) for y in years}
    # the axis group is offset by half a pixel at most from the plot's group
    assert all(abs(labels[str(y)] - x) <= 1.0 for y, x in zip(years, points, strict=True)), (labels, points)
