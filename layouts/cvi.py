"""The CVI ecosystem page: the city's violence-intervention programs on a map and in a list.

Pure builders; the callback (callbacks/cvi.py) fetches the sites and the shootings near each.
Shootings near a site are shown as context for the place a program works in, never as a measure
of the program's effect, and the page says so next to every number.
"""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from app import ids
from data_access.filters import FIELD_BY_NAME, Filters, span_label
from data_access.vocabulary import CVI_PROGRAM_TYPES
from layouts.map import area_layer, base_map, program_label, sites_layer

CONTEXT_NOTE = ("Shootings near a site describe the place a program works in. They do not measure "
                "whether the program works: programs are placed where violence is highest, and many "
                "things change shooting counts.")


def program_codes() -> tuple[str, ...]:
    """The program types ``program=`` in the URL accepts: the vocabulary's, as ingest."""
    return CVI_PROGRAM_TYPES.codes


def cvi_page(*, programs: tuple[str, ...] = (), notices=None, tile_url: str = "",
             tile_attribution: str = "") -> html.Div:
    """``programs``: the program types chosen in the URL."""
    the_map = base_map(ids.CVI_MAP, [area_layer(ids.CVI_AREAS, interactive=False), sites_layer(ids.CVI_SITES)],
                       tile_url=tile_url, attribution=tile_attribution, height="100%")
    return html.Div([
        dcc.Store(id=ids.CVI_SHAPES_KEY),
        html.Div(notices, id=ids.CVI_NOTICES),
        html.Div(id=ids.CVI_ERROR),
        html.Div([
            html.Div([html.Label("Program type", htmlFor=ids.CVI_PROGRAM, className="form-label"),
                      dcc.Dropdown(id=ids.CVI_PROGRAM, multi=True, placeholder="All program types", value=list(programs),
                                   options=[{"label": v, "value": k} for k, v in CVI_PROGRAM_TYPES])],
                     className="filter"),
            html.Ul([html.Li([html.Span(className=f"cvi-dot cvi-dot-{k}"), v]) for k, v in CVI_PROGRAM_TYPES],
                    className="cvi-key", **{"aria-label": "Map key: colour per program type"}),
        ], className="map-controls cvi-controls"),
        html.P(id=ids.CVI_CAPTION, className="caption"),
        html.Div([
            html.Div(the_map, className="map-frame"),
            # a scrolling box beside the map: a Tab stop with a name, so the keyboard can scroll it
            html.Aside(html.Div(id=ids.CVI_LIST, className="cvi-list", role="list"), className="map-side cvi-side",
                       tabIndex="0", **{"aria-label": "Programs on the map"}),
        ], className="map-row"),
    ])


def _fmt_started(value) -> str:
    if value is None or pd.isna(value):
        return "Not recorded"
    return f"{pd.Timestamp(value):%B %Y}"


def _text(value, missing: str = "Not recorded") -> str:
    return value if isinstance(value, str) and value.strip() else missing


def located_in(site) -> str:
    parts = []
    fields = [(n, FIELD_BY_NAME[n].caption[0]) for n in ("neighborhood", "council_district", "police_district",
                                                      "legislative_district")]
    for field, fmt in fields + [("csa", "CSA {}")]:
        value = getattr(site, field, None)
        if isinstance(value, str) and value.strip():
            parts.append(fmt.format(value))
    return " · ".join(parts) or "Not recorded"


def site_card(site, near: int, radius_m: int, f: Filters) -> html.Article:
    url = site.url if isinstance(site.url, str) and site.url.strip() else None
    link = (html.A("Website", href=url, target="_blank", rel="noopener noreferrer") if url
            else html.Span("No website listed", className="muted"))
    rows = [
        ("Operator", _text(site.operator)),
        ("Services", _text(site.services)),
        ("Hours", _text(site.hours)),
        ("Phone", _text(site.phone)),
        ("Address", _text(site.address)),
        ("Area served", _text(site.area_served)),
        ("Located in", located_in(site)),
        ("Since", _fmt_started(site.started)),
        ("Link", link),
    ]
    return html.Article([
        html.H3([html.Span(className=f"cvi-dot cvi-dot-{site.program_type}"), site.name], className="h6 cvi-name"),
        html.Div(program_label(site.program_type), className="cvi-type"),
        html.Dl([el for k, v in rows for el in (html.Dt(k), html.Dd(v))], className="cvi-facts"),
        html.P([html.Strong(f"{near:,}"), f" victims of gun violence within {radius_m:,} m, {span_label(f)} ",
                html.Span("(context, not effect)", className="muted")], className="cvi-near"),
    ], className="cvi-site", role="listitem", id=f"cvi-site-{int(site.id)}")


def site_list(sites: pd.DataFrame, near: dict[int, int], radius_m: int, f: Filters) -> list:
    if sites.empty:
        return [html.P("No programs match these filters. Clear the program type or the geography "
                       "filters to see more.", className="muted")]
    header = html.P(f"{len(sites)} program{'s' if len(sites) != 1 else ''}", className="cvi-count")
    return [header] + [site_card(s, int(near.get(int(s.id), 0)), radius_m, f) for s in sites.itertuples(index=False)]


def caption(f: Filters, radius_m: int, n_sites: int, n_total: int) -> list:
    scope = "all" if n_sites == n_total else f"{n_sites} of {n_total}"
    return [f"Showing {scope} violence-intervention programs. For each, the number of victims of gun "
            f"violence (non-fatal shootings and homicides by firearm) within {radius_m:,} m, {span_label(f)}. ",
            html.Strong("Context, not effect: "), CONTEXT_NOTE]
