"""The page registry: every page of the single-page app, once.

A ``Page`` names a page's label, path, URL parameters and the ``callbacks`` module that is its
adapter. That module exposes two functions:

* ``layout(inputs: LayoutInputs) -> component``: fetches what the page's layout needs (through
  ``data_access``) and calls its pure builder in ``layouts/``; called when the page is shown,
  never for a page nobody opened;
* ``register(app, page)``: the page's callbacks (most through ``callbacks.common.page_callback``).

The nav, the page switching, the validation layout and the factory all read ``PAGES``; the README's
URL table reads the page parameters from it. Adding a page is one layout module, one callbacks
module and one line here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from data_access.text import N_

if TYPE_CHECKING:
    from app.settings import Settings
    from data_access.db import Database


@dataclass(frozen=True)
class LayoutInputs:
    """What a page's ``layout`` may read. ``db`` is None when the layout is built without data
    (the validation layout, and a database with nothing loaded); ``search`` is the URL's query
    string, so the page's controls start as the link says."""

    settings: "Settings"
    db: "Database | None" = None
    search: str = ""


@dataclass(frozen=True)
class PageParam:
    """One of a page's own URL parameters (not a filter): written only when it differs from the
    default, kept when the filters change unless ``reset_on_filter_change``."""

    name: str
    values: str  # what it takes, for the README
    default: str = ""
    reset_on_filter_change: bool = False
    client_side: bool = False  # the page's own script keeps it in the URL as the reader moves: no server update


@dataclass(frozen=True)
class Page:
    name: str
    label: str  # in the nav (English, translated where shown)
    path: str
    adapter: str  # dotted name of the callbacks module: layout(inputs) and register(app, page)
    params: tuple[PageParam, ...] = ()  # the page's own URL parameters
    in_nav: bool = True  # a tab in the nav (the presentation deck is opened from its own control)
    # A function of the adapter module, ``(filters, pairs) -> pairs``: the page parameters the URL keeps
    # for new filters (``pairs``: those kept as given, every page's and the site's). A page whose own
    # parameter can fall out of the new filters (a CSA outside them) drops it here, in the filter
    # change's one URL write, instead of correcting the URL afterwards (a second history entry).
    params_for_filters: str | None = None
    # The page's HTML carries its first view, drawn on the server (app/first_view.py). Not the deck:
    # its own script takes over the slides it finds, and must find only Dash's.
    first_view: bool = True
    # A reverse proxy may keep the page's HTML and layout for a few seconds (PSAD_PROXY_CACHE_S,
    # app.serving.allow_proxy_cache). Not where the address holds what a reader typed: kept out of
    # the proxy's disk as it is kept out of its access log.
    proxy_cache: bool = True

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(self.adapter)

    def page_params_for(self, filters, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The page parameters a filter change to ``filters`` writes into the URL (``params_for_filters``;
        without it, ``pairs`` as they are)."""
        if not self.params_for_filters:
            return pairs
        return getattr(self.module, self.params_for_filters)(filters, pairs)

    def layout(self, inputs: LayoutInputs):
        return self.module.layout(inputs)

    def register(self, app) -> None:
        self.module.register(app, self)


ON_OFF = "`on` or `off`"
PAGES: tuple[Page, ...] = (
    Page("summary", N_("Summary"), "/", "callbacks.summary"),
    Page("map", N_("Map"), "/map", "callbacks.map", params=(
        PageParam("layer", "`neighborhood`, `police_district_2023`, `police_district_pre2023`, `council_district`, "
                           "`legislative_district`, `csa`: the areas shaded", "neighborhood"),
        PageParam("measure", "`count` or `rate` (victims per 1,000 residents)", "count"),
        PageParam("points", f"{ON_OFF}: incident points (or the density grid)", "on"),
        PageParam("cvi", f"{ON_OFF}: the CVI sites layer", "off"),
    )),
    Page("demographics", N_("Demographics"), "/demographics", "callbacks.demographics"),
    Page("arrests", N_("Arrests"), "/arrests", "callbacks.arrests"),
    Page("outcomes", N_("Case outcomes"), "/outcomes", "callbacks.outcomes"),
    Page("lookup", N_("Case lookup"), "/lookup", "callbacks.lookup", proxy_cache=False, params=(
        PageParam("case", "an exact case number (letters and digits; spaces and dashes are ignored); other "
                          "filters are then ignored"),
        PageParam("charge", "a charge description exactly as listed in the Charge picker, e.g. `HANDGUN ON PERSON`"),
        PageParam("page", "results page, `1` … `400` (25 cases a page, newest filing first); a filter change "
                          "goes back to 1", "1", reset_on_filter_change=True),
        PageParam("open", "the case number whose charges and timeline are shown"),
    )),
    Page("cvi", N_("CVI ecosystem"), "/cvi", "callbacks.cvi", params=(
        PageParam("program", "a program type code (listed below), repeatable; also filters the Map's CVI layer",
                  "all"),
    )),
    Page("neighborhood_stat", N_("Neighborhood Stat"), "/neighborhood-stat", "callbacks.neighborhood_stat",
         params_for_filters="params_for_filters", params=(
        PageParam("csa", "the Community Statistical Area profiled: a CSA code (as `/api/v1/map/areas?layer=csa` "
                         "lists them) or `city`; with geography filters, one of their CSAs (otherwise the first)"),
        PageParam("indicator", "the indicator the CSAs are ranked by (a code of `/api/v1/vital-signs/indicators`)",
                  "violent_crime_rate_per_1_000_residents"),
        PageParam("x", "the scatter's indicator across (an indicator code)",
                  "percentage_of_residential_properties_that_are_vacant_and_abandoned"),
        PageParam("y", "the scatter's indicator up (an indicator code)", "violent_crime_rate_per_1_000_residents"),
    )),
    Page("plan", N_("Plan KPIs"), "/plan", "callbacks.plan"),
    Page("calls", N_("911 calls"), "/calls", "callbacks.calls"),
    Page("guns_warrants", N_("Guns and warrants"), "/guns-warrants", "callbacks.guns_warrants"),
    Page("ipv", N_("Intimate-partner violence"), "/ipv", "callbacks.ipv"),
    Page("about", N_("About the data"), "/about", "callbacks.about"),
    Page("present", N_("Present"), "/present", "callbacks.present", in_nav=False, first_view=False, params=(
        PageParam("slide", "the slide shown, `1` … the number of slides; kept as the presenter moves", "1",
                  client_side=True),
        PageParam("compare", "`city`, or a second area as `field:code` (e.g. `council_district:7`, "
                             "`police_district:Southern`): every slide shows it beside the first"),
        PageParam("theme", "`light` or `dark` (high contrast, for a dim room)", "light"),
        PageParam("advance", "seconds per slide, `5` … `3600`, for a looping lobby screen; `0` is off", "0"),
        PageParam("from", "the page Escape returns to (a page name, e.g. `map`)", "summary"),
    )),
)
PAGE_BY_NAME = {p.name: p for p in PAGES}
PAGE_BY_PATH = {p.path: p for p in PAGES}
HOME = PAGES[0]
NAV_PAGES: tuple[Page, ...] = tuple(p for p in PAGES if p.in_nav)

# Parameters of every page (not filters): kept as the reader moves between pages and filters.
SITE_PARAMS: tuple[PageParam, ...] = (
    PageParam("lang", "`en` or `es`: the language of the pages, the deck and the messages (without it, "
                      "the browser's preferred language)", "en"),
)

# Every page's own URL parameters; a filter change keeps them, except those a page resets.
PAGE_PARAMS: tuple[str, ...] = tuple(q.name for q in SITE_PARAMS) + tuple(q.name for p in PAGES for q in p.params)
KEPT_ON_FILTER_CHANGE: tuple[str, ...] = tuple(q.name for q in SITE_PARAMS) + tuple(
    q.name for p in PAGES for q in p.params if not q.reset_on_filter_change)


def page_for_path(pathname: str | None) -> Page | None:
    """The page at ``pathname`` (None for an unknown path)."""
    if not isinstance(pathname, str):  # a hand-made callback request: a list, a number
        pathname = None
    return PAGE_BY_PATH.get(pathname or "/")


def shown_page(pathname: str | None) -> Page:
    """The page shown for ``pathname``: an unknown path shows the home page."""
    return page_for_path(pathname) or HOME


__all__ = ["Page", "PageParam", "SITE_PARAMS", "LayoutInputs", "PAGES", "NAV_PAGES", "PAGE_BY_NAME", "PAGE_BY_PATH", "PAGE_PARAMS",
           "KEPT_ON_FILTER_CHANGE", "page_for_path", "shown_page"]
