"""About page: definitions and methodology, and what is loaded, read when the page is shown."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output

from app import i18n, ids
from app.context import services
from app.pages import LayoutInputs, Page
from data_access import status
from data_access.db import DataError
from layouts.about import about_page, status_block


def layout(inputs: LayoutInputs):
    return about_page()


def register(app, page: Page) -> None:
    @app.callback(Output(ids.ABOUT_STATUS, "children"), Input(ids.ABOUT_STATUS, "id"),
                  prevent_initial_call=False)
    def update_about(_):
        db = services().db
        try:
            return status_block(status.state(db), status.load_history(db))
        except DataError as exc:
            return dbc.Alert(i18n.error_text(exc), color="danger")
