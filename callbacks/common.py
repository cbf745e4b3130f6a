"""The one adapter every filtered page's update goes through: the filter state -> the page's named
outputs, or a plain message in their place when no data is loaded or the database fails.

One round trip per change (issue 12): ``page_callback`` records a page's update (outputs,
``compute``, the inputs and states it reads) in a registry on the app, and the update runs in
whichever request already happens:

* the first view (``app.factory.serve_layout``) and a page switch (``callbacks.shell.show_page``)
  build the page's layout and ``fill`` it: the outputs are set on the layout's components, so no
  callback fires when the page appears;
* a filter change, back/forward or a page's link (``callbacks.filters.update_view``) sends the new
  outputs of the page shown with the shell's (``refresh``, through ``dash.set_props``);
* only a change of the page's own controls (the Map's layer, say) is a callback of the page's, with
  the filter state as a state.

The values a page's update reads come from where the browser holds them: the URL's query string
and path, and otherwise the page's components as its layout builds them for that URL (so
``refresh`` builds the layout when an update reads a control). ``shell_write`` is how a page's
callback writes the shell (the URL, a filter) without firing when the page is inserted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from dash import Input, Output, State, no_update, set_props
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from app import i18n, ids
from app.context import Services, load_choices, services
from app.pages import PAGE_PARAMS, LayoutInputs, Page, shown_page
from app.response_cache import nonce
from app.urlstate import Choices, parse
from data_access.db import DataError
from data_access.filters import Filters

NO_DATA = i18n.N_("No data is loaded yet. Run `psad demo load` or load real data.")
FAILED = i18n.N_("Something went wrong on our side. It has been logged.")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageRequest:
    """What a page's ``compute`` gets: services, the parsed filters, and its other inputs by name."""

    svc: Services
    filters: Filters
    choices: Choices
    data: dict  # the data state (version, demo flag, data as of)
    options: dict = field(default_factory=dict)  # the filter bar's choices (area names, offense labels)
    values: dict[str, Any] = field(default_factory=dict)


def as_dict(value) -> dict:
    """A store's value as a dict: the browser only ever sends one (or None), a hand-made request
    may send anything, which then reads as empty instead of failing."""
    return value if isinstance(value, dict) else {}


def acted(*values) -> None:
    """Stop unless a person acted (a click, a submit, a chosen value).

    A button drawn anew (a table refilled) fires its pattern-matching callbacks with ``n_clicks``
    0 or None: that is no press. (A callback with an input in a page and an output in the shell
    would also fire when the page is inserted, ``prevent_initial_call`` or not: the Dash renderer
    skips only callbacks whose outputs are all inside the inserted part. ``shell_write`` keeps
    such outputs inside the page.)"""
    if not any(values):
        raise PreventUpdate


UPDATES = "psad_page_updates"  # server.extensions: page name -> [PageUpdate]


@dataclass(frozen=True)
class PageUpdate:
    """One ``page_callback``: what ``fill`` and ``refresh`` run for the page."""

    page: Page
    output: dict  # name -> Output
    compute: Callable[[PageRequest], dict]
    error: Callable[[str], dict]
    reads: dict  # name -> Input or State: the values ``compute`` finds in ``PageRequest.values``
    refresh_values: Callable[[PageRequest, Filters | None], dict] | None
    on_filters: bool  # run on a filter change (``refresh``), not only when the page appears


def _url_prop(dep) -> str | None:
    return dep.component_property if dep.component_id == ids.URL else None


def page_update(page: Page, filter_state: str | None, pathname: str | None, values: dict,
                compute: Callable[[PageRequest], dict], error: Callable[[str], dict]) -> dict:
    """``compute(request) -> outputs`` when ``page`` is the page shown, ``error(message)`` when
    there is no data or the database fails."""
    if filter_state is None or shown_page(pathname).name != page.name:
        raise PreventUpdate
    svc = services()
    try:
        choices, options, data = load_choices(svc.db)
        if not data["version"]:
            return error(i18n.gettext(NO_DATA))
        f, _ = parse(filter_state, choices, extra=PAGE_PARAMS)
        return compute(PageRequest(svc, f, choices, data, options, values))
    except DataError as exc:
        return error(i18n.error_text(exc))


def page_callback(app, page: Page, *, output: dict, compute: Callable[[PageRequest], dict],
                  error: Callable[[str], dict], inputs: dict | None = None, state: dict | None = None,
                  refresh: Callable[[PageRequest, Filters | None], dict] | None = None,
                  on_filters: bool = True) -> None:
    """Record ``page``'s update: named ``output``s from ``compute``, reading ``inputs`` and
    ``state`` by name. It runs when the page appears (``fill``) and, if ``on_filters``, on every
    change of the filters or of the page's URL parameters while it is shown (``refresh``);
    ``refresh(request, previous_filters)`` returns the values that then differ from what the
    page's layout starts with (what the browser already holds). Inputs on the page's own controls
    also make it a callback of its own, for a change of those controls alone."""
    reads = {**dict(inputs or {}), **dict(state or {})}
    app.server.extensions.setdefault(UPDATES, {}).setdefault(page.name, []).append(
        PageUpdate(page, dict(output), compute, error, reads, refresh, on_filters))
    own = {k: v for k, v in (inputs or {}).items() if _url_prop(v) is None}
    if not own:
        return
    states = {k: State(v.component_id, v.component_property) for k, v in reads.items() if k not in own}

    @app.callback(
        output=output,
        inputs=own,
        state={**states, "filter_state": State(ids.FILTER_STATE, "data"), "pathname": State(ids.URL, "pathname")},
        prevent_initial_call=True,  # the page arrives filled
    )
    def update(filter_state, pathname, **values):
        return page_update(page, filter_state, pathname, values, compute, error)

    update.__name__ = f"update_{page.name}"


def updates(app_or_server, page: Page) -> list[PageUpdate]:
    server = getattr(app_or_server, "server", app_or_server)
    return server.extensions.get(UPDATES, {}).get(page.name, [])


def find(tree, component_id) -> Component | None:
    """The component of ``tree`` with ``component_id``."""
    if isinstance(tree, Component):
        if getattr(tree, "id", None) == component_id:
            return tree
        children = getattr(tree, "children", None)
        found = find(children, component_id)
        if found is not None:
            return found
        return None
    if isinstance(tree, (list, tuple)):
        for child in tree:
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def set_value(tree, component_id, prop: str, value) -> None:
    """Set ``prop`` of the component ``component_id`` of ``tree`` (no_update: leave it)."""
    if value is no_update:
        return
    comp = find(tree, component_id)
    if comp is not None:
        setattr(comp, prop, value)


def _values(update: PageUpdate, tree, search: str, pathname: str) -> dict:
    out = {}
    for name, dep in update.reads.items():
        prop = _url_prop(dep)
        if prop == "search":
            out[name] = search
        elif prop == "pathname":
            out[name] = pathname
        else:
            comp = find(tree, dep.component_id)
            out[name] = getattr(comp, dep.component_property, None) if comp is not None else None
    return out


def _outputs(update: PageUpdate, filter_state: str, values: dict, refreshing: bool = False,
             previous: str | None = None) -> dict | None:
    """``update``'s outputs for the filters ``filter_state`` (None: the update declined);
    ``refreshing``: the page is shown already, and the filters were ``previous`` before."""
    svc = services()
    try:
        choices, options, data = load_choices(svc.db)
        if not data["version"]:
            return update.error(i18n.gettext(NO_DATA))
        f, _ = parse(filter_state, choices, extra=PAGE_PARAMS)
        request = PageRequest(svc, f, choices, data, options, values)
        if update.refresh_values is not None and refreshing:
            prev = parse(previous, choices, extra=PAGE_PARAMS)[0] if previous is not None else None
            request = PageRequest(svc, f, choices, data, options, {**values, **update.refresh_values(request, prev)})
        return update.compute(request)
    except PreventUpdate:
        return None
    except DataError as exc:
        return update.error(i18n.error_text(exc))
    except Exception:  # one page's bug must not take the whole view (the first view's layout) down
        log.exception("the %s page's update failed", update.page.name)
        return update.error(i18n.gettext(FAILED))


def _apply(update: PageUpdate, out: dict, write: Callable[[Any, str, Any], None]) -> None:
    for name, value in out.items():
        spec = update.output.get(name)
        if spec is not None and value is not no_update:
            write(spec.component_id, spec.component_property, value)


def fill(app_or_server, page: Page, tree, filter_state: str, search: str, pathname: str) -> None:
    """Set every output of ``page``'s updates on its layout ``tree`` (the page as it appears)."""
    for update in updates(app_or_server, page):
        out = _outputs(update, filter_state, _values(update, tree, search, pathname))
        if out:
            _apply(update, out, lambda cid, prop, value: set_value(tree, cid, prop, value))


def refresh(app_or_server, page: Page, filter_state: str, previous: str | None, search: str, pathname: str) -> int:
    """Send the new outputs of ``page`` (shown) with the current request's (``dash.set_props``),
    after the filters or the page's URL parameters changed. Returns how many updates ran."""
    todo = [u for u in updates(app_or_server, page) if u.on_filters]
    if not todo:
        return 0
    tree = None
    if any(_url_prop(d) is None for u in todo for d in u.reads.values()):
        svc = services()
        *_rest, data = load_choices(svc.db)
        tree = page.layout(LayoutInputs(settings=svc.settings, db=svc.db if data["version"] else None,
                                        search=search or ""))
    for update in todo:
        out = _outputs(update, filter_state, _values(update, tree, search, pathname), True, previous)
        if out:
            _apply(update, out, lambda cid, prop, value: set_props(cid, {prop: value}))
    return len(todo)


# --- a page's callback writing the shell ---------------------------------------------------------

NO_CHANGE = "__psad_no_change__"  # in a relay's values: leave that output as it is
RELAY_TARGETS: tuple[tuple[str, str], ...] = (
    (ids.URL, "search"), (ids.VIEW, "data"),
    *((ids.FILTER_CONTROLS[f], "value") for f in sorted(ids.FILTER_CONTROLS)),
)
RELAYS = "psad_relays"


def shell_write(app, page: Page) -> Output:
    """The output a callback of ``page`` writes instead of the shell's: its value is
    ``relay(...)``, which a clientside callback copies to the URL and the filter controls. (An
    output in the shell would make the callback fire, with nothing pressed, whenever the page is
    inserted: a request answering 204.)"""
    done = app.server.extensions.setdefault(RELAYS, set())
    if page.name not in done:
        done.add(page.name)
        app.clientside_callback(
            "function (d, view) { return window.dash_clientside.psad.relay(d, view, %d); }" % len(RELAY_TARGETS),
            [Output(cid, prop, allow_duplicate=True) for cid, prop in RELAY_TARGETS],
            Input(ids.relay_id(page.name), "data"),
            State(ids.VIEW, "data"),
            prevent_initial_call=True,
        )
    return Output(ids.relay_id(page.name), "data", allow_duplicate=True)


def relay(*, search: str | None = None, keep_view: bool = False, controls: dict | None = None) -> dict:
    """What a ``shell_write`` output carries: a new query string for the URL (``keep_view``: the
    page has already updated itself for it, so it is no cue for the server) and filter controls'
    new values by field name."""
    values = [NO_CHANGE] * len(RELAY_TARGETS)
    if search is not None:
        values[0] = search
    for name, value in (controls or {}).items():
        values[RELAY_TARGETS.index((ids.FILTER_CONTROLS[name], "value"))] = value
    return {"values": values, "keep_view": keep_view, "no_change": NO_CHANGE, "n": nonce()}


