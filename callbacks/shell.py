"""Callbacks of the app shell itself (not of a page): which page is shown, the nav links, and
folding the filter bar (phones and wide screens alike).

``show_page`` builds the shown page's layout from the registry when the path changes, filled with
its outputs (``callbacks.common.fill``): one request per page switch, and only that page's
components (and so only its callbacks) exist in the browser. ``page_content`` is also what the
first view's layout holds (``app.factory.serve_layout``).
"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State

from app import i18n, ids
from app.context import load_choices, services
from app.i18n import _
from app.pages import NAV_PAGES, PAGE_PARAMS, LayoutInputs, page_for_path, shown_page
from app.urlstate import state_query
from callbacks.common import fill
from callbacks.filters import notice_alerts
from data_access.db import DataError
from layouts.shell import page_frame, unavailable_notice


def page_content(pathname: str | None, search: str | None = None, server=None) -> dict:
    """Core of ``show_page``: the page at ``pathname``, filled with its outputs for the filters of
    ``search`` when ``server`` is given (its registry of page updates), and the nav state."""
    page = shown_page(pathname)
    notice = [] if page_for_path(pathname) else notice_alerts(
        [_("There is no page at “{path}”; showing the {page}.").format(path=pathname, page=_(page.label))])
    svc = services()
    try:
        choices, _options, data = load_choices(svc.db)
        inputs = LayoutInputs(settings=svc.settings, db=svc.db if data["version"] else None, search=search or "")
        layout = page.layout(inputs)
        if server is not None:
            state = state_query(search, choices, PAGE_PARAMS)
            fill(server, page, layout, state, search or "", pathname or "/")
        content = page_frame(page.name, layout)
    except DataError as exc:
        content = page_frame(page.name, unavailable_notice(i18n.error_text(exc)))
    return {"content": content, "active": [p.name == page.name for p in NAV_PAGES], "notice": notice}


def register(app) -> None:
    @app.callback(
        output={"content": Output(ids.PAGE_CONTENT, "children"),
                "active": [Output(ids.nav_id(p.name), "active") for p in NAV_PAGES],
                "notice": Output(ids.PATH_NOTICE, "children")},
        inputs={"pathname": Input(ids.URL, "pathname")},
        state={"search": State(ids.URL, "search")},
        prevent_initial_call=True,  # the first view arrives with its page (app.factory.serve_layout)
    )
    def show_page(pathname, search):
        return page_content(pathname, search, app.server)

    # In the browser: the URL moved away from the view shown (back/forward, a page's link): the
    # server's cue (callbacks.filters.update_view). The server's own writes of the URL come with the
    # view that matches them, and cost no request; a new path is show_page's.
    app.clientside_callback(
        ClientsideFunction(namespace="psad", function_name="urlChange"),
        Output(ids.URL_CHANGE, "data"),
        Output(ids.VIEW, "data", allow_duplicate=True),
        Input(ids.URL, "search"),
        Input(ids.URL, "pathname"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )

    # In the browser, on load: the layout was rendered for the address its request's Referer named;
    # when that is not this page's address (no Referer, or a trimmed one), the real one takes over.
    app.clientside_callback(
        ClientsideFunction(namespace="psad", function_name="checkLocation"),
        Output(ids.URL, "pathname", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.VIEW, "data"),
        prevent_initial_call="initial_duplicate",
    )

    # In the browser: the nav links carry the current query string, so switching pages keeps the
    # filters; a round trip to the server per filter change for that would be waste.
    app.clientside_callback(
        ClientsideFunction(namespace="psad", function_name="navHrefs"),
        [Output(ids.nav_id(p.name), "href") for p in NAV_PAGES],
        Input(ids.URL, "search"),
        [State(ids.nav_id(p.name), "href") for p in NAV_PAGES],
        prevent_initial_call=False,
    )

    # In the browser: the Present control opens the deck of the page shown, with its filters.
    app.clientside_callback(
        ClientsideFunction(namespace="psad", function_name="presentHref"),
        Output(ids.PRESENT_LINK, "href"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
        prevent_initial_call=False,
    )

    # In the browser: a round trip to the server to fold a panel would make phones feel slow. The
    # button opens and closes it (folded by default on phones, open on wide screens, where a
    # projector may fold it too, kept for the tab); a filter chosen in it closes it on a phone (the
    # results are then in view, and the button says which filters are on). The first call applies
    # a wide screen's fold kept from an earlier page of this tab.
    app.clientside_callback(
        ClientsideFunction(namespace="psad", function_name="toggleFilters"),
        Output(ids.FILTER_PANEL, "className"),
        Output(ids.FILTER_TOGGLE, "aria-expanded"),
        Input(ids.FILTER_TOGGLE, "n_clicks"),
        Input(ids.FILTER_STATE, "data"),
        State(ids.FILTER_PANEL, "className"),
        prevent_initial_call=False,
    )

    # In the browser: the language switch reopens the same view (path, filters, page) in the other language.
    app.clientside_callback(
        ClientsideFunction(namespace="psad", function_name="langHref"),
        Output(ids.LANG_SWITCH, "href"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
        State(ids.LANG_SWITCH, "hrefLang"),
        prevent_initial_call=False,
    )
