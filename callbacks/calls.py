"""911 calls page (issue 15): being built."""

from __future__ import annotations

from app.pages import LayoutInputs, Page
from layouts import calls as L


def layout(inputs: LayoutInputs):
    return L.calls_page()


def register(app, page: Page) -> None:
    return None
