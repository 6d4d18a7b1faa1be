"""The page around the sections: one HTML file with its style sheet inline, tables and
figures as text; nothing is loaded from anywhere."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["Section", "escape", "page", "table"]


def escape(value: object) -> str:
    """Text for HTML; a missing value is an empty cell."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Section:
    """One part of the report: its anchor (``id``), heading and body (HTML)."""

    id: str
    title: str
    body: str


def _cell(value: object) -> str:
    if isinstance(value, float) and value != value:  # NaN: a missing value
        return "<td></td>"
    if isinstance(value, float):
        return f'<td class="num">{value:,.4g}</td>' if abs(value) < 1e4 else \
            f'<td class="num">{value:,.0f}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="num">{value:,}</td>'
    return f"<td>{escape(value)}</td>"


def table(frame: pd.DataFrame | Sequence[Sequence[object]], headers: Sequence[str] | None = None,
          *, caption: str = "", raw: Iterable[str] = ()) -> str:
    """A table in a box that scrolls sideways on a narrow screen; ``raw`` columns hold
    HTML already (a chart, a link).

    Examples:
        >>> html = table([[1, "<a>"]], ["n", "x"])
        >>> html.split("<tbody>")[1]
        '<tr><td class="num">1</td><td>&lt;a&gt;</td></tr></tbody></table></div>'
    """
    if isinstance(frame, pd.DataFrame):
        headers = [str(c) for c in frame.columns]
        rows = [[v.item() if hasattr(v, "item") else v for v in r]
                for r in frame.itertuples(index=False, name=None)]
    else:
        rows = [list(r) for r in frame]
    names = list(headers or [])
    verbatim = {names.index(c) for c in raw if c in names}
    head = "".join(f"<th>{escape(h)}</th>" for h in names)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" if k in verbatim else _cell(v)
                                    for k, v in enumerate(r)) + "</tr>" for r in rows)
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'<div class="scroll"><table>{title}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


_STYLE = """
:root{--pos:#1f6f8b;--neg:#c0392b;--bar:#5b6b7a;--axis:#6b7785;--grid:#e3e7eb;
--total:#2c3e50;--ink:#1d2630;--muted:#5f6b77;--line:#d9dee3;--bg:#f6f7f9;--card:#fff}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:var(--ink);background:var(--bg)}
header{background:var(--total);color:#fff;padding:18px 24px}
header h1{margin:0;font-size:1.4rem}
header p{margin:4px 0 0;color:#cfd8e0;font-size:.9rem}
nav{position:sticky;top:0;z-index:1;background:var(--card);border-bottom:1px solid var(--line);
padding:6px 16px;overflow-x:auto;white-space:nowrap}
nav a{display:inline-block;padding:4px 10px;color:var(--pos);text-decoration:none;font-size:.9rem}
main{max-width:1200px;margin:0 auto;padding:16px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;
margin:16px 0}
h2{margin:0 0 8px;font-size:1.2rem}
h3{margin:18px 0 6px;font-size:1rem}
p.note,.muted{color:var(--muted);font-size:.9rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:16px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin:8px 0}
.kpi{border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.kpi b{display:block;font-size:1.25rem}
.kpi span{color:var(--muted);font-size:.8rem}
.scroll{overflow-x:auto;margin:8px 0}
table{border-collapse:collapse;font-size:.85rem;min-width:50%}
caption{text-align:left;color:var(--muted);padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.chartbox{overflow-x:auto}
svg.chart{width:100%;height:auto;max-width:900px;display:block;margin:6px 0}
svg.chart text{font-size:11px;fill:var(--ink)}
svg.chart text.axis{fill:var(--axis)}
svg.chart text.note{fill:var(--muted)}
svg.chart text.strong{font-weight:700}
details{border-top:1px solid var(--line);padding:6px 0}
summary{cursor:pointer;font-weight:600}
ul.plain{padding-left:18px}
footer{text-align:center;color:var(--muted);font-size:.8rem;padding:16px}
@media (max-width:640px){main{padding:8px}section{padding:12px;border-radius:0;margin:8px 0}
body{font-size:14px}header{padding:12px}.chartbox svg.chart{min-width:600px}}
@media print{nav{display:none}section{break-inside:avoid}}
"""


def page(title: str, subtitle: str, sections: Sequence[Section], generated: str) -> str:
    """The whole document: a header, a menu of the sections, the sections, and one line
    saying when it was made (the only line that differs between two reports of the same
    run)."""
    menu = "".join(f'<a href="#{s.id}">{escape(s.title)}</a>' for s in sections)
    body = "".join(f'<section id="{s.id}"><h2>{escape(s.title)}</h2>{s.body}</section>'
                   for s in sections)
    return ("<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>\n<body>"
            f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
            f"<nav>{menu}</nav><main>\n{body}\n</main>\n"
            f'<footer id="generated">Generated {escape(generated)} by unifyprofile.</footer>\n'
            "</body></html>\n")
