"""Callbacks of the app shell itself (not of a page): folding the filter bar on phones."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State

from app import ids


def register(app) -> None:
    # In the browser: a round trip to the server to fold a panel would make phones feel slow.
    app.clientside_callback(
        ClientsideFunction(namespace="psad", function_name="toggleFilters"),
        Output(ids.FILTER_PANEL, "className"),
        Output(ids.FILTER_TOGGLE, "aria-expanded"),
        Input(ids.FILTER_TOGGLE, "n_clicks"),
        State(ids.FILTER_PANEL, "className"),
        prevent_initial_call=True,
    )
