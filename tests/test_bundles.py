"""What the browser downloads (issue 12, bytes), in real Chromium: no page asks for Dash's full
plotly.min.js (4.8 MB): every chart is drawn by the vendored partial bundle (app/bundles.py), in
English and in Spanish, on a first load and after moving to a chart page from one without charts;
the Map loads no plotly.js at all; a first view of the Summary and of the Map moves less than
1.5 MB over the wire (the browser's own Resource Timing: bytes received, headers included, with
its cache emptied first).

One server and one Chromium for the module (``site`` and ``browser``, tests/axe_support.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import bundles, ids
from app.pages import PAGES
from tests.axe_support import set_viewport, severe_logs, wait_for

pytestmark = pytest.mark.browser

GOAL_BYTES = 1_500_000  # issue 12: a first view under 1.5 MB on the wire
FULL_PLOTLY = "plotly/package_data/plotly.min.js"

# every request of the page so far: its address and the bytes it took on the wire
_ENTRIES = """
return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .map(e => ({name: e.name, transfer: e.transferSize || 0, decoded: e.decodedBodySize || 0}));
"""
# the charts drawn on the page: their trace types and those plotly.js has no module for
_GRAPHS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).filter(gd => gd._fullData && gd.offsetParent)
  .map(gd => ({id: gd.parentElement && gd.parentElement.id || gd.id,
               types: gd._fullData.map(t => t.type),
               unknown: gd._fullData.filter(t => !t._module).map(t => t.type),
               locale: gd._context && gd._context.locale,
               xticks: Array.from(gd.querySelectorAll('.xtick text')).map(t => t.textContent)}));
"""
_LOADING = "return document.querySelectorAll('[data-dash-is-loading=\"true\"]').length"


@pytest.fixture()
def driver(browser, site):
    set_viewport(browser, 412, 823)  # Lighthouse's phone
    severe_logs(browser)
    yield browser
    set_viewport(browser, 1280, 720)


def settle(driver, quiet: float = 1.5, timeout: float = 60) -> list[dict]:
    """Wait until the page has asked for nothing new for ``quiet`` seconds and no callback is
    pending; its requests."""
    end = time.time() + timeout
    seen, since = -1, time.time()
    while time.time() < end:
        entries = driver.execute_script(_ENTRIES)
        if len(entries) != seen or driver.execute_script(_LOADING):
            seen, since = len(entries), time.time()
        elif time.time() - since >= quiet:
            return entries
        time.sleep(0.25)
    raise AssertionError(f"the page kept loading for {timeout:.0f} s")


def first_view(driver, url: str, *, cold: bool = True) -> list[dict]:
    """Open ``url`` (with the browser's cache emptied first when ``cold``, as a first visit); its
    requests (a cached file is listed too, with no bytes)."""
    driver.get("about:blank")
    if cold:
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get(url)
    wait_for(lambda: driver.find_elements(By.ID, ids.PAGE_CONTENT), timeout=40, message="the page")
    return settle(driver)


def drawn_graphs(driver) -> list[dict]:
    return driver.execute_script(_GRAPHS)


def bring_charts_into_view(driver) -> None:
    driver.execute_script("document.querySelector('.dash-graph').scrollIntoView()")


def plotly_requests(entries: list[dict]) -> list[str]:
    return [e["name"] for e in entries if "plotly" in e["name"].rsplit("/", 1)[-1]]


def test_the_page_loads_the_runtime_not_babels_polyfill_and_no_datatable(demo_url):
    """The page's own script tags (no browser): the regenerator runtime where @babel/polyfill was
    (before React and everything that calls it), no dash_table bundle, the Plotly bundle named."""
    from app import create_app

    page = create_app({"database_url": demo_url}).server.test_client().get("/").get_data(as_text=True)
    scripts = [line for line in page.splitlines() if '<script type="text/psad-later" src=' in line]
    assert bundles.REGENERATOR in scripts[0], scripts[:3]
    assert not [s for s in scripts if "polyfill@" in s or "dash_table" in s]
    assert f'content="/assets/{bundles.PLOTLY_BUNDLE}?m=' in page
    assert 'data-load="now"' in page  # the Summary opens with charts


def test_the_first_view_in_the_html_is_swapped_for_dashs_own(driver, site):
    """The page's HTML carries its first view (app/first_view.py); once Dash has drawn the same
    page, the server's copy is gone, Dash's is shown, each id names one element, and the numbers
    are those the HTML showed."""
    import re
    import urllib.request

    address = f"{site.url}/?range=last365&police_district=Central"
    page = urllib.request.urlopen(address).read().decode("utf-8")
    shown = re.search(r'data-ssr-id="card-all".*?class="card-value">([^<]+)<', page, re.S).group(1)
    driver.get(address)
    wait_for(lambda: driver.execute_script(
        "return !document.getElementById('psad-first') && !document.querySelector('.psad-pending')"
        " && !!document.querySelector('#react-entry-point #page-content')"),
        timeout=30, message="the server's first view swapped for Dash's")
    assert driver.find_element(By.CSS_SELECTOR, "#card-all .card-value").text == shown
    all_ids = driver.execute_script("return Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
    assert len(all_ids) == len(set(all_ids)), "an id on two elements"
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-ssr-id]")
    assert not severe_logs(driver)


@pytest.mark.parametrize("path", ["/", "/map", "/guns-warrants"])
def test_the_first_view_alone_is_accessible(driver, site, path):
    """What a reader meets before the scripts run, or without them (the loader blocked, so Dash
    never starts): zero axe violations at 1400 and 390 px, in Spanish too, links that work."""
    from tests.axe_support import format_axe, run_axe

    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*psad_loader.js*"]})
    try:
        problems = []
        for lang in ("en", "es"):
            driver.get(f"{site.url}{path}?lang={lang}")
            wait_for(lambda: driver.find_elements(By.ID, "psad-first"), message="the first view")
            for width in (1400, 390):
                set_viewport(driver, width, 800)
                result = run_axe(driver, extra_rules=(), drawn=False)  # WCAG 2.1 A and AA
                problems += [f"{path} {lang} {width}: {line}" for line in format_axe(result["violations"])]
            assert driver.find_element(By.ID, "psad-first").is_displayed()
            assert not driver.execute_script("return !!window.renderer"), "Dash started without its loader"
        assert not problems, "\n".join(problems)
        nav = driver.find_element(By.CSS_SELECTOR, '#psad-first [data-ssr-id="nav-about"]')
        nav.click()  # a plain link: the next page, also drawn by the server
        wait_for(lambda: driver.current_url.split("?")[0].endswith("/about"), message="the About page")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, '#psad-first [data-ssr-id="page-about"]'),
                 message="the About page's first view")
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


def test_focus_and_an_opened_table_go_across_the_swap(driver, site):
    """A keyboard user who moves focus, or opens a "Show as table", on the server's first view
    before Dash has drawn its own finds both where they were after the swap (assets/psad_first.js).
    The CPU is slowed (as Lighthouse does for a phone) so there is time to act before the swap."""
    driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 8})
    try:
        driver.execute_script("window.location.href = arguments[0]", f"{site.url}/?range=last28")
        acted = wait_for(lambda: driver.execute_script("""
            const first = document.getElementById('psad-first');
            if (!first) { return 'swapped already'; }
            const link = first.querySelector('[data-ssr-id="nav-map"]');
            const details = first.querySelectorAll('details')[1];
            if (!link || !details) { return null; }
            link.focus(); details.open = true;
            return document.activeElement === link ? 'acted' : null;"""), timeout=30, message="the server's first view")
        assert acted == "acted", "Dash swapped in before the test could act"
        wait_for(lambda: driver.execute_script("return !document.getElementById('psad-first')"), timeout=60,
                 message="Dash's page swapped in")
    finally:
        driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 1})
    assert driver.execute_script("return document.activeElement.id") == "nav-map"
    assert driver.execute_script("return Array.from(document.querySelectorAll('details')).map(d => d.open)")[:2] == \
        [False, True]


def test_the_vendored_bundle_is_the_python_packages_plotly_js():
    """A plotly upgrade (pip) without the matching partial bundle would mix two versions."""
    from plotly.offline import get_plotlyjs_version

    path = Path(__file__).resolve().parents[1] / "assets" / bundles.PLOTLY_BUNDLE
    assert path.exists(), f"{bundles.PLOTLY_BUNDLE} is missing from assets/"
    assert bundles.PLOTLY_VERSION == get_plotlyjs_version()
    assert f"v{bundles.PLOTLY_VERSION}" in path.read_text(encoding="utf-8")[:200]
    assert (path.parent / f"plotly-cartesian-{bundles.PLOTLY_VERSION}.LICENSE.txt").exists()


@pytest.mark.parametrize("path", ["/", "/map"])
def test_a_first_view_moves_less_than_the_goal(driver, site, path):
    entries = first_view(driver, f"{site.url}{path}")
    if path == "/":  # a phone's first screenful is the cards: plotly.js comes with the first chart in view
        assert not plotly_requests(entries), "plotly.js was loaded before any chart was in view"
        bring_charts_into_view(driver)
        wait_for(lambda: drawn_graphs(driver), timeout=40, message="the Summary's charts")
        entries = settle(driver)
    total = sum(e["transfer"] for e in entries)
    largest = sorted(entries, key=lambda e: -e["transfer"])[:6]
    detail = "\n".join(f"  {e['transfer']:>10,}  {e['name'][-100:]}" for e in largest)
    assert total < GOAL_BYTES, f"{path}: {total:,} bytes on the wire in {len(entries)} requests:\n{detail}"
    raw = [e["name"] for e in entries if e["decoded"] > 20_000 and e["transfer"] > e["decoded"] * 0.6
           and e["name"].split("?")[0].endswith((".js", ".css"))]
    assert not raw, f"{path}: scripts or styles sent uncompressed: {raw}"


def test_every_page_draws_with_the_partial_bundle_and_never_asks_for_the_full_one(driver, site):
    full, problems = [], []
    charted = []
    for page in PAGES:
        entries = first_view(driver, f"{site.url}{page.path}", cold=False)
        requested = plotly_requests(entries)
        full += [f"{page.path}: {name}" for name in requested if FULL_PLOTLY in name]
        full += [f"{page.path}: {e['name']}" for e in entries if "polyfill@" in e["name"]]
        if page.name == "map":
            assert not requested, f"the Map loaded plotly.js though it draws no chart: {requested}"
            continue
        if driver.find_elements(By.CSS_SELECTOR, ".dash-graph"):
            bring_charts_into_view(driver)
            wait_for(lambda: drawn_graphs(driver), timeout=40, message=f"{page.path}'s charts in view")
        graphs = drawn_graphs(driver)
        if not graphs:
            continue
        charted.append(page.name)
        version = driver.execute_script("return window.Plotly && window.Plotly.version")
        if version != bundles.PLOTLY_VERSION:
            problems.append(f"{page.path}: window.Plotly is {version!r}")
        for g in graphs:
            if g["unknown"]:
                problems.append(f"{page.path} #{g['id']}: trace types the bundle lacks: {g['unknown']}")
        problems += [f"{page.path}: console: {e['message'][:200]}" for e in severe_logs(driver)]
    assert not full, "the full plotly.min.js (or babel's polyfill) was requested:\n" + "\n".join(full)
    assert not problems, "\n".join(problems)
    assert {"summary", "present"} <= set(charted), f"charts were drawn only on {charted}"


def test_spanish_charts_are_drawn_in_plotlys_spanish(driver, site):
    """The partial bundle has only English built in: the Spanish locale comes from graph_config,
    and a date axis names its months in Spanish."""
    first_view(driver, f"{site.url}/?lang=es", cold=False)
    bring_charts_into_view(driver)
    graphs = wait_for(lambda: [g for g in drawn_graphs(driver) if g["xticks"]], timeout=40, message="charts")
    assert {g["locale"] for g in graphs} == {"es"}, graphs
    assert not severe_logs(driver)
    # a month axis drawn by this plotly.js with the config our charts carry
    months = driver.execute_script(_MONTH_TICKS, graphs_config(driver))
    assert months, "no month ticks"
    assert not {"Jan", "Apr", "Aug"} & set(months), f"English months on a Spanish chart: {months}"


_MONTH_TICKS = """
const gd = document.createElement('div');
gd.style.width = '400px'; gd.style.height = '200px';
document.body.appendChild(gd);
return Plotly.newPlot(gd, [{x: ['2024-01-15', '2024-04-15', '2024-08-15'], y: [1, 2, 3], type: 'bar'}],
                      {xaxis: {type: 'date', tickformat: '%b', tickvals: ['2024-01-15', '2024-04-15', '2024-08-15']}},
                      arguments[0])
  .then(() => { const t = Array.from(gd.querySelectorAll('.xtick text')).map(e => e.textContent);
                Plotly.purge(gd); gd.remove(); return t; });
"""


def graphs_config(driver) -> dict:
    """The locale settings of a chart on the page (graph_config's ``locale`` and ``locales``)."""
    return driver.execute_script(
        "const gd = Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g._context && g._context.locales);"
        "return gd ? {locale: gd._context.locale, locales: gd._context.locales} : {};")


@pytest.mark.parametrize("cue", ["scroll", "key"])
def test_a_phone_loads_plotly_only_when_a_chart_is_in_view_or_the_reader_acts(driver, site, cue):
    """On a phone the Summary's first screenful is the headline cards: no plotly.js is downloaded
    or run for them. A chart scrolled into view, or any key or tap (a filter change's answer holds
    charts, and Dash waits for them to be ready before it asks), starts it; the charts are drawn."""
    entries = first_view(driver, f"{site.url}/")
    assert driver.find_elements(By.CSS_SELECTOR, ".dash-graph"), "the Summary's chart boxes are on the page"
    assert not plotly_requests(entries), plotly_requests(entries)
    assert not drawn_graphs(driver)
    if cue == "scroll":
        bring_charts_into_view(driver)
    else:
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    wait_for(lambda: len(drawn_graphs(driver)) == 4, timeout=40, message="the Summary's four charts")
    requested = plotly_requests(settle(driver))
    assert requested and all(bundles.PLOTLY_BUNDLE in name for name in requested), requested
    assert not severe_logs(driver)


def test_a_chart_reached_from_the_map_loads_the_partial_bundle(driver, site):
    """The Map loads no plotly.js; moving to the Summary from it, dcc.Graph loads it itself, from
    the address psad_bundles.js gives it (not the renderer's full bundle)."""
    entries = first_view(driver, f"{site.url}/map")  # cold: nothing of plotly.js in the cache either
    assert not plotly_requests(entries)
    driver.find_element(By.ID, ids.nav_id("summary")).click()
    wait_for(lambda: drawn_graphs(driver), timeout=40, message="the Summary's charts after the Map")
    requested = plotly_requests(settle(driver))
    assert requested and all(bundles.PLOTLY_BUNDLE in name for name in requested), requested
    assert driver.execute_script("return window.Plotly.version") == bundles.PLOTLY_VERSION
    assert not severe_logs(driver)
