"""The About page: definitions, methodology, sources, what is loaded, and the change log."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from app import ids
from data_access.offenses import GROUP_LABELS, OFFENSES

CHANGELOG = (
    ("0.1.0", "Summary page: headline counts with same-span comparisons, trend, offense breakdown, "
              "hour-by-weekday view and the Plan's gun-violence goal; global filters in the URL; "
              "JSON counts API; demo data."),
)

METHODOLOGY = f"""
### What is counted

Counts on the Summary page are **victims of Part 1 crime**: the Baltimore Police Department
publishes one row per victim, so an incident with three victims counts three times. Offenses are
normalized into the categories below when data is loaded.

### Offense groups

* **Violent crime**: {", ".join(o.label.lower() for o in OFFENSES if o.group == "violent")}.
* **Property crime**: {", ".join(o.label.lower() for o in OFFENSES if o.group == "property")}.
* **Other Part 1**: common assault. It is in "All Part 1 crime" and in no group, as in BPD's own
  reports.
* **Gun violence** (the Plan's goal): homicides committed with a firearm plus non-fatal shootings.

### Comparisons

Every headline number is compared with **the same span one year earlier**. "Year to date" through
14 November is compared with 1 January – 14 November of the year before, never with a whole year.
A span longer than a year is compared with the span of the same length just before it. The
percentage change is shown only when the earlier count is at least the comparison threshold; below
it the page says "too few to compare", because a percentage of a handful of events mostly measures
chance.

### Trend

Spans up to 18 months are shown by week, longer spans by month. Weeks are counted back from the
last day of the range, so the most recent week is always complete. Periods cut short by the range
are drawn hollow and left out of the rolling average.

### The Plan's goal

Baltimore's Comprehensive Violence Prevention Plan (2021–2026) aims to reduce gun violence by 15%
a year. The target path starts from the actual count in the baseline year and falls by the yearly
reduction: target = baseline × (1 − reduction)^(years since baseline). For the current, unfinished
year the target is prorated by the share of the baseline year's gun violence that had happened by
the same day of the year. Geography filters apply to the goal chart; date and offense filters do not.

### Places and times

Times are local (America/New_York). Police districts follow the map in force on the date of each
record: the pre-2023 map until 31 December 2022, the redrawn map from 1 January 2023; the two maps
use the same nine district names. Neighborhood, City Council district and State legislative
district are assigned from each record's location when data is loaded.

### Privacy

No names of victims or defendants are stored or shown. Locations are kept only at block level.
Rape and other sexual offenses are never shown as points on a map, only in area totals.
Demographic counts of 1–4 people are shown as "<5".

### Getting the numbers

Every chart's numbers are available as JSON from `/api/v1/counts` with the same parameters as the
page address, for example `/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month&police_district=Western`.
See the project README for every parameter.
"""


def offense_table() -> html.Table:
    return html.Table([
        html.Thead(html.Tr([html.Th("Category"), html.Th("Group"), html.Th("Code in links")])),
        html.Tbody([html.Tr([html.Td(o.label), html.Td(GROUP_LABELS[o.group]), html.Td(html.Code(o.code))])
                    for o in OFFENSES]),
    ], className="table table-sm about-table")


def load_table(history: pd.DataFrame) -> html.Div:
    if history.empty:
        return html.P("Nothing has been loaded yet.")
    rows = []
    for r in history.itertuples(index=False):
        finished = r.finished_at.strftime("%Y-%m-%d %H:%M UTC") if pd.notna(r.finished_at) else "—"
        rows.append(html.Tr([
            html.Td(r.dataset), html.Td(r.source), html.Td(finished), html.Td(r.status),
            html.Td(f"{int(r.rows_read):,}"), html.Td(f"{int(r.rows_loaded):,}"),
            html.Td(f"{int(r.rows_rejected):,}"),
            html.Td(r.data_as_of.isoformat() if pd.notna(r.data_as_of) else "—"),
        ]))
    return html.Table([
        html.Thead(html.Tr([html.Th(h) for h in ("Dataset", "Source", "Finished", "Status", "Read", "Loaded",
                                                 "Rejected", "Data as of")])),
        html.Tbody(rows),
    ], className="table table-sm about-table")


def status_block(state: dict, history: pd.DataFrame) -> html.Div:
    as_of = state.get("data_as_of")
    kind = "synthetic demo data" if state.get("is_demo") else "data loaded from public sources"
    return html.Div([
        html.P([f"Serving {kind}, data as of ", html.Strong(as_of.isoformat() if as_of else "—"),
                f" (data version {state.get('version', 0)})."]),
        html.H3("Load history", className="h6"),
        load_table(history),
    ])


def about_page() -> html.Div:
    return html.Div([
        html.Section([html.H2("What is loaded", className="h5"), html.Div(id=ids.ABOUT_STATUS)],
                     className="panel"),
        html.Section([dcc.Markdown(METHODOLOGY), html.H3("Offense categories", className="h6"),
                      offense_table()], className="panel about-text"),
        html.Section([html.H2("Change log", className="h5"),
                      html.Ul([html.Li([html.Strong(v + ": "), text]) for v, text in CHANGELOG])],
                     className="panel"),
    ])
