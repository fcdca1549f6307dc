"""Geometry for the dashboard's SVG charts, drawn on the server.

Each chart comes with the figures it draws, so the template can give the same
figures as a table for people who cannot see the chart.
"""

from collections.abc import Sequence
from typing import Any

from .choices import Status
from .selectors import MonthProgress, ThemeCounts

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
