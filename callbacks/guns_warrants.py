"""Guns and warrants page (issue 15): being built."""

from __future__ import annotations

from app.pages import LayoutInputs, Page
from layouts import guns_warrants as L


def layout(inputs: LayoutInputs):
    return L.guns_warrants_page()


def register(app, page: Page) -> None:
    return None
