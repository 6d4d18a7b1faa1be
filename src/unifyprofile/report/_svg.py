"""Charts as inline SVG text: no script, no font file, no network; the page draws them
offline in any browser.

Every chart is one ``<svg class="chart">`` with a ``viewBox`` (it scales to the width of
its box), a ``<title>`` (what a screen reader says) and ``data-chart`` (its name, for
tests), in a ``<div class="chartbox">`` that scrolls sideways on a phone rather than
shrink the text past reading. Numbers are written with fixed precision so the same data
gives the same text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["Bar", "columns", "diverging_bars", "histogram", "line", "waterfall"]

#: Colours (CSS custom properties, set in the page's style sheet, with fallbacks).
_POSITIVE = "var(--pos, #1f6f8b)"
_NEGATIVE = "var(--neg, #c0392b)"
_NEUTRAL = "var(--bar, #5b6b7a)"
_AXIS = "var(--axis, #8a96a3)"


def _n(x: float) -> str:
    """A coordinate with one decimal, without a trailing ``.0``."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _open(name: str, title: str, width: int, height: float) -> str:
    return (f'<div class="chartbox"><svg class="chart" data-chart="{_e(name)}" '
            f'viewBox="0 0 {width} {_n(height)}" '
            f'role="img" preserveAspectRatio="xMinYMin meet">'
            f"<title>{_e(title)}</title>")


def _text(x: float, y: float, text: object, anchor: str = "start", cls: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>'
            f"{_e(text)}</text>")


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> str:
    hint = f"<title>{_e(tip)}</title>" if tip else ""
    return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0.5))}" height="{_n(h)}" '
            f'fill="{fill}">{hint}</rect>')


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = _AXIS,
          dash: bool = False) -> str:
    style = ' stroke-dasharray="4 3"' if dash else ""
    return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{stroke}" stroke-width="1"{style}/>')


class Bar:
    """One labelled value of a bar chart (``note``: text at the bar's end)."""

    __slots__ = ("label", "note", "value")

    def __init__(self, label: str, value: float, note: str = "") -> None:
        self.label, self.value, self.note = label, float(value), note


def diverging_bars(name: str, title: str, bars: Sequence[Bar], *, unit: str = "",
                   width: int = 720, label_width: int = 240) -> str:
    """Horizontal bars left (negative) and right (positive) of a zero line, one row per
    bar: a match-weights chart.

    Examples:
        >>> svg = diverging_bars("w", "weights", [Bar("email exact", 6.5), Bar("else", -3)])
        >>> svg.count("<rect"), 'data-chart="w"' in svg
        (2, True)
    """
    row, top = 22, 8
    height = top * 2 + row * max(len(bars), 1) + 18
    span = max([abs(b.value) for b in bars] + [1.0])
    one_sided = all(b.value >= 0 for b in bars)
    # Room left of the plot for the numbers of the longest negative bars.
    start = label_width if one_sided else label_width + 48
    plot = width - start - 60
    zero = start if one_sided else start + plot / 2
    scale = plot / span if one_sided else plot / 2 / span
    parts = [_open(name, title, width, height)]
    for k, bar in enumerate(bars):
        y = top + k * row
        x = zero if bar.value >= 0 else zero + bar.value * scale
        colour = _POSITIVE if bar.value >= 0 else _NEGATIVE
        parts.append(_text(label_width - 6, y + row * 0.65, bar.label, "end"))
        parts.append(_rect(x, y + 3, abs(bar.value) * scale, row - 6, colour,
                           f"{bar.label}: {bar.value:.2f}{unit}"))
        note = bar.note or f"{bar.value:.2f}"
        end = zero + bar.value * scale
        parts.append(_text(end + (4 if bar.value >= 0 else -4), y + row * 0.65, note,
                           "start" if bar.value >= 0 else "end", "note"))
    bottom = top + row * max(len(bars), 1)
    parts.append(_line(zero, top, zero, bottom))
    parts.append(_text(zero, bottom + 14, f"0{unit}", "start" if one_sided else "middle",
                       "axis"))
    if not one_sided:
        parts.append(_text(start, bottom + 14, f"{-span:,.1f}", "middle", "axis"))
    parts.append(_text(start + plot, bottom + 14,
                       f"{span:,.0f}" if span >= 100 else f"{span:,.1f}", "middle", "axis"))
    parts.append("</svg></div>")
    return "".join(parts)


def _nice_max(value: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def histogram(name: str, title: str, edges: Sequence[float], counts: Sequence[int], *,
              marker: float | None = None, marker_label: str = "", x_label: str = "",
              width: int = 720, height: int = 260) -> str:
    """Counts per bin as columns, with an optional dashed vertical line (a threshold).

    Examples:
        >>> svg = histogram("h", "weights", [0, 1, 2], [3, 1], marker=1.5)
        >>> svg.count("<rect"), "stroke-dasharray" in svg
        (2, True)
    """
    left, right, top, bottom = 52, 12, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = float(edges[0]), float(edges[-1])
    span = (high - low) or 1.0
    peak = _nice_max(max(counts, default=0))
    parts = [_open(name, title, width, height)]

    def x(v: float) -> float:
        return left + (v - low) / span * plot_w

    for k, count in enumerate(counts):
        h = count / peak * plot_h
        parts.append(_rect(x(edges[k]), top + plot_h - h, x(edges[k + 1]) - x(edges[k]) - 1,
                           h, _NEUTRAL, f"[{edges[k]:g}, {edges[k + 1]:g}): {count:,}"))
    parts.append(_line(left, top + plot_h, left + plot_w, top + plot_h))
    parts.append(_line(left, top, left, top + plot_h))
    parts.append(_text(left - 4, top + 8, f"{peak:,.0f}", "end", "axis"))
    parts.append(_text(left - 4, top + plot_h, "0", "end", "axis"))
    for v in (low, (low + high) / 2, high):
        parts.append(_text(x(v), top + plot_h + 14, f"{v:.3g}", "middle", "axis"))
    if x_label:
        parts.append(_text(left + plot_w / 2, height - 6, x_label, "middle", "axis"))
    if marker is not None and low <= marker <= high:
        parts.append(_line(x(marker), top, x(marker), top + plot_h, _NEGATIVE, dash=True))
        parts.append(_text(x(marker) + 4, top + 10, marker_label, "start", "note"))
    parts.append("</svg></div>")
    return "".join(parts)


def columns(name: str, title: str, labels: Sequence[str], counts: Sequence[int], *,
            x_label: str = "", width: int = 720, height: int = 240) -> str:
    """One column per category, its count above it.

    Examples:
        >>> columns("c", "sizes", ["1", "2"], [10, 4]).count("<rect")
        2
    """
    left, right, top, bottom = 12, 12, 18, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(labels), 1)
    step = plot_w / n
    peak = max(max(counts, default=0), 1)
    parts = [_open(name, title, width, height)]
    for k, (label, count) in enumerate(zip(labels, counts, strict=True)):
        h = count / peak * plot_h
        x = left + k * step
        parts.append(_rect(x + step * 0.1, top + plot_h - h, step * 0.8, h, _NEUTRAL,
                           f"{label}: {count:,}"))
        parts.append(_text(x + step / 2, top + plot_h - h - 3, f"{count:,}", "middle", "note"))
        parts.append(_text(x + step / 2, top + plot_h + 14, label, "middle", "axis"))
    parts.append(_line(left, top + plot_h, left + plot_w, top + plot_h))
    if x_label:
        parts.append(_text(left + plot_w / 2, height - 6, x_label, "middle", "axis"))
    parts.append("</svg></div>")
    return "".join(parts)


def line(name: str, title: str, xs: Sequence[float], ys: Sequence[float], *,
         x_label: str, y_label: str, point: tuple[float, float] | None = None,
         width: int = 480, height: int = 360) -> str:
    """A curve on [0, 1] x [0, 1] (precision against recall), with an optional marked
    point (the run's threshold).

    Examples:
        >>> "<polyline" in line("pr", "PR", [0, 0.5, 1], [1, 0.9, 0.2], x_label="recall",
        ...                     y_label="precision")
        True
    """
    left, right, top, bottom = 44, 14, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom

    def at(x: float, y: float) -> str:
        return f"{_n(left + x * plot_w)},{_n(top + (1 - y) * plot_h)}"

    parts = [_open(name, title, width, height)]
    for v in (0.0, 0.5, 1.0):
        parts.append(_line(left, top + (1 - v) * plot_h, left + plot_w, top + (1 - v) * plot_h,
                           "var(--grid, #e3e7eb)"))
        parts.append(_text(left - 4, top + (1 - v) * plot_h + 4, f"{v:g}", "end", "axis"))
        parts.append(_text(left + v * plot_w, top + plot_h + 14, f"{v:g}", "middle", "axis"))
    points = " ".join(at(x, y) for x, y in zip(xs, ys, strict=True))
    parts.append(f'<polyline points="{points}" fill="none" stroke="{_POSITIVE}" '
                 'stroke-width="2"/>')
    if point is not None:
        cx, cy = at(*point).split(",")
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="5" fill="{_NEGATIVE}">'
                     f"<title>{_e(f'this run: recall {point[0]:.3f}, precision {point[1]:.3f}')}"
                     "</title></circle>")
    parts.append(_text(left + plot_w / 2, height - 6, x_label, "middle", "axis"))
    parts.append(f'<text x="12" y="{_n(top + plot_h / 2)}" text-anchor="middle" class="axis" '
                 f'transform="rotate(-90 12 {_n(top + plot_h / 2)})">{_e(y_label)}</text>')
    parts.append("</svg></div>")
    return "".join(parts)


def waterfall(name: str, title: str, steps: Sequence[Bar], *, width: int = 720,
              label_width: int = 200) -> str:
    """Cumulative bars: each step starts where the one before ended (the prior, then one
    log2 Bayes factor per comparison); a last bar shows the total.

    Examples:
        >>> svg = waterfall("wf", "pair", [Bar("prior", -10), Bar("email", 12)])
        >>> svg.count("<rect")
        3
    """
    row, top = 22, 8
    rows = len(steps) + 1
    height = top * 2 + row * rows + 18
    running, ends = 0.0, [0.0]
    for step in steps:
        running += step.value
        ends.append(running)
    low, high = min(ends), max(ends)
    span = (high - low) or 1.0
    plot = width - label_width - 70

    def x(v: float) -> float:
        return label_width + (v - low) / span * plot

    parts = [_open(name, title, width, height)]
    before = 0.0
    for k, step in enumerate(steps):
        after = before + step.value
        y = top + k * row
        colour = _POSITIVE if step.value >= 0 else _NEGATIVE
        parts.append(_text(label_width - 6, y + row * 0.65, step.label, "end"))
        parts.append(_rect(min(x(before), x(after)), y + 3, abs(x(after) - x(before)), row - 6,
                           colour, f"{step.label}: {step.value:+.2f}"))
        parts.append(_text(max(x(before), x(after)) + 4, y + row * 0.65,
                           step.note or f"{step.value:+.2f}", "start", "note"))
        before = after
    y = top + len(steps) * row
    parts.append(_text(label_width - 6, y + row * 0.65, "total", "end", "strong"))
    parts.append(_rect(min(x(0.0), x(before)), y + 3, abs(x(before) - x(0.0)), row - 6,
                       "var(--total, #2c3e50)", f"total: {before:+.2f}"))
    parts.append(_text(max(x(0.0), x(before)) + 4, y + row * 0.65, f"{before:+.2f}",
                       "start", "note"))
    bottom = top + rows * row
    parts.append(_line(x(0.0), top, x(0.0), bottom))
    parts.append(_text(x(0.0), bottom + 14, "0", "middle", "axis"))
    parts.append("</svg></div>")
    return "".join(parts)
