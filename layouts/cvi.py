"""The CVI ecosystem page: the city's violence-intervention programs on a map and in a list.

Pure builders; the callback (callbacks/cvi.py) fetches the sites and the shootings near each.
Shootings near a site are shown as context for the place a program works in, never as a measure
of the program's effect, and the page says so next to every number.

Every text is English in the code and translated where it is shown (``app.i18n``; Spanish in
``app/locale/es/LC_MESSAGES/about.po``); program type labels come from the vocabulary (marked
there) and are translated here. Program and organisation names, services, hours and addresses are
the city's data and stay as published. A phone number is a ``tel:`` link a phone can call.
"""

from __future__ import annotations

import re

import pandas as pd
from dash import dcc, html

from app import i18n, ids
from app.i18n import N_, _, ngettext
from data_access.filters import FIELD_BY_NAME, Filters
from data_access.vocabulary import CVI_PROGRAM_TYPES
from layouts.about import fill
from layouts.common import caption_of, csv_link, fmt_int, span_text
from layouts.map import area_layer, base_map, map_words, sites_layer

CONTEXT_NOTE = N_("Shootings near a site describe the place a program works in. They do not measure "
                  "whether the program works: programs are placed where violence is highest, and many "
                  "things change shooting counts.")
NOT_RECORDED = N_("Not recorded")
FACTS = {"operator": N_("Operator"), "services": N_("Services"), "hours": N_("Hours"), "phone": N_("Phone"),
         "address": N_("Address"), "area_served": N_("Area served"), "located": N_("Located in"),
         "since": N_("Since"), "link": N_("Link")}


def program_codes() -> tuple[str, ...]:
    """The program types ``program=`` in the URL accepts: the vocabulary's, as ingest."""
    return CVI_PROGRAM_TYPES.codes


def program_type_label(code: str) -> str:
    """A program type in the reader's language (the vocabulary's label, translated)."""
    return _(CVI_PROGRAM_TYPES.label(code))


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
            html.Div([html.Label(_("Program type"), htmlFor=ids.CVI_PROGRAM, className="form-label"),
                      dcc.Dropdown(id=ids.CVI_PROGRAM, multi=True, placeholder=_("All program types"),
                                   value=list(programs),
                                   options=[{"label": program_type_label(k), "value": k} for k, _v in CVI_PROGRAM_TYPES])],
                     className="filter"),
            html.Ul([html.Li([html.Span(className=f"cvi-dot cvi-dot-{k}"), program_type_label(k)])
                     for k, _v in CVI_PROGRAM_TYPES],
                    className="cvi-key", **{"aria-label": _("Map key: colour per program type")}),
        ], className="map-controls cvi-controls"),
        html.P(id=ids.CVI_CAPTION, className="caption"),
        html.P([_("Programs on the map") + ": ",
                csv_link("/cvi/sites", _("the programs and the shootings near each"), ("program",))],
               className="map-csv"),
        html.Div([
            html.Div(the_map, className="map-frame", **map_words()),  # the zoom buttons' names
            # a scrolling box beside the map: a Tab stop with a name, so the keyboard can scroll it
            html.Aside(html.Div(id=ids.CVI_LIST, className="cvi-list"), className="map-side cvi-side",
                       tabIndex="0", **{"aria-label": _("Programs on the map")}),
        ], className="map-row"),
    ])


def _fmt_started(value) -> str:
    if value is None or pd.isna(value):
        return _(NOT_RECORDED)
    return i18n.month_year(pd.Timestamp(value).date())


def _text(value, missing: str = NOT_RECORDED) -> str:
    return value if isinstance(value, str) and value.strip() else _(missing)


def _as_published(value):
    """A fact as the city's list gives it (its language marked), or "Not recorded"."""
    return html.Span(value, lang="en") if isinstance(value, str) and value.strip() else _(NOT_RECORDED)


def tel_href(phone) -> str | None:
    """``tel:`` for a phone number as written ("410-555-0100", "(410) 555-0100 ext. 2",
    "1 800 555 0100", "311"): +1 and ten digits for a US number, a short city number as is
    (311, 911), nothing for anything else. An extension is left out (a dialler cannot use it)."""
    if not isinstance(phone, str):
        return None
    main = re.split(r"(?i)\s*(?:ext\.?|extension|x)\s*\d", phone, maxsplit=1)[0]
    digits = re.sub(r"\D", "", main)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and digits[0] not in "01":
        return f"tel:+1{digits}"
    if len(digits) == 3 and digits.endswith("11"):
        return f"tel:{digits}"
    return None


def phone_link(phone):
    """The phone as written, a ``tel:`` link when it is a number a phone can dial."""
    text = _text(phone)
    href = tel_href(phone)
    return html.A(text, href=href) if href else text


def located_in(site) -> str:
    parts = []
    for name in ("neighborhood", "council_district", "police_district", "legislative_district"):
        value = getattr(site, name, None)
        if isinstance(value, str) and value.strip():
            parts.append(caption_of(FIELD_BY_NAME[name], 1).format(value))
    csa = getattr(site, "csa", None)
    if isinstance(csa, str) and csa.strip():
        parts.append(_("CSA {}").format(csa))
    return " · ".join(parts) or _(NOT_RECORDED)


def near_sentence(near: int, radius_m: int, f: Filters) -> list:
    """"12 victims of gun violence within 400 m, 2025", the count in bold."""
    template = ngettext("{n} victim of gun violence within {radius} m, {span}",
                        "{n} victims of gun violence within {radius} m, {span}", near)
    return fill(template, n=html.Strong(fmt_int(near)), radius=fmt_int(radius_m), span=span_text(f))


def site_card(site, near: int, radius_m: int, f: Filters) -> html.Li:
    """One program: a list item headed by its name (h2: the page's h1 is the only heading above)."""
    url = site.url.strip() if isinstance(site.url, str) else ""
    url = url if url.lower().startswith(("https://", "http://")) else None  # never a javascript: link
    link = (html.A([_("Website"), html.Span(" " + _("(opens in a new tab)"), className="visually-hidden")],
                   href=url, target="_blank", rel="noopener noreferrer") if url
            else html.Span(_("No website listed"), className="muted"))
    # the city's own words (names, services, hours, addresses) are shown as published, in English:
    # lang="en" tells a screen reader on a Spanish page to read them as English (WCAG 3.1.2)
    rows = [
        ("operator", _as_published(site.operator)),
        ("services", _as_published(site.services)),
        ("hours", _as_published(site.hours)),
        ("phone", phone_link(site.phone)),
        ("address", _as_published(site.address)),
        ("area_served", _as_published(site.area_served)),
        ("located", located_in(site)),
        ("since", _fmt_started(site.started)),
        ("link", link),
    ]
    return html.Li([
        html.H2([html.Span(className=f"cvi-dot cvi-dot-{site.program_type}"), html.Span(site.name, lang="en")],
                className="h6 cvi-name"),
        html.P(program_type_label(site.program_type), className="cvi-type"),
        html.Dl([el for k, v in rows for el in (html.Dt(_(FACTS[k])), html.Dd(v))], className="cvi-facts"),
        html.P([*near_sentence(near, radius_m, f), " ", html.Span(_("(context, not effect)"), className="muted cvi-caveat")],
               className="cvi-near"),
    ], className="cvi-site", id=f"cvi-site-{int(site.id)}")


def site_list(sites: pd.DataFrame, near: dict[int, int], radius_m: int, f: Filters) -> list:
    if sites.empty:
        return [html.P(_("No programs match these filters. Clear the program type or the geography "
                         "filters to see more."), className="muted")]
    n = len(sites)
    header = html.P(ngettext("{n} program", "{n} programs", n).format(n=fmt_int(n)), className="cvi-count")
    cards = [site_card(s, int(near.get(int(s.id), 0)), radius_m, f) for s in sites.itertuples(index=False)]
    return [header, html.Ul(cards, className="cvi-sites")]


def caption(f: Filters, radius_m: int, n_sites: int, n_total: int) -> list:
    if n_sites == n_total:
        lead = _("Showing all violence-intervention programs. For each, the number of victims of gun violence "
                 "(non-fatal shootings and homicides by firearm) within {radius} m, {span}.")
    else:
        lead = _("Showing {n} of {total} violence-intervention programs. For each, the number of victims of "
                 "gun violence (non-fatal shootings and homicides by firearm) within {radius} m, {span}.")
    text = lead.format(n=fmt_int(n_sites), total=fmt_int(n_total), radius=fmt_int(radius_m), span=span_text(f))
    return [text, " ", html.Strong(_("Context, not effect:")), " ", _(CONTEXT_NOTE)]
