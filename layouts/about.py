"""The About page: definitions, methodology, sources, what is loaded, the version and the change log.

The change log is ``CHANGELOG.md`` at the project root, read (through ``app.reference``) when the
page is built, never at import; ``changelog_section`` itself is a pure function of the releases.
"""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from app import ids
from app.reference import Release, changelog, version
from data_access.vocabulary import GROUP_LABELS, OFFENSES

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

### The map

Areas are shaded by the number of victims in the chosen span, or by the **rate per 1,000
residents** (victims in the span ÷ 2020 population × 1,000; the rate is for the whole span, not per
year). An area with fewer residents than a threshold (500 by default) is greyed with a dashed
outline instead of shaded, because a handful of incidents there would look like an extreme rate.
Colour classes are quantiles of the areas' values, rounded to plain numbers; areas with none get
their own class. Each area's tooltip compares the span with the same span a year earlier. Victims
are placed in areas when data is loaded (police districts under both the pre-2023 and the 2023 map).

Clicking an area makes it the filter for every page. A Community Statistical Area has no filter of
its own: clicking one chooses its neighborhoods.

**Points are geomasked**: each incident is drawn at its block (the coordinates BPD publishes
for the block), never at an address, and rape and other sexual offenses are never drawn as points
or counted in the density grid; they appear only in area totals. When the filters select more
incidents than the map can draw, it shows a **density grid** instead: the number of incidents in
each square of about 400 m, drawn at the square's centre.

### CVI ecosystem

Each program's listing comes from the city's published list of violence-intervention programs
(the demo shows invented ones). The number beside each site counts victims of gun violence
(non-fatal shootings and homicides by firearm) within a stated radius (400 m by default) of the
site's address, over the chosen dates, whatever the geography filters. It describes the place a
program works in. It is **not** a measure of the program's effect: programs are placed where
violence is highest, and many things change shooting counts.

### Getting the numbers

Every chart's numbers are available as JSON from `/api/v1/counts` with the same parameters as the
page address, for example `/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month&police_district=Western`.
See the project README for every parameter.
"""


# How real data is loaded and normalized (the rules data_access.ingest applies).
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
  usable location still count in citywide totals. Areas are assigned when a record is loaded: after
  new boundaries are loaded, records keep their areas until their files are loaded again (which
  updates only what changed).
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


# Demographics, Arrests, Case outcomes and Case lookup.
ACCOUNTABILITY_METHODOLOGY = """
### Demographics and small numbers

The Demographics page counts **victims of Part 1 crime** (the offense filter applies) and
**arrests** (each arrest once, so a person arrested twice counts twice) by age band, sex, race and
ethnicity, for the **whole calendar years** the chosen dates fall in. Residents' shares beside them
come from population figures by group for the neighborhoods inside every chosen area (synthetic
while demo data is loaded); they are shown only where such figures exist.

To protect people in small groups:

1. A group of 1–4 people is shown as **“<5”**.
2. A group is **withheld** when comparing this view with a view one step away — one more or one
   fewer police district, neighborhood, Council district, legislative district or offense, or one
   calendar year more or less — would reveal 1–4 people. The rule is symmetric, so both views
   withhold it.
3. Because every table's total is public, further groups are withheld, smallest first, until no
   withheld number can be worked out from the total and the rule itself; if that cannot be done
   the whole breakdown is withheld.

Withheld groups get no bar and no share, and a note under each chart names them. The API and
CSV downloads apply exactly the same rule. Comparing views several steps apart can still narrow
a number down; showing whole years keeps such differences large.

### Arrests

Arrests are counted by arrest date and the place recorded for the arrest; the offense filter does
not apply. Charges are normalized into categories (violent, weapons, drugs, property, warrants,
traffic, public order, other) when data is loaded; the raw charge text is kept and shown in the
most-common-charges table. Arrests per 1,000 residents divide by the residents of the
neighborhoods inside every chosen area (police districts by the 2023 map).

### Clearance of homicides and shootings

An arrest counts for a homicide or shooting when its recorded incident offense is a homicide or
shooting. It is linked to an incident by the incident's CC number. For each calendar year:
**same-year arrests** were made that year for incidents that happened that year; **arrests for
earlier years** were made that year for incidents of any earlier year; **not linked** arrests have
no CC number matching a recorded incident. **Incidents cleared the same year** is the share of
that year's incidents (distinct CC numbers) with at least one linked arrest in the same year. This
counts arrests, not people or convictions, and differs from the FBI clearance rate, which also
counts exceptional clearances and credits earlier-year incidents to the year of the arrest.

### Case outcomes and Case lookup

State's Attorney cases are counted by filing date and the case's place. The disposition mix
counts charges (guilty, guilty of a lesser charge, nolle prosequi, stet, dismissed, acquitted,
pending); gun charges (firearm possession and use) are shown apart. A case is pending while any of
its charges is. Time to disposition runs from the date of the arrest linked by arrest number to
the last charge's disposition date, for decided cases. Case lookup shows public court-record facts
only — case number, dates, court, area, charges and dispositions — and never a name.
"""


def changelog_section(releases: list[Release], current: str) -> html.Section:
    """The version being served and the change log, newest release first."""
    body: list = [html.H2("Change log", className="h5"),
                  html.P(["This is version ", html.Strong(current, className="about-version"), "."])]
    for r in releases:
        body.append(html.H3(f"{r.version} — {r.date}" if r.date else r.version, className="h6"))
        # CHANGELOG.md is Markdown: its code spans and emphasis render as such
        body.append(dcc.Markdown("\n".join(f"* {item}" for item in r.items), className="changelog-items"))
    if not releases:
        body.append(html.P("The change log is in CHANGELOG.md in the project's repository."))
    return html.Section(body, className="panel")


def about_page() -> html.Div:
    return html.Div([
        html.Section([html.H2("What is loaded", className="h5"), html.Div(id=ids.ABOUT_STATUS)],
                     className="panel"),
        html.Section([dcc.Markdown(METHODOLOGY), html.H3("Offense categories", className="h6"),
                      offense_table(), dcc.Markdown(ACCOUNTABILITY_METHODOLOGY)], className="panel about-text"),
        html.Section([dcc.Markdown(INGEST_METHODOLOGY)], className="panel about-text"),
        changelog_section(changelog(), version()),
    ])
