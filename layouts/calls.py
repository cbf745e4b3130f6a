"""911 calls page (issue 15): being built; replaced by the page's own builders."""

from __future__ import annotations

from dash import html

from app.i18n import _

# What the About page adds for this page's datasets (layouts.about reads these):
ABOUT_METHODOLOGY: tuple[tuple[str, str], ...] = ()  # ((title, markdown text), ...), both marked with N_
LOAD_DATASETS: dict[str, str] = {}  # load_log.dataset -> label (marked with N_)


def calls_page() -> html.Div:
    return html.Div([html.P(_("This page is being built."), className="caption")])
