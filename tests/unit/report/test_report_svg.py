"""The SVG helpers: bars where the numbers say, text escaped, the same text each time."""

from __future__ import annotations

import re

from unifyprofile.report._svg import Bar, columns, diverging_bars, histogram, line, waterfall


def _widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]


def test_bar_lengths_follow_the_values():
    svg = diverging_bars("w", "t", [Bar("a", 4.0), Bar("b", -2.0), Bar("c", 1.0)])
    a, b, c = _widths(svg)
    assert abs(a - 2 * b) < 1 and abs(a - 4 * c) < 1


def test_labels_are_escaped():
    svg = columns("c", "<t>", ["<b>&"], [3])
    assert "<b>&" not in svg and "&lt;b&gt;&amp;" in svg and "<title>&lt;t&gt;</title>" in svg


def test_histogram_bins_and_threshold_line():
    svg = histogram("h", "t", [0.0, 1.0, 2.0, 3.0], [4, 0, 2], marker=2.5,
                    marker_label="threshold")
    assert svg.count("<rect") == 3
    assert "stroke-dasharray" in svg and "threshold" in svg
    outside = histogram("h", "t", [0.0, 1.0], [1], marker=5.0)
    assert "stroke-dasharray" not in outside


def test_waterfall_steps_start_where_the_last_ended():
    svg = waterfall("w", "t", [Bar("prior", -4.0), Bar("email", 10.0), Bar("dob", -2.0)])
    xs = [float(x) for x in re.findall(r'<rect x="([\d.]+)"', svg)]
    widths = _widths(svg)
    # prior ends (left end, a negative step) where email starts; email's right end is
    # where dob (negative) ends on its right.
    assert abs(xs[0] - xs[1]) < 0.2
    assert abs((xs[1] + widths[1]) - (xs[2] + widths[2])) < 0.2
    assert "+4.00" in svg  # the total


def test_line_marks_the_point_and_is_deterministic():
    one = line("pr", "t", [0, 0.5, 1], [1, 0.8, 0.3], x_label="r", y_label="p",
               point=(0.5, 0.8))
    assert one == line("pr", "t", [0, 0.5, 1], [1, 0.8, 0.3], x_label="r", y_label="p",
                       point=(0.5, 0.8))
    assert "<circle" in one and one.count(",") >= 3
