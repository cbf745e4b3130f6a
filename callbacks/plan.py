"""Plan KPIs page (issue 15): being built."""

from __future__ import annotations

from app.pages import LayoutInputs, Page
from layouts import plan as L


def layout(inputs: LayoutInputs):
    return L.plan_page()


def register(app, page: Page) -> None:
    return None
