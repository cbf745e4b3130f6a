"""Shared pieces for pure layout builders: number formats, figure styling, empty states."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
COLORS = {
    "primary": "#1f4e79",
    "accent": "#c8553d",
    "muted": "#8a94a6",
    "good": "#2e7d32",
    "bad": "#b23b3b",
    "violent": "#b23b3b",
    "property": "#1f4e79",
    "other": "#6c757d",
}
# Residents need the picture, not zoom tools: the mode bar offers only "download as PNG".
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtons": [["toImage"]]}


def fmt_int(n: int | float | None) -> str:
    return "—" if n is None else f"{int(round(n)):,}"


def fmt_signed(n: int) -> str:
    return f"+{n:,}" if n > 0 else f"{n:,}".replace("-", "−")


def fmt_pct(p: float) -> str:
    s = f"{abs(p):.1f}%" if abs(p) < 1 else f"{abs(p):.0f}%"  # never a misleading "−0%"
    return f"+{s}" if p > 0 else (f"−{s}" if p < 0 else "0%")


def style_figure(fig: go.Figure, *, height: int = 320, legend: bool = False) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 48, "r": 16, "t": 16, "b": 40},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def empty_figure(message: str, height: int = 320) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 15, "color": COLORS["muted"]},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style_figure(fig, height=height)


def graph(id_: str, height: int = 320, **kw) -> dcc.Graph:
    return dcc.Graph(id=id_, config=GRAPH_CONFIG, style={"height": f"{height}px"},
                     figure=empty_figure("Loading…", height), **kw)


def section(title: str, body, note: str | None = None, *, width_class: str = "") -> html.Section:
    children = [html.H2(title, className="h6 section-title")]
    if note:
        children.append(html.P(note, className="section-note"))
    children.append(body)
    return html.Section(children, className=f"panel {width_class}".strip())
