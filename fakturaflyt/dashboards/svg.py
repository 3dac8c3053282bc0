"""A :class:`~.charts.Chart` as inline SVG, drawn on the server (the PDF report has no JavaScript).

Bars (stacked, or drawn over each other) and lines over a zero-based axis, labels under each
point, the top of the axis written on it; a ``<title>`` and ``<desc>`` listing every value for
screen readers. Every text is escaped.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fakturaflyt.core.money import format_nok
from fakturaflyt.dashboards.charts import Chart, Number

WIDTH, HEIGHT = 340, 170
TOP, BOTTOM, LEFT, RIGHT = 10, 20, 46, 6
LEGEND_ROW = 12


def _f(value: Number) -> float:
    return float(value) if value is not None else 0.0


def axis_text(value: float, unit: str) -> str:
    """The axis maximum, Norwegian style: ``12 345``, ``1,2 mill.``, ``81,1 %``."""
    if unit == "nok":
        if abs(value) >= 1_000_000:
            return f"{value / 1_000_000:.1f} mill.".replace(".", ",", 1)
        return format_nok(Decimal(round(value))).rsplit(",", 1)[0]
    text = f"{value:.0f}" if value >= 10 or unit == "count" else f"{value:.1f}".replace(".", ",")
    return text + (" %" if unit == "pct" else "")


def nice_top(peak: float, unit: str) -> float:
    """The top of the axis: the next 1, 2, 2.5 or 5 times a power of ten at or above ``peak``; 100 for percent.

    >>> nice_top(0, "count"), nice_top(1.0, "days"), nice_top(7, "count"), nice_top(318475, "nok"), nice_top(81.1, "pct")
    (1.0, 1.0, 10.0, 500000.0, 100.0)
    """
    if peak <= 0:
        return 1.0
    if unit == "pct" and peak <= 100:
        return 100.0
    power = 10.0 ** math.floor(math.log10(peak))
    return next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= peak)


def _label(value: Number, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "nok":
        return f"NOK {format_nok(Decimal(value))}"
    return str(value).replace(".", ",") + (" %" if unit == "pct" else "")


def render(chart: Chart) -> SafeString:
    drawn = [s for s in chart.series if s.drawn]
    n = len(chart.labels)
    if not drawn or not n:
        return mark_safe("")
    if chart.kind == "bar" and chart.stacked:
        peak = max((sum(_f(s.values[i]) for s in drawn) for i in range(n)), default=0.0)
    else:
        peak = max((_f(v) for s in drawn for v in s.values), default=0.0)
    peak = nice_top(peak, chart.unit)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / n

    def y(v: float) -> float:
        return TOP + (1 - max(v, 0.0) / peak) * plot_h

    parts: list[str] = []
    if chart.kind == "bar":
        base = [0.0] * n
        for s in drawn:
            for i, v in enumerate(s.values):
                value = _f(v)
                low = base[i] if chart.stacked else 0.0
                top = low + value
                colour = chart.colors_by_point[i] if chart.colors_by_point else s.color
                x = LEFT + i * slot + slot * 0.2
                parts.append(
                    f'<rect x="{x:.1f}" y="{y(top):.1f}" width="{slot * 0.6:.1f}" '
                    f'height="{max(y(low) - y(top), 0):.1f}" fill="{escape(colour)}"/>'
                )
                if chart.stacked:
                    base[i] = top
    else:
        for s in drawn:
            points = [(LEFT + i * slot + slot / 2, y(_f(v))) for i, v in enumerate(s.values) if v is not None]
            if len(points) > 1:
                path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{escape(s.color)}" stroke-width="2"/>')
            parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{escape(s.color)}"/>' for px, py in points)
    step = 2 if n > 8 else 1
    for i, label in enumerate(chart.labels):
        if (n - 1 - i) % step == 0:  # every other label on a long axis, always the latest
            x = LEFT + i * slot + slot / 2
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" font-size="9">{escape(label)}</text>'
            )
    legend = []
    height = HEIGHT
    if len(drawn) > 1:
        x, row = LEFT, 0
        for s in drawn:
            width = 20 + int(len(s.label) * 5.0)
            if x + width > WIDTH and x > LEFT:
                x, row = LEFT, row + 1
            top = HEIGHT + 2 + row * LEGEND_ROW
            legend.append(
                f'<rect x="{x}" y="{top}" width="8" height="8" fill="{escape(s.color)}"/>'
                f'<text x="{x + 11}" y="{top + 7.5}" font-size="8.5">{escape(s.label)}</text>'
            )
            x += width
        height = HEIGHT + 4 + (row + 1) * LEGEND_ROW
    desc = "; ".join(
        f"{s.label}: "
        + ", ".join(f"{chart.labels[i]} {_label(v, s.unit or chart.unit)}" for i, v in enumerate(s.values))
        for s in drawn
    )
    axis = (
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#888"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#ccc"/>'
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" font-size="9">{escape(axis_text(peak, chart.unit))}</text>'
        f'<text x="{LEFT - 4}" y="{HEIGHT - BOTTOM}" text-anchor="end" font-size="9">0</text>'
    )
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart.key}-t {chart.key}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart.key}-t">{escape(chart.title)}</title><desc id="{chart.key}-d">{escape(desc)}</desc>'
        f"{axis}{''.join(parts)}{''.join(legend)}</svg>"
    )
