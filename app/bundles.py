"""Which JavaScript bundles the browser loads (issue 12: a first view under 1.5 MB on the wire).

* **Plotly**: dcc.Graph loads plotly.js on its own when a chart is first drawn, by default Dash's
  full ``plotly.min.js`` (4.8 MB, 1.44 MB gzipped). Our charts are only ``bar``, ``scatter`` and
  ``heatmap`` traces, so the page loads plotly.js' published cartesian partial bundle instead
  (``assets/vendor/plotly-cartesian-<version>.min.js``, 1.5 MB, 0.5 MB gzipped; MIT, its license
  beside it), the same plotly.js version as the Python ``plotly`` package. ``assets/psad_bundles.js``
  points dcc.Graph at it (``window._dashPlotlyJSURL``), and on a page whose first view holds a chart
  starts its download at once; a page without one (the Map, the lookup, About) never loads it.
  The vendored file is kept out of Dash's automatic ``<script>`` tags (``assets_ignore``).
* **dash_table**: Dash adds its DataTable bundle to every page; no page uses a DataTable, so the
  tag is dropped.
* **@babel/polyfill** (99 KB, 37 KB compressed, parsed and run before anything draws): core-js 2's
  polyfills of ES2015-2017, which every browser the app supports has natively, plus the
  ``regeneratorRuntime`` global that Dash's renderer, dcc and dash-bootstrap-components call. Its
  tag is replaced, in place, by that runtime alone (``assets/vendor/regenerator-runtime-0.13.11.js``,
  the version @babel/polyfill 7.12 bundles; 25 KB, 7 KB compressed; MIT).
* **dash-leaflet** (``dash_leaflet.js``: Leaflet, its CSS and react-leaflet, 300 KB, 90 KB
  compressed, 45-60 ms of main-thread CPU to evaluate): Dash puts it on every page; only a page
  whose first view holds a map (the Map, the CVI page) keeps its tag. Elsewhere it is named in
  ``<meta name="psad-leaflet">`` and ``assets/psad_bundles.js`` loads it the first time a map is
  drawn (the reader moving to the Map), through a stand-in for ``window.dash_leaflet``; then the
  map functions (``assets/psad_map.js``, on every page) run again so they patch the new Leaflet.
* **After the first paint**: the page's HTML carries its first view (``app.first_view``), so no
  script is needed to show it. The script tags are marked ``type="text/psad-later"`` (the browser
  neither fetches nor runs them) and ``assets/psad_loader.js`` adds them, in order, once the
  browser has painted, and starts Dash's renderer (``window.psadStartRenderer``,
  Dash's own inline start, wrapped) when the last has run. On a slow phone the 400 KB of scripts
  no longer share the connection with the HTML and the style sheets the first paint waits for.

To update plotly.js: ``npm pack plotly.js-cartesian-dist-min@<version>`` (the version
``plotly.offline.get_plotlyjs_version()`` names), copy its ``plotly-cartesian.min.js`` and
``LICENSE`` into ``assets/vendor/`` under the new version's name and change ``PLOTLY_BUNDLE``.
A chart with a trace type outside the bundle (a map, a pie is inside) draws nothing: the bundle's
trace types are in ``PLOTLY_TRACES`` and tests/test_bundles.py checks every figure against them.
"""

from __future__ import annotations

import logging
import re
from html import escape

from app import joined

log = logging.getLogger(__name__)

REGENERATOR = "vendor/regenerator-runtime-0.13.11.js"
PLOTLY_VERSION = "4.1.1"
PLOTLY_BUNDLE = f"vendor/plotly-cartesian-{PLOTLY_VERSION}.min.js"
# the trace types plotly.js-cartesian-dist-min holds (its README)
PLOTLY_TRACES = frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d",
                           "histogram2dcontour", "image", "pie", "scatter", "scatterternary", "violin"})
# Dash's DataTable bundle: on every page by default, used by none
_DASH_TABLE_TAG = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/dash_table/[^"]*"></script>\n?')
_POLYFILL_TAG = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@[^"]*"></script>')
LOADER = "psad_loader.js"
LATER = "text/psad-later"  # a script type no browser runs: psad_loader.js runs these
LEAFLET_NAMESPACE = "dash_leaflet"
# dash-leaflet's main bundle (its async chunks are loaded by the bundle itself, when needed)
_LEAFLET_TAG = re.compile(r'<script src="([^"]*/_dash-component-suites/dash_leaflet/dash_leaflet\.[^"]*)"></script>\n?')
# the map functions: they stay on every page (the map's clientside callbacks are there), and patch
# window.L as they run, so they are run again once dash-leaflet has arrived (psad_bundles.js)
_MAP_FUNCTIONS_TAG = re.compile(r'<script src="([^"]*/assets/psad_map\.js[^"]*)"></script>')


def install(app) -> None:
    """Load the partial Plotly bundle instead of the full one, early on pages that open with a
    chart; drop the unused DataTable bundle; the regenerator runtime instead of @babel/polyfill;
    dash-leaflet only on pages that open with a map (elsewhere when a map is first drawn)."""
    ignore = app.config.assets_ignore
    own = r"^(?:plotly-.*\.min|regenerator-runtime-.*|psad_loader)\.js$"  # loaded by the tags written below
    app.config.assets_ignore = f"(?:{ignore})|(?:{own})" if ignore else own
    charted: dict[str, bool] = {}  # page path -> its first view holds a chart (decided on first use)
    mapped: dict[str, bool] = {}  # page path -> its first view holds a map

    original = app.interpolate_index

    def interpolate_index(**kwargs):
        scripts = _DASH_TABLE_TAG.sub("", kwargs.get("scripts", ""))
        runtime = f'<script src="{escape(asset_url(app, REGENERATOR))}"></script>'
        kwargs["scripts"] = _POLYFILL_TAG.sub(lambda _m: runtime, scripts, count=1)
        load = "now" if _first_view_has_chart(charted) else "later"
        meta = f'<meta name="psad-plotly" content="{escape(plotly_url(app))}" data-load="{load}">'
        if not _first_view_uses(mapped, LEAFLET_NAMESPACE):
            kwargs["scripts"], later = defer_leaflet(kwargs["scripts"])
            if later:
                meta += "\n      " + later
        kwargs["metas"] = kwargs.get("metas", "") + "\n      " + meta
        own = joined.scripts(app)  # after defer_leaflet has named the map functions' own address
        if own is not None:
            kwargs["scripts"] = own.replace(kwargs["scripts"])
        kwargs["scripts"] = load_after_paint(app, kwargs["scripts"])
        return original(**kwargs)

    app.interpolate_index = interpolate_index
    # started by psad_loader.js once the scripts have run (its inline text is hashed for the CSP as it is)
    app.renderer = ("window.psadStartRenderer = function () { if (!window.renderer) { "
                    + app.renderer.replace("var renderer =", "window.renderer =", 1) + " } };")


def load_after_paint(app, scripts: str) -> str:
    """``scripts`` with every ``<script src>`` tag marked ``type="text/psad-later"`` (the browser
    neither fetches nor runs it) for ``assets/psad_loader.js`` (its own tag at the end) to load
    after the first paint; inline scripts (Dash's clientside functions) stay as they are."""
    later = joined.SCRIPT_TAG.sub(lambda m: f'<script type="{LATER}" src="{m.group(1)}"></script>\n', scripts)
    return f'{later}\n<script defer src="{escape(asset_url(app, LOADER))}"></script>'


def plotly_url(app) -> str:
    return asset_url(app, PLOTLY_BUNDLE)


def asset_url(app, name: str) -> str:
    """An asset's address with its file's modification time, as Dash writes them (cached for a
    year by app.serving, like every fingerprinted asset)."""
    from pathlib import Path

    path = Path(app.config.assets_folder) / name
    return f"{app.get_asset_url(name)}?m={path.stat().st_mtime:.0f}"


def defer_leaflet(scripts: str) -> tuple[str, str]:
    """``scripts`` without dash-leaflet's bundle, and the ``<meta>`` that names it (and the map
    functions, run again once Leaflet is there) for psad_bundles.js; "" when there is no tag."""
    found = _LEAFLET_TAG.search(scripts)
    if not found:
        return scripts, ""
    scripts = _LEAFLET_TAG.sub("", scripts, count=1)
    functions = _MAP_FUNCTIONS_TAG.search(scripts)
    then = f' data-then="{functions.group(1)}"' if functions else ""  # already escaped, as Dash wrote it
    return scripts, f'<meta name="psad-leaflet" content="{found.group(1)}"{then}>'


def _first_view_uses(seen: dict[str, bool], namespace: str) -> bool:
    """Whether the requested page's layout (built without data) holds a component of ``namespace``."""
    from flask import request

    from app.pages import shown_page

    page = shown_page(request.path)
    if page.path not in seen:
        seen[page.path] = page_uses(page, namespace)
    return seen[page.path]


def page_uses(page, namespace: str) -> bool:
    """Whether ``page``'s layout (built without data) holds a component of the library
    ``namespace`` (a page that cannot be built here: True, so its scripts load as Dash would)."""
    from app.context import services
    from app.pages import LayoutInputs

    try:
        layout = page.layout(LayoutInputs(settings=services().settings))
    except Exception:  # noqa: BLE001
        log.exception("could not build the %s layout to look for %s", page.name, namespace)
        return True
    return getattr(layout, "_namespace", None) == namespace or any(
        getattr(c, "_namespace", None) == namespace for c in layout._traverse())


def _first_view_has_chart(charted: dict[str, bool]) -> bool:
    """Whether the requested page's layout (built without data) holds a dcc.Graph."""
    from flask import request

    from app.pages import shown_page

    page = shown_page(request.path)
    if page.path not in charted:
        charted[page.path] = page_has_graph(page)
    return charted[page.path]


def page_has_graph(page) -> bool:
    from dash import dcc

    from app.context import services
    from app.pages import LayoutInputs

    try:
        layout = page.layout(LayoutInputs(settings=services().settings))
    except Exception:  # noqa: BLE001 - a page that cannot be built here: load on demand, as Dash would
        log.exception("could not build the %s layout to look for charts", page.name)
        return False
    return isinstance(layout, dcc.Graph) or any(isinstance(c, dcc.Graph) for c in layout._traverse())


__all__ = ["install", "plotly_url", "asset_url", "REGENERATOR", "page_has_graph", "page_uses", "defer_leaflet",
           "LEAFLET_NAMESPACE", "PLOTLY_BUNDLE", "PLOTLY_TRACES", "PLOTLY_VERSION"]
