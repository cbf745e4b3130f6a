"""Neighborhood Stat page (issue 15): being built."""

from __future__ import annotations

from app.pages import LayoutInputs, Page
from layouts import neighborhood_stat as L


def layout(inputs: LayoutInputs):
    return L.neighborhood_stat_page()


def register(app, page: Page) -> None:
    return None
