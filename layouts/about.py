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


# issue 3: how real data is loaded and normalized (the rules data_access.ingest applies).
INGEST_METHODOLOGY = """
### Where the numbers come from

Part 1 crime and arrests come from the Baltimore Police Department's exports on Open Baltimore
(CSV files in every published layout, or the ArcGIS FeatureServer layers, refreshed weekly);
boundaries from the City, BNIA and MD iMap; population from BNIA Vital Signs. State's Attorney
case outcomes and the CVI program list are loaded from CSV files in layouts this project
documents (see the README). Each load is recorded below with what was read, loaded, updated and
set aside.

### How records are normalized when they are loaded

* **Offense**: from BPD's description when it is one of the Part 1 descriptions, otherwise from
  the crime code (1x homicide, 2A/2B rape, 3AJ/3BJ carjacking, 3A/3B/3N/3P street robbery,
  3C-3H/3L/3M commercial robbery, 3J/3K residence robbery, 4A-4D aggravated assault, 4E/4F common
  assault, 5x burglary, 6D larceny from auto, other 6x larceny, 7x auto theft, 8x arson, 9S
  non-fatal shooting). Gun violence is a shooting, or a homicide whose weapon is a firearm (or
  code 1F).
* **Time**: dates and times without a time zone are Baltimore local time; timestamps in UTC (newer
  exports, the ArcGIS layers) are converted to America/New_York before the day and hour are taken.
* **Police district**: every spelling (NORTHEASTERN, NORTHEAST, Northeast, NE, NED, …) maps to one
  of the nine districts. A record keeps the district it was coded under, for the map in force on
  its date (pre-2023 map until 31 December 2022, the redrawn map from 1 January 2023); where the
  export has no district, it comes from the record's location, else its neighborhood.
* **Neighborhood, City Council district, legislative district, CSA**: by the record's point when
  that point lies inside the city outline; otherwise by the neighborhood name in the export
  (ignoring case and punctuation, matching names cut to 20 characters, and following renamings),
  with the other areas following from the neighborhood; otherwise "unknown". Records without a
  usable location still count in citywide totals.
* **Victims and duplicates**: one row is one victim, so identical rows in old exports are kept as
  separate victims. Identical arrest rows are one arrest. Re-loading a file changes nothing, and a
  newer export that overlaps an older one updates records instead of counting them twice (records
  are matched by CCNumber, RowID or arrest number, or — in old exports without them — by their
  content and their place among identical rows).
* **Rows set aside**: a row without a date, with an unreadable date, a date before 2000 or in the
  future, or an offense that cannot be recognized is kept aside with the reason, never dropped
  silently; the count of rows set aside is shown for each load.
* **All or nothing**: a load either completes or changes nothing the dashboard shows.
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
            html.Td(f"{int(getattr(r, 'rows_updated', 0) or 0):,}"),
            html.Td(f"{int(r.rows_rejected):,}"),
            html.Td(r.data_as_of.isoformat() if pd.notna(r.data_as_of) else "—"),
        ]))
    return html.Table([
        html.Thead(html.Tr([html.Th(h) for h in ("Dataset", "Source", "Finished", "Status", "Read", "Loaded",
                                                 "Updated", "Rejected", "Data as of")])),
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
        html.Section([dcc.Markdown(INGEST_METHODOLOGY)], className="panel about-text"),
        html.Section([html.H2("Change log", className="h5"),
                      html.Ul([html.Li([html.Strong(v + ": "), text]) for v, text in CHANGELOG])],
                     className="panel"),
    ])
