"""Component ids, defined once. Layouts and callbacks import these; no id is spelled twice."""

URL = "url"
FILTER_STATE = "filter-state"  # dcc.Store: the canonical query string of the current filters
NOTICES = "notices"
DEMO_BANNER = "demo-banner"
DATA_AS_OF = "data-as-of"
NAV = "nav"
PAGE = "page"  # prefix: f"{PAGE}-{name}" is a page's container

QUICK_RANGE = "quick-range"
DATE_RANGE = "date-range"
POLICE_DISTRICT = "police-district"
NEIGHBORHOOD = "neighborhood"
COUNCIL_DISTRICT = "council-district"
LEGISLATIVE_DISTRICT = "legislative-district"
OFFENSE = "offense"
CLEAR_FILTERS = "clear-filters"
FILTER_TOGGLE = "filter-toggle"  # phones: shows and hides FILTER_PANEL
FILTER_PANEL = "filter-panel"

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

# Filter field -> control id (the URL parameter names are the field names).
FILTER_CONTROLS = {
    "police_district": POLICE_DISTRICT,
    "neighborhood": NEIGHBORHOOD,
    "council_district": COUNCIL_DISTRICT,
    "legislative_district": LEGISLATIVE_DISTRICT,
    "offense": OFFENSE,
}


def page_id(name: str) -> str:
    return f"{PAGE}-{name}"

PATH_NOTICE = "path-notice"

# Demographics, Arrests, Case outcomes and Case lookup pages (issue 5)
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
