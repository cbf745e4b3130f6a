"""Component ids, defined once. Layouts and callbacks import these; no id is spelled twice."""

from data_access.filters import FILTER_FIELDS

URL = "url"
FILTER_STATE = "filter-state"  # dcc.Store: the canonical query string of the current filters
VIEW = "view"  # dcc.Store: {"path", "search"} the page shown was rendered for (see callbacks.shell)
URL_CHANGE = "url-change"  # dcc.Store: the URL moved away from VIEW (back/forward, a page's link): the server's cue
NOTICES = "notices"
DEMO_BANNER = "demo-banner"
DATA_AS_OF = "data-as-of"
NAV = "nav"
PAGE = "page"  # prefix: f"{PAGE}-{name}" is a page's root
PAGE_CONTENT = "page-content"  # the <main> that holds the page shown
SKIP_LINK = "skip-link"  # the first focusable element: jumps to PAGE_CONTENT

QUICK_RANGE = "quick-range"
DATE_RANGE = "date-range"
CLEAR_FILTERS = "clear-filters"
FILTER_TOGGLE = "filter-toggle"  # phones: shows and hides FILTER_PANEL
FILTER_PANEL = "filter-panel"
FILTER_GATE = "filter-gate"  # inside FILTER_PANEL: its controls, drawn by the browser once the panel is shown
FILTER_SUMMARY = "filter-summary"  # inside FILTER_TOGGLE: how many filters are on, and which
LANG_SWITCH = "lang-switch"  # the header's link to the other language

# Summary page
SUMMARY_CARDS = "summary-cards"
SUMMARY_TREND = "summary-trend"
SUMMARY_OFFENSES = "summary-offenses"
SUMMARY_HEATMAP = "summary-heatmap"
SUMMARY_GOAL = "summary-goal"
SUMMARY_ERROR = "summary-error"
SUMMARY_CAPTION = "summary-caption"

# About page
ABOUT_STATUS = "about-status"

# Neighborhood Stat page (issue 15; ids start "ns-")
NS_ERROR = "ns-error"
NS_CAPTION = "ns-caption"
NS_NOTES = "ns-notes"  # which filters apply, and how
NS_AREA = "ns-area"  # the CSA picker
NS_PROFILE = "ns-profile"
NS_PROFILE_HEAD = "ns-profile-head"  # the profile's title and Download CSV link
NS_CRIME = "ns-crime"
NS_CRIME_HEAD = "ns-crime-head"
NS_RANK_INDICATOR = "ns-rank-indicator"
NS_RANK = "ns-rank"  # the ranking's <figure>: its chart and its table
NS_RANK_GRAPH = "ns-rank-graph"
NS_RANK_TABLE = "ns-rank-table"
NS_RANK_HEAD = "ns-rank-head"
NS_X = "ns-x"
NS_Y = "ns-y"
NS_SCATTER = "ns-scatter"  # the scatter's <figure>
NS_SCATTER_GRAPH = "ns-scatter-graph"
NS_SCATTER_TABLE = "ns-scatter-table"
NS_SCATTER_HEAD = "ns-scatter-head"
NS_DICTIONARY_CSV = "ns-dictionary-csv"
NS_NOTICES = "ns-notices"  # what was wrong with the URL's page parameters
NS_SHOWN = "ns-shown"  # the picks the page shows (the browser asks only when a person changes one)

# Plan KPIs page (issue 15; ids start "kpi-")
KPI_BODY = "kpi-body"  # the tracker: a heading per pillar, a table per result
KPI_NOTES = "kpi-notes"  # what the filters do on this page
KPI_ERROR = "kpi-error"

# 911 calls page (issue 15; ids start "calls-")
CALLS_ERROR = "calls-error"
CALLS_CARDS = "calls-cards"
CALLS_COVERAGE = "calls-coverage"
CALLS_TREND = "calls-trend"
CALLS_TREND_TABLE = "calls-trend-table"
CALLS_TREND_FIGURE = "calls-trend-figure"
CALLS_RESPONSE = "calls-response"
CALLS_RESPONSE_TABLE = "calls-response-table"
CALLS_RESPONSE_FIGURE = "calls-response-figure"
CALLS_CATEGORIES = "calls-categories"
CALLS_CATEGORIES_TABLE = "calls-categories-table"
CALLS_CATEGORIES_FIGURE = "calls-categories-figure"
CALLS_AREAS = "calls-areas"
CALLS_AREAS_TABLE = "calls-areas-table"
CALLS_AREAS_FIGURE = "calls-areas-figure"
CALLS_COUNCIL = "calls-council"
CALLS_COUNCIL_TABLE = "calls-council-table"
CALLS_COUNCIL_FIGURE = "calls-council-figure"

# Guns and warrants page (issue 15; ids start "gw-")
GW_ERROR = "gw-error"
GW_CAPTION = "gw-caption"
GW_CARDS = "gw-cards"
# each chart: its graph, the table under "Show as table" (f"{id}-table") and its <figure> (f"{id}-figure")
GW_SEIZURE_TREND = "gw-seizure-trend"
GW_SEIZURE_TYPES = "gw-seizure-types"
GW_SEIZURE_RECOVERY = "gw-seizure-recovery"
GW_SEIZURE_STATUS = "gw-seizure-status"
GW_SEIZURE_AREA = "gw-seizure-area"
GW_WARRANT_TREND = "gw-warrant-trend"
GW_WARRANT_AGE = "gw-warrant-age"
GW_WARRANT_CATEGORY = "gw-warrant-category"
GW_WARRANT_AREA = "gw-warrant-area"
GW_CHARTS = (GW_SEIZURE_TREND, GW_SEIZURE_TYPES, GW_SEIZURE_RECOVERY, GW_SEIZURE_STATUS, GW_SEIZURE_AREA,
             GW_WARRANT_TREND, GW_WARRANT_AGE, GW_WARRANT_CATEGORY, GW_WARRANT_AREA)

# Intimate-partner violence page (issue 15; ids start "ipv-")
IPV_ERROR = "ipv-error"
IPV_CAPTION = "ipv-caption"  # the filters and span the page counts
IPV_CARDS = "ipv-cards"
IPV_TREND = "ipv-trend"  # graphs; their "Show as table" holders end in "-table", their <figure>s in "-figure"
IPV_TREND_TABLE = "ipv-trend-table"
IPV_TREND_FIGURE = "ipv-trend-figure"
IPV_AREA = "ipv-area"
IPV_AREA_TABLE = "ipv-area-table"
IPV_AREA_FIGURE = "ipv-area-figure"
IPV_OFFENSE = "ipv-offense"
IPV_OFFENSE_TABLE = "ipv-offense-table"
IPV_OFFENSE_FIGURE = "ipv-offense-figure"
IPV_RELATIONSHIP = "ipv-relationship"
IPV_RELATIONSHIP_TABLE = "ipv-relationship-table"
IPV_RELATIONSHIP_FIGURE = "ipv-relationship-figure"
IPV_DEMOGRAPHICS = "ipv-demographics"  # the age band and sex tables
IPV_RESOURCES = "ipv-resources"

# Filter field -> control id (the URL parameter names are the field names).
FILTER_CONTROLS = {f.name: f.name.replace("_", "-") for f in FILTER_FIELDS}
POLICE_DISTRICT = FILTER_CONTROLS["police_district"]
NEIGHBORHOOD = FILTER_CONTROLS["neighborhood"]
COUNCIL_DISTRICT = FILTER_CONTROLS["council_district"]
LEGISLATIVE_DISTRICT = FILTER_CONTROLS["legislative_district"]
OFFENSE = FILTER_CONTROLS["offense"]


def nav_id(name: str) -> str:
    return f"nav-{name}"


def page_id(name: str) -> str:
    return f"{PAGE}-{name}"


def relay_id(name: str) -> str:
    """A page's dcc.Store through which its callbacks write the shell (the URL, the filters):
    ``callbacks.common.shell_write``."""
    return f"{PAGE}-{name}-relay"


def pressed_id(name: str) -> str:
    """A page's dcc.Store: which of its redrawn buttons was really pressed (its clientside code
    writes it, so a redraw alone costs no request)."""
    return f"{PAGE}-{name}-pressed"


def refresh_id(name: str) -> str:
    """A page's dcc.Store its own clientside code writes to ask for a server update."""
    return f"{PAGE}-{name}-refresh"


PATH_NOTICE = "path-notice"

# Map page
MAP = "map"
MAP_AREAS = "map-areas"
MAP_POINTS = "map-points"
MAP_DENSITY = "map-density"
MAP_CVI = "map-cvi"
MAP_LAYER = "map-layer"
MAP_MEASURE = "map-measure"
MAP_SHOW_POINTS = "map-show-points"
MAP_SHOW_CVI = "map-show-cvi"
MAP_CLEAR_AREA = "map-clear-area"
MAP_LEGEND = "map-legend"
MAP_NOTES = "map-notes"
MAP_CAPTION = "map-caption"
MAP_ERROR = "map-error"
MAP_NOTICES = "map-notices"
MAP_SHAPES_KEY = "map-shapes-key"  # dcc.Store: which layer's geometry the browser holds

# CVI ecosystem page
CVI_MAP = "cvi-map"
CVI_AREAS = "cvi-areas"
CVI_SITES = "cvi-sites"
CVI_PROGRAM = "cvi-program"
CVI_LIST = "cvi-list"
CVI_CAPTION = "cvi-caption"
CVI_ERROR = "cvi-error"
CVI_NOTICES = "cvi-notices"
MAP_VIEW_KEY = "map-view-key"  # dcc.Store: the chosen areas the map last zoomed to
CVI_SHAPES_KEY = "cvi-shapes-key"  # dcc.Store: whether the browser holds the outlines

# Demographics, Arrests, Case outcomes and Case lookup pages
DEMO_VICTIMS = "demo-victims"
DEMO_ARRESTEES = "demo-arrestees"
DEMO_CAPTION = "demo-caption"
DEMO_ERROR = "demo-error"
ARRESTS_CARDS = "arrests-cards"
ARRESTS_TREND = "arrests-trend"
ARRESTS_CATEGORY = "arrests-category"
ARRESTS_AREA = "arrests-area"
ARRESTS_CHARGES = "arrests-charges"
ARRESTS_CLEARANCE = "arrests-clearance"
ARRESTS_CLEARANCE_TABLE = "arrests-clearance-table"
ARRESTS_ERROR = "arrests-error"
OUTCOMES_CARDS = "outcomes-cards"
OUTCOMES_MIX = "outcomes-mix"
OUTCOMES_TIME = "outcomes-time"
OUTCOMES_ERROR = "outcomes-error"
LOOKUP_CASE = "lookup-case"  # exact case number input
LOOKUP_CHARGE = "lookup-charge"  # charge description picker
LOOKUP_SEARCH = "lookup-search"  # button
LOOKUP_CLEAR = "lookup-clear"
LOOKUP_RESULTS = "lookup-results"
LOOKUP_DETAIL = "lookup-detail"
LOOKUP_ERROR = "lookup-error"

# Presentation deck
PRESENT_LINK = "present-link"  # in the shell: opens the deck of the current view
PRESENT_DECK = "present-deck"  # holds the deck (filled by the page's callback)
PRESENT_DECK_ROOT = "present-deck-root"  # the deck itself, with what its script needs
PRESENT_LIVE = "present-live"  # announces the slide to screen readers
