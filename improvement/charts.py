"""Geometry for the dashboard's SVG charts, drawn on the server.

Each chart comes with the figures it draws, so the template can give the same
figures as a table for people who cannot see the chart.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from . import impact
from .choices import Frequency, Status
from .selectors import MeasureRow, MonthProgress, ThemeCounts

CHART_WIDTH = 400
BAR_PITCH = 28
LINE_HEIGHT = 160


def status_by_theme_chart(themes: Sequence[ThemeCounts]) -> dict[str, Any]:
    """A stacked bar per theme: its actions by status."""
    widest = max((t.total for t in themes), default=0)
    scale = CHART_WIDTH / widest if widest else 0
    bars = []
    for index, theme in enumerate(themes):
        x = 0.0
        segments = []
        for value, label in Status.choices:
            n = theme.counts[value]
            if n:
                segments.append(
                    {"status": value, "label": label, "n": n, "x": x, "width": n * scale}
                )
                x += n * scale
        bars.append(
            {
                "theme": theme.theme,
                "y": index * BAR_PITCH,
                "segments": segments,
                "counts": [theme.counts[v] for v, _ in Status.choices],
                "total": theme.total,
            }
        )
    return {"bars": bars, "height": len(bars) * BAR_PITCH, "width": CHART_WIDTH}


def progress_chart(months: Sequence[MonthProgress]) -> dict[str, Any]:
    """Two lines over the months: updates recorded, and actions complete."""
    top = max((max(m.updates, m.complete) for m in months), default=0)
    step = CHART_WIDTH / max(len(months) - 1, 1)
    rows = [
        {
            "month": m.month,
            "label": m.label,
            "updates": m.updates,
            "complete": m.complete,
            "x": round(index * step, 1),
            "y_complete": _y(m.complete, top),
            "y_updates": _y(m.updates, top),
        }
        for index, m in enumerate(months)
    ]
    return {
        "rows": rows,
        "complete_points": " ".join(f"{r['x']},{r['y_complete']}" for r in rows),
        "update_points": " ".join(f"{r['x']},{r['y_updates']}" for r in rows),
        "top": top,
        "width": CHART_WIDTH,
        "height": LINE_HEIGHT,
    }


def _y(value: int, top: int) -> float:
    return round(LINE_HEIGHT - (value / top * LINE_HEIGHT if top else 0), 1)


def measure_chart(row: MeasureRow, width: int = CHART_WIDTH, height: int = LINE_HEIGHT) -> dict:
    """A measure's values over time, with its trajectory to target and any comparators.

    Each value sits at the end of its period; the trajectory runs from the baseline
    through the interim targets to the target (impact.trajectory), so the chart
    draws the same line the rating rule reads.
    """
    measure = row.measure
    points = measure.points(row.values)
    targets = [impact.Point(t.date, t.value) for t in measure.interim_targets.all()]
    targets.append(impact.Point(measure.target_date, measure.target))
    path = impact.trajectory(points[0], targets) if points else targets
    comparators = {
        "england": [
            impact.Point(p.when, v.england_average)
            for p, v in zip(points, row.values, strict=True)
            if v.england_average is not None
        ],
        "neighbours": [
            impact.Point(p.when, v.neighbours_average)
            for p, v in zip(points, row.values, strict=True)
            if v.neighbours_average is not None
        ],
    }
    everything = points + path + comparators["england"] + comparators["neighbours"]
    first = min(p.when for p in everything)
    last = max(p.when for p in everything)
    days = max((last - first).days, 1)
    low = min(p.value for p in everything)
    high = max(p.value for p in everything)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) / 10
    low, high = max(low - pad, Decimal(0)), high + pad

    def xy(point: impact.Point) -> str:
        x = round((point.when - first).days / days * width, 1)
        y = round(float(height - (point.value - low) / (high - low) * height), 1)
        return f"{x},{y}"

    def line(series: Sequence[impact.Point]) -> str:
        return " ".join(xy(p) for p in series)

    return {
        "id": f"measure-{measure.pk}",
        "width": width,
        "height": height,
        "values": line(points),
        "dots": [
            {
                "xy": xy(p).split(","),
                "label": measure.period_label(v.period),
                "shown": measure.display(v.value),
            }
            for p, v in zip(points, row.values, strict=True)
        ],
        "trajectory": line(path),
        "target": xy(path[-1]).split(","),
        "target_shown": f"{measure.display(measure.target)} by {measure.target_date:%-d %B %Y}",
        "england": line(comparators["england"]),
        "neighbours": line(comparators["neighbours"]),
        "top": measure.display(high.quantize(Decimal("0.1"))),
        "bottom": measure.display(low.quantize(Decimal("0.1"))),
        "first": impact.period_label(Frequency.MONTHLY, first),
        "last": impact.period_label(Frequency.MONTHLY, last),
        "rows": [
            {
                "period": measure.period_label(v.period),
                "value": measure.display(v.value),
                "expected": measure.display(_expected(path, p.when)),
                "england": measure.display(v.england_average),
                "neighbours": measure.display(v.neighbours_average),
            }
            for p, v in zip(points, row.values, strict=True)
        ],
    }


def _expected(path: Sequence[impact.Point], when: dt.date) -> Decimal:
    return impact.expected_at(path, when).quantize(Decimal("0.1"))
