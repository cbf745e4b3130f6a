"""About page callback: shows what is loaded when the page is opened."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output
from dash.exceptions import PreventUpdate

from app import ids
from app.context import services
from data_access import queries
from data_access.db import DataError
from layouts.about import status_block
from layouts.shell import PAGE_BY_PATH


def register(app) -> None:
    @app.callback(Output(ids.ABOUT_STATUS, "children"), Input(ids.URL, "pathname"), prevent_initial_call=False)
    def update_about(pathname):
        if PAGE_BY_PATH.get(pathname or "/") != "about":
            raise PreventUpdate
        db = services().db
        try:
            return status_block(queries.state(db), queries.load_history(db))
        except DataError as exc:
            return dbc.Alert(exc.user_message, color="danger")
