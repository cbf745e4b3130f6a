"""About page: definitions and methodology, and what is loaded, read when the page is shown."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output

from app import ids
from app.pages import LayoutInputs, Page
from callbacks.common import PageRequest, page_callback
from data_access import status
from layouts.about import about_page, status_block


def layout(inputs: LayoutInputs):
    return about_page()


def register(app, page: Page) -> None:
    # filled in when the page appears (callbacks.common.fill): no request of its own
    page_callback(app, page, output={"status": Output(ids.ABOUT_STATUS, "children")}, compute=status_outputs,
                  error=lambda message: {"status": dbc.Alert(message, color="danger")}, on_filters=False)


def status_outputs(r: PageRequest) -> dict:
    return {"status": status_block(r.data, status.load_history(r.svc.db))}
