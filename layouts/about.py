"""The About page: what is loaded, a glossary, the methodology, where the numbers come from, the
accessibility statement, the version and the change log.

Every text is English in the code, marked with ``N_`` where it is defined and translated by
``_()`` when the page is built (``app/locale/es/LC_MESSAGES/about.po``); numbers and dates go
through the reader's language. The change log is ``CHANGELOG.md`` at the project root, read
(through ``app.reference``) when the page is built, never at import; it is published in English
only, and a Spanish page says so. ``changelog_section`` itself is a pure function of the releases.
"""

from __future__ import annotations

import importlib
import re

import pandas as pd
from dash import dcc, html

from app import i18n, ids
from app.i18n import N_, _
from app.reference import Release, changelog, version
from data_access.vocabulary import GROUP_LABELS, OFFENSES
from layouts.common import fmt_int, join_words, scroll_region

# Ids of the page's own parts (a link can point at them: /about#accessibility).
ABOUT_GLOSSARY = "about-glossary"
ABOUT_ACCESSIBILITY = "accessibility"
ABOUT_LOADS_TITLE = "about-loads-title"
ABOUT_OFFENSES_TITLE = "about-offenses-title"
ABOUT_CHANCE = "chance"  # the Summary's cards link here (layouts.summary.ABOUT_CHANCE)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, **parts) -> list:
    """A translated sentence with components in its ``{placeholders}`` ("Serving …, data as of
    {date}." with the date in bold): the translator moves the placeholder, the code keeps the
    component. Text between placeholders is kept as strings."""
    text = _PLACEHOLDER.sub(lambda m: parts[m.group(1)] if isinstance(parts.get(m.group(1)), str) else m.group(0),
                            template)  # plain words go into the sentence itself
    out: list = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        if m.group(1) not in parts or isinstance(parts[m.group(1)], str):
            continue
        if m.start() > pos:
            out.append(text[pos:m.start()])
        out.append(parts[m.group(1)])
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


_BLOCK = re.compile(r"^(\s*(?:[*-]|\d+\.)\s+)?(.*)$")


def markdown(text: str) -> dcc.Markdown:
    """One translated Markdown text (class ``md``: its paragraphs are one message of the catalog).
    In the pseudo-language the brackets around the message go around each paragraph and list item
    instead, so that every block on the page shows it was translated (and "⟦* item" stays a list)."""
    if i18n.get_lang() == i18n.PSEUDO and text.startswith("⟦") and text.endswith("⟧"):
        lines = []
        for line in text[1:-1].split("\n"):
            marker, rest = _BLOCK.match(line).groups()
            lines.append(f"{marker or ''}⟦{rest}⟧" if rest.strip() else line)
        text = "\n".join(lines)
    return dcc.Markdown(text, className="md")


# --- glossary ------------------------------------------------------------------------------------

GLOSSARY = (
    (N_("Part 1 crime"),
     N_("The serious crimes police departments have long reported to the FBI: homicide, rape, robbery, "
        "aggravated assault, burglary, larceny (theft), auto theft and arson. The Baltimore Police Department "
        "publishes one row for each victim of these crimes, and this dashboard counts victims. Non-fatal "
        "shootings and common assault, which BPD publishes with them, are counted too.")),
    (N_("Gun violence"),
     N_("Homicides committed with a firearm plus non-fatal shootings: the measure of the Comprehensive "
        "Violence Prevention Plan's goal.")),
    (N_("CVI (community violence intervention)"),
     N_("Programs that work directly with the people and places most at risk of gun violence, to stop "
        "shootings before they happen and to prevent retaliation after one: street outreach such as Safe "
        "Streets, hospital- and school-based violence intervention, mediation, victim services and help "
        "after prison (re-entry).")),
    (N_("Nolle prosequi (\"nol pros\")"),
     N_("The prosecutor drops a charge. It is not a verdict: the person is neither convicted nor acquitted "
        "of that charge.")),
    (N_("Stet"),
     N_("A case is set aside on an inactive list: it is suspended, not decided. In Maryland either side can "
        "ask to reopen it within one year, and later only for good cause.")),
    (N_("PBJ (probation before judgment)"),
     N_("In Maryland, a judge can find a person guilty, or accept a guilty plea, and then put the person on "
        "probation without entering a conviction. If the probation is completed, there is no conviction on "
        "the record.")),
    (N_("Clearance"),
     N_("A crime is \"cleared\" when someone is arrested and charged for it. The FBI also counts crimes "
        "cleared \"by exceptional means\" (for example when the suspect has died). This dashboard counts only "
        "arrests linked to the incident, in the same calendar year: see \"Clearance of homicides and "
        "shootings\" below.")),
    (N_("CSA (Community Statistical Area)"),
     N_("One of the 55 groups of neighborhoods that the Baltimore Neighborhood Indicators Alliance (BNIA) "
        "uses for its Vital Signs statistics. Their borders follow census tracts, so population figures "
        "fit them.")),
)


def glossary_section() -> html.Section:
    return html.Section([
        html.H2(_("Words used on this dashboard"), className="h5"),
        html.Dl([el for term, meaning in GLOSSARY for el in (html.Dt(_(term)), html.Dd(_(meaning)))],
                className="about-glossary"),
    ], className="panel about-text", id=ABOUT_GLOSSARY)


# --- methodology ---------------------------------------------------------------------------------
# (heading, Markdown body) pairs; a body with {placeholders} is filled after it is translated.

COUNTED = (N_("What is counted"), N_(
    "Counts on the Summary page are **victims of Part 1 crime**: the Baltimore Police Department "
    "publishes one row per victim, so an incident with three victims counts three times. Offenses are "
    "normalized into the categories below when data is loaded."))

OFFENSE_GROUPS = (N_("Offense groups"), N_(
    "* **Violent crime**: {violent}.\n"
    "* **Property crime**: {property}.\n"
    "* **Other Part 1**: common assault. It is in \"All Part 1 crime\" and in no group, as in BPD's own "
    "reports.\n"
    "* **Gun violence** (the Plan's goal): homicides committed with a firearm plus non-fatal shootings."))

CHANCE_TITLE = N_("Changes against chance")
METHODOLOGY = (
    (N_("Comparisons"), N_(
        "Every headline number is compared with **the same span one year earlier**. \"Year to date\" through "
        "14 November is compared with 1 January – 14 November of the year before, never with a whole year. "
        "A span longer than a year is compared with the span of the same length just before it. The "
        "percentage change is shown only when the earlier count is at least the comparison threshold, because "
        "a percentage of a handful of events mostly measures chance; whether a change is more than chance is "
        "judged as the next section says.")),
    (CHANCE_TITLE, N_(
        "Counts of crime go up and down from one year to the next by chance alone, even when nothing has "
        "changed. So beside each headline change the Summary page and the slides say whether it is **within "
        "normal variation**, **unusual**, or **too few to tell**.\n\n"
        "* **The test**: the two counts (this span and the same span a year earlier) are compared with the "
        "exact test for two Poisson counts. If both spans had the same underlying rate, the way their total "
        "splits between them would follow a binomial distribution, weighted by the spans' lengths; the test "
        "gives the chance of a split at least as uneven as the one seen (the p-value) and a 95% interval for "
        "the ratio of the two rates.\n"
        "* **Unusual**: a change so large that chance alone would make one like it less than 5% of the time "
        "(a p-value under 0.05).\n"
        "* **Too few to tell**: the 95% interval of the ratio holds both a halving and a doubling (0.5 and "
        "2), so the counts cannot tell a real change from chance. 4 victims against 5 is too few to tell; 40 "
        "against 50 is within normal variation; 400 against 500 is unusual, though each is a rise of 25%.\n"
        "* **Within normal variation**: any other change.\n\n"
        "Only an unusual change is colored green (fewer) or red (more); the others are plain text. The Plan's "
        "goal chart uses the same test: a year's bar is colored above or below the target path only when its "
        "count differs from the target (taken as a count) by more than normal variation, and is grey "
        "otherwise.\n\n"
        "**A caveat**: counts of victims are not quite Poisson. One shooting can hurt several people and "
        "crimes cluster, so real counts vary somewhat more than the test assumes. \"Unusual\" is a prompt to "
        "look closer, not proof that something changed, and \"within normal variation\" does not prove that "
        "nothing did.")),
    (N_("Trend"), N_(
        "Spans up to 18 months are shown by week, longer spans by month. Weeks are counted back from the "
        "last day of the range, so the most recent week is always complete. Periods cut short by the range "
        "are drawn hollow and left out of the rolling average.")),
    (N_("The Plan's goal"), N_(
        "Baltimore's Comprehensive Violence Prevention Plan (2021–2026) aims to reduce gun violence by 15% "
        "a year. The target path starts from the actual count in the baseline year and falls by the yearly "
        "reduction: target = baseline × (1 − reduction)^(years since baseline). For the current, unfinished "
        "year the target is prorated by the share of the baseline year's gun violence that had happened by "
        "the same day of the year. Geography filters apply to the goal chart; date and offense filters do not.")),
    (N_("Places and times"), N_(
        "Times are local (America/New_York). Police districts follow the map in force on the date of each "
        "record: the pre-2023 map until 31 December 2022, the redrawn map from 1 January 2023; the two maps "
        "use the same nine district names. Neighborhood, City Council district and State legislative "
        "district are assigned from each record's location when data is loaded.")),
    (N_("Privacy"), N_(
        "No names of victims or defendants are stored or shown. Locations are kept only at block level. "
        "Rape and other sexual offenses are never shown as points on a map, only in area totals. "
        "Demographic counts of 1–4 people are shown as \"<5\".")),
    (N_("The map"), N_(
        "Areas are shaded by the number of victims in the chosen span, or by the **rate per 1,000 "
        "residents** (victims in the span ÷ 2020 population × 1,000; the rate is for the whole span, not per "
        "year). An area with fewer residents than a threshold (500 by default) is greyed with a dashed "
        "outline instead of shaded, because a handful of incidents there would look like an extreme rate. "
        "Colour classes are quantiles of the areas' values, rounded to plain numbers; areas with none get "
        "their own class. Each area's tooltip compares the span with the same span a year earlier. Victims "
        "are placed in areas when data is loaded (police districts under both the pre-2023 and the 2023 map).\n\n"
        "Clicking or tapping an area shows its numbers; its \"Filter by this area\" button makes it the filter "
        "for every page. The table under the map lists every area with the same numbers and the same button. "
        "A Community Statistical Area has no filter of its own: filtering by one chooses its neighborhoods.\n\n"
        "**Points are geomasked**: each incident is drawn at its block (the coordinates BPD publishes "
        "for the block), never at an address, and rape and other sexual offenses are never drawn as points "
        "or counted in the density grid; they appear only in area totals. When the filters select more "
        "incidents than the map can draw, it shows a **density grid** instead: the number of incidents in "
        "each square of about 400 m, drawn at the square's centre.")),
    (N_("CVI ecosystem"), N_(
        "Each program's listing comes from the city's published list of violence-intervention programs "
        "(the demo shows invented ones). The number beside each site counts victims of gun violence "
        "(non-fatal shootings and homicides by firearm) within a stated radius (400 m by default) of the "
        "site's address, over the chosen dates, whatever the geography filters. It describes the place a "
        "program works in. It is **not** a measure of the program's effect: programs are placed where "
        "violence is highest, and many things change shooting counts.")),
    (N_("Getting the numbers"), N_(
        "Every chart's numbers are available as JSON from `/api/v1/counts` with the same parameters as the "
        "page address, for example "
        "`/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month&police_district=Western`. "
        "See the project README for every parameter. On the Summary page, the headline numbers and each "
        "chart have a \"Download CSV\" link: the same numbers, with the page's filters.")),
)

# Demographics, Arrests, Case outcomes and Case lookup.
ACCOUNTABILITY_METHODOLOGY = (
    (N_("Demographics and small numbers"), N_(
        "The Demographics page counts **victims of Part 1 crime** (the offense filter applies) and "
        "**arrests** (each arrest once, so a person arrested twice counts twice) by age band, sex, race and "
        "ethnicity, for the **whole calendar years** the chosen dates fall in. Residents' shares beside them "
        "come from population figures by group for the neighborhoods inside every chosen area (synthetic "
        "while demo data is loaded); they are shown only where such figures exist.\n\n"
        "To protect people in small groups:\n\n"
        "1. A group of 1–4 people is shown as **“<5”**.\n"
        "2. A group is **withheld** when comparing this view with a view one step away — one more or one "
        "fewer police district, neighborhood, Council district, legislative district or offense, or one "
        "calendar year more or less — would reveal 1–4 people. The rule is symmetric, so both views "
        "withhold it.\n"
        "3. Because every table's total is public, further groups are withheld, smallest first, until no "
        "withheld number can be worked out from the total and the rule itself; if that cannot be done "
        "the whole breakdown is withheld.\n\n"
        "Withheld groups get no bar and no share, and a note under each chart names them. The API and "
        "CSV downloads apply exactly the same rule. Comparing views several steps apart can still narrow "
        "a number down; showing whole years keeps such differences large.")),
    (N_("Arrests"), N_(
        "Arrests are counted by arrest date and the place recorded for the arrest; the offense filter does "
        "not apply. Charges are normalized into categories (violent, weapons, drugs, property, warrants, "
        "traffic, public order, other) when data is loaded; the raw charge text is kept and shown in the "
        "most-common-charges table. Arrests per 1,000 residents divide by the residents of the "
        "neighborhoods inside every chosen area (police districts by the 2023 map).")),
    (N_("Clearance of homicides and shootings"), N_(
        "An arrest counts for a homicide or shooting when its recorded incident offense is a homicide or "
        "shooting. It is linked to an incident by the incident's CC number. For each calendar year: "
        "**same-year arrests** were made that year for incidents that happened that year; **arrests for "
        "earlier years** were made that year for incidents of any earlier year; **not linked** arrests have "
        "no CC number matching a recorded incident. **Incidents cleared the same year** is the share of "
        "that year's incidents (distinct CC numbers) with at least one linked arrest in the same year. This "
        "counts arrests, not people or convictions, and differs from the FBI clearance rate, which also "
        "counts exceptional clearances and credits earlier-year incidents to the year of the arrest.")),
    (N_("Case outcomes and Case lookup"), N_(
        "State's Attorney cases are counted by filing date and the case's place. The disposition mix "
        "counts charges (guilty, guilty of a lesser charge, nolle prosequi, stet, dismissed, acquitted, "
        "pending); gun charges (firearm possession and use) are shown apart. A case is pending while any of "
        "its charges is. Time to disposition runs from the date of the arrest linked by arrest number to "
        "the last charge's disposition date, for decided cases. Case lookup shows public court-record facts "
        "only — case number, dates, court, area, charges and dispositions — and never a name.")),
)


# How real data is loaded and normalized (the rules data_access.ingest applies).
SOURCES_TITLE = N_("Where the numbers come from")
SOURCES = N_(
    "Part 1 crime and arrests come from the Baltimore Police Department's exports on Open Baltimore "
    "(CSV files in every published layout, or the ArcGIS FeatureServer layers, refreshed weekly); "
    "boundaries from the City, BNIA and MD iMap; population from BNIA Vital Signs. State's Attorney "
    "case outcomes and the CVI program list are loaded from CSV files in layouts this project "
    "documents (see the README). Each load is recorded above, under \"What is loaded\", with what was "
    "read, loaded, updated and set aside.")
INGEST_METHODOLOGY = (N_("How records are normalized when they are loaded"), N_(
    "* **Offense**: from BPD's description when it is one of the Part 1 descriptions, otherwise from "
    "the crime code (1x homicide, 2A/2B rape, 3AJ/3BJ carjacking, 3A/3B/3N/3P street robbery, "
    "3C-3H/3L/3M commercial robbery, 3J/3K residence robbery, 4A-4D aggravated assault, 4E/4F common "
    "assault, 5x burglary, 6D larceny from auto, other 6x larceny, 7x auto theft, 8x arson, 9S "
    "non-fatal shooting). Gun violence is a shooting, or a homicide whose weapon is a firearm (or "
    "code 1F).\n"
    "* **Time**: dates and times without a time zone are Baltimore local time; timestamps in UTC (newer "
    "exports, the ArcGIS layers) are converted to America/New_York before the day and hour are taken.\n"
    "* **Police district**: every spelling (NORTHEASTERN, NORTHEAST, Northeast, NE, NED, …) maps to one "
    "of the nine districts. A record keeps the district it was coded under, for the map in force on "
    "its date (pre-2023 map until 31 December 2022, the redrawn map from 1 January 2023); where the "
    "export has no district, it comes from the record's location, else its neighborhood.\n"
    "* **Neighborhood, City Council district, legislative district, CSA**: by the record's point when "
    "that point lies inside the city outline; otherwise by the neighborhood name in the export "
    "(ignoring case and punctuation, following renamings and the names of BPD's older neighborhood "
    "maps through a published table of aliases, matching names cut short, and, within one load, "
    "learning what a name means from where the records that carry both the name and a point fall), "
    "with the other areas following from the neighborhood; otherwise \"unknown\". Each load "
    "reports how many named records stayed unknown, and which names. Records without a "
    "usable location still count in citywide totals. Areas are assigned when a record is loaded: after "
    "new boundaries are loaded, records keep their areas until their files are loaded again (which "
    "updates only what changed).\n"
    "* **Victims and duplicates**: one row is one victim, so identical rows in old exports are kept as "
    "separate victims. Identical arrest rows are one arrest. Re-loading a file changes nothing, and a "
    "newer export that overlaps an older one updates records instead of counting them twice (records "
    "are matched by CCNumber, RowID or arrest number, or — in old exports without them — by their "
    "content and their place among identical rows).\n"
    "* **Rows set aside**: a row without a date, with an unreadable date, a date before 2000 or in the "
    "future, or an offense that cannot be recognized is kept aside with the reason, never dropped "
    "silently; the count of rows set aside is shown for each load.\n"
    "* **All or nothing**: a load either completes or changes nothing the dashboard shows."))


def _subsection(title: str, body: str, **fmt) -> list:
    text = _(body)
    return [html.H3(_(title), className="h6"), markdown(text.format(**fmt) if fmt else text)]


def _offense_list(group: str) -> str:
    return join_words([_(o.label).lower() for o in OFFENSES if o.group == group])


# The pages of issue 15's datasets: each layouts module declares ABOUT_METHODOLOGY ((title, text), ...)
# and LOAD_DATASETS {load_log dataset: label}, read here (imported when the About page is built).
DATASET_LAYOUTS = ("layouts.neighborhood_stat", "layouts.plan", "layouts.calls", "layouts.guns_warrants", "layouts.ipv")


def dataset_methodology() -> tuple[tuple[str, str], ...]:
    return tuple(part for m in DATASET_LAYOUTS for part in importlib.import_module(m).ABOUT_METHODOLOGY)


def load_datasets() -> dict[str, str]:
    labels = dict(LOAD_DATASETS)
    for m in DATASET_LAYOUTS:
        labels.update(importlib.import_module(m).LOAD_DATASETS)
    return labels


def methodology_section() -> html.Section:
    body: list = [html.H2(_("How the numbers are made"), className="h5")]
    body += _subsection(*COUNTED)
    body += _subsection(*OFFENSE_GROUPS, violent=_offense_list("violent"), property=_offense_list("property"))
    body += [html.H3(_("Offense categories"), className="h6", id=ABOUT_OFFENSES_TITLE), offense_table()]
    for title, text in METHODOLOGY + ACCOUNTABILITY_METHODOLOGY + dataset_methodology():
        part = _subsection(title, text)
        if title == CHANCE_TITLE:  # the Summary's cards link to it
            part[0].id = ABOUT_CHANCE
        body += part
    return html.Section(body, className="panel about-text")


def sources_section() -> html.Section:
    return html.Section([html.H2(_(SOURCES_TITLE), className="h5"), markdown(_(SOURCES)),
                         *_subsection(*INGEST_METHODOLOGY)], className="panel about-text")


def offense_table() -> html.Div:
    caption = _("Offense categories")
    table = html.Table([
        html.Thead(html.Tr([html.Th(_("Category"), scope="col"), html.Th(_("Group"), scope="col"),
                            html.Th(_("Code in links"), scope="col")])),
        html.Tbody([html.Tr([html.Th(_(o.label), scope="row"), html.Td(_(GROUP_LABELS[o.group])),
                             html.Td(html.Code(o.code))])
                    for o in OFFENSES]),
    ], className="table table-sm about-table", **{"aria-labelledby": ABOUT_OFFENSES_TITLE})
    return scroll_region(table, caption)


# --- what is loaded ------------------------------------------------------------------------------

LOAD_STATUS = {"ok": N_("Completed"), "failed": N_("Failed"), "running": N_("Running")}
LOAD_DATASETS = {"demo": N_("Demo data"), "crime": N_("Part 1 crime"), "arrests": N_("Arrests"),
                 "cases": N_("State's Attorney cases"), "cvi": N_("CVI programs"),
                 "boundaries": N_("Boundaries"), "population": N_("Population")}
LOAD_COLUMNS = (N_("Dataset"), N_("Source"), N_("Finished"), N_("Status"), N_("Read"), N_("Loaded"),
                N_("Updated"), N_("Rejected"), N_("Data as of"))
LOAD_NUMERIC = (4, 5, 6, 7)


def _when(ts) -> str:
    """A load's end, in the reader's language: 3 dic 2026 07:25 UTC."""
    if ts is None or pd.isna(ts):
        return "—"
    ts = pd.Timestamp(ts)
    ts = ts.tz_convert("UTC") if ts.tzinfo else ts
    return f"{i18n.date_short(ts.date())} {ts.hour:02d}:{ts.minute:02d} UTC"


def _count(value) -> str:
    return "—" if value is None or pd.isna(value) else fmt_int(int(value))


def _label(table: dict, code) -> str:
    return _(table[code]) if code in table else str(code)


def load_table(history: pd.DataFrame) -> html.Div:
    """The load history, in a box that scrolls sideways on a phone (a Tab stop with a name)."""
    if history.empty:
        return html.P(_("Nothing has been loaded yet."))
    rows = []
    for r in history.itertuples(index=False):
        cells = [
            html.Th(_label(load_datasets(), r.dataset), scope="row"), html.Td(r.source, className="about-source"),
            html.Td(_when(r.finished_at), className="nowrap"), html.Td(_label(LOAD_STATUS, r.status)),
            *[html.Td(_count(v), className="num") for v in
              (r.rows_read, r.rows_loaded, getattr(r, "rows_updated", 0) or 0, r.rows_rejected)],
            html.Td(i18n.date_short(r.data_as_of) if pd.notna(r.data_as_of) else "—", className="nowrap"),
        ]
        rows.append(html.Tr(cells))
    caption = _("Load history, newest first")
    table = html.Table([
        html.Thead(html.Tr([html.Th(_(h), scope="col", className="num" if i in LOAD_NUMERIC else None)
                            for i, h in enumerate(LOAD_COLUMNS)])),
        html.Tbody(rows),
    ], className="table table-sm about-table about-loads", **{"aria-labelledby": ABOUT_LOADS_TITLE})
    return scroll_region(table, caption)


def status_block(state: dict, history: pd.DataFrame) -> html.Div:
    as_of = state.get("data_as_of")
    template = (_("Serving synthetic demo data, data as of {date} (data version {version}).")
                if state.get("is_demo") else
                _("Serving data loaded from public sources, data as of {date} (data version {version})."))
    return html.Div([
        html.P(fill(template, date=html.Strong(i18n.date_long(as_of) if as_of else "—"),
                    version=fmt_int(state.get("version", 0) or 0))),
        html.H3(_("Load history"), className="h6", id=ABOUT_LOADS_TITLE),
        load_table(history),
    ])


# --- accessibility -------------------------------------------------------------------------------

ACCESSIBILITY_STANDARD = N_(
    "This dashboard is built and tested to meet the **Web Content Accessibility Guidelines (WCAG) 2.1, "
    "Level AA**: the standard that the U.S. Department of Justice's 2024 rule under Title II of the "
    "Americans with Disabilities Act (ADA) sets for the websites of state and local governments. Every "
    "page is meant to work with a keyboard alone, with a screen reader, on a phone as narrow as 320 pixels, "
    "zoomed to 400%, and in English or Spanish.")
ACCESSIBILITY_TESTS = N_(
    "* The project's automated tests open every page in a real Chromium browser, 1,400 and 390 pixels "
    "wide, in English and in Spanish, and run **axe-core** on it with the rules for WCAG 2.0 and 2.1, "
    "Levels A and AA. Any violation fails the tests.\n"
    "* Other tests check what axe-core cannot: a \"Skip to main content\" link, a visible focus ring, "
    "that controls can be reached and used with the keyboard in a sensible order, that the map's areas "
    "and the charts' filters work without a mouse, that every chart has a name and a table with the same "
    "numbers, and that pages do not scroll sideways on a phone.\n"
    "* A **Lighthouse** accessibility audit of every page, in both languages, is run with the script "
    "`bench/bench_lighthouse.py` in the project's repository.")
ACCESSIBILITY_LIMITS = N_(
    "* **The calendar of the date fields** is hard to use with a screen reader. Type the dates into the "
    "fields instead, or choose a ready-made range such as \"Year to date\".\n"
    "* **The map's background** (streets and place names) is made of images with no text. The numbers "
    "for each area are also in the table under the map (\"Show as table\"), and every program's address is "
    "written out on the CVI ecosystem page.\n"
    "* **Charts** are drawings: a screen reader does not read them point by point. Each chart has a name "
    "that says what it shows and a \"Show as table\" control with the same numbers.\n"
    "* **The change log** and the program descriptions published by the city are in English only.")
ACCESSIBILITY_REPORT = N_(
    "If something on this site is hard or impossible for you to use, please tell us: **open an issue on "
    "the project's repository**, or write to the site's operator at the address the deploying agency "
    "publishes. Say which page, what you were trying to do, and which device, browser or assistive "
    "technology you use.\n\n"
    "**What to expect**: a reply within five business days. Until the barrier is fixed, we will give you "
    "the information you need in another way, for example as a table or a CSV file.")


def accessibility_section() -> html.Section:
    return html.Section([
        html.H2(_("Accessibility"), className="h5"),
        html.H3(_("The standard"), className="h6"), markdown(_(ACCESSIBILITY_STANDARD)),
        html.H3(_("How it is tested"), className="h6"), markdown(_(ACCESSIBILITY_TESTS)),
        html.H3(_("Known limits"), className="h6"), markdown(_(ACCESSIBILITY_LIMITS)),
        html.H3(_("Report a barrier"), className="h6"), markdown(_(ACCESSIBILITY_REPORT)),
    ], className="panel about-text", id=ABOUT_ACCESSIBILITY)


# --- change log ----------------------------------------------------------------------------------

def _release_date(value: str) -> str:
    """A release's date as CHANGELOG.md writes it (an ISO date reads the same in both languages),
    "unreleased" translated."""
    return _("unreleased") if value.strip().lower() == "unreleased" else value


def changelog_section(releases: list[Release], current: str) -> html.Section:
    """The version being served and the change log, newest release first."""
    body: list = [html.H2(_("Change log"), className="h5"),
                  html.P(fill(_("This is version {version}."),
                              version=html.Strong(current, className="about-version")))]
    if i18n.babel_locale() != "en":
        body.append(html.P(_("The change log is published in English only."), className="muted"))
    for r in releases:
        # the items' language is English: a screen reader should read them as such
        body.append(html.H3(f"{r.version} — {_release_date(r.date)}" if r.date else r.version, className="h6"))
        body.append(html.Div(dcc.Markdown("\n".join(f"* {item}" for item in r.items)),
                             className="changelog-items", lang="en"))
    if not releases:
        body.append(html.P(_("The change log is in CHANGELOG.md in the project's repository.")))
    return html.Section(body, className="panel changelog-section")


def about_page() -> html.Div:
    return html.Div([
        html.Section([html.H2(_("What is loaded"), className="h5"), html.Div(id=ids.ABOUT_STATUS)],
                     className="panel"),
        glossary_section(),
        methodology_section(),
        sources_section(),
        accessibility_section(),
        changelog_section(changelog(), version()),
    ])
