"""Shared pieces for pure layout builders: number formats, figure styling, empty states."""

from __future__ import annotations

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


def pct_change(current: int, prior: int, min_compare: int) -> float | None:
    """The change in percent, or None when the earlier span has fewer than ``min_compare``
    (``PSAD_MIN_COMPARE``): a percentage of a handful says more about chance than about change.
    Every page that shows a change asks this one function."""
    if prior < max(min_compare, 1):
        return None
    return (current - prior) / prior * 100.0


def join_words(words: list[str], conj: str = "and") -> str:
    """"A", "A and B", "A, B and C"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {conj} " + words[-1]


def geo_phrases(f, names: dict[str, dict[str, str]] | None = None, conj: str = "or") -> list[str]:
    """Each geography filter of ``f`` in words, in the filter-field table's order: "Western
    police district", "Oak Hill and Roland Park", "Council District 12 or 7". ``names``: field ->
    code -> name, used where the value leads the caption (a district's name, a neighborhood);
    numbered districts keep their numbers ("Council District 7")."""
    from data_access.filters import FILTER_FIELDS

    parts = []
    for field in FILTER_FIELDS:
        values = getattr(f, field.name)
        if not field.geo or not values:
            continue
        named = field.caption.startswith("{}")
        spelled = [(names or {}).get(field.name, {}).get(v, v) if named else v for v in values]
        phrase = field.caption.format(join_words(spelled, conj))
        # "Western and Eastern police districts"
        parts.append(phrase + "s" if named and len(values) > 1 and field.caption != "{}" else phrase)
    return parts


def describe_filters(f) -> str:
    """The non-date filters in plain words, for captions and shared screenshots."""
    from data_access.vocabulary import offense_label

    parts = geo_phrases(f)
    if f.offense:
        parts.append(", ".join(offense_label(o) for o in f.offense))
    return " · ".join(parts) if parts else "Citywide, all Part 1 offenses"


def figure(data: list[dict], layout: dict | None = None) -> dict:
    """A Plotly figure as a plain dict. dcc.Graph takes it as is; building it costs microseconds,
    where ``plotly.graph_objects`` validation costs 30-50 ms per figure on every callback."""
    return {"data": data, "layout": layout or {}}


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def style_figure(fig: dict, *, height: int = 320, legend: bool = False) -> dict:
    """The house style, applied under whatever layout the builder already set."""
    house = {
        "template": {"layout": {"paper_bgcolor": "white", "plot_bgcolor": "white",
                                "xaxis": {"gridcolor": "#ebf0f8", "zerolinecolor": "#ebf0f8",
                                          "automargin": True},
                                "yaxis": {"gridcolor": "#ebf0f8", "zerolinecolor": "#ebf0f8",
                                          "automargin": True}}},
        "font": {"family": FONT, "size": 13},
        "height": height,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
    }
    return {"data": fig["data"], "layout": _merge(house, fig.get("layout", {}))}


def empty_figure(message: str, height: int = 320) -> dict:
    return style_figure(figure([], {
        "annotations": [{"text": message, "showarrow": False, "xref": "paper", "yref": "paper",
                         "x": 0.5, "y": 0.5, "font": {"size": 15, "color": COLORS["muted"]}}],
        "xaxis": {"visible": False}, "yaxis": {"visible": False},
    }), height=height)


def graph(id_: str, height: int = 320, **kw) -> dcc.Graph:
    return dcc.Graph(id=id_, config=GRAPH_CONFIG, style={"height": f"{height}px"},
                     figure=empty_figure("Loading…", height), **kw)


def section(title: str, body, note: str | None = None, *, width_class: str = "") -> html.Section:
    children = [html.H2(title, className="h6 section-title")]
    if note:
        children.append(html.P(note, className="section-note"))
    children.append(body)
    return html.Section(children, className=f"panel {width_class}".strip())


def scroll_region(child, label: str, class_name: str = "table-scroll") -> html.Div:
    """A box that may scroll sideways (a wide table on a phone), reachable by keyboard: a Tab stop,
    a region with a name, so arrow keys can scroll it (WCAG 2.1.1; axe scrollable-region-focusable)."""
    return html.Div(child, className=class_name, tabIndex="0", role="region", **{"aria-label": label})
