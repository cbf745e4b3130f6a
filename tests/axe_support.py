"""Shared browser machinery for the browser tests that run axe (a pytest plugin, listed in
conftest): one app served in a thread and one Chromium for a whole module (fixtures ``site`` and
``browser``; a dash_duo per test would start both again each time), axe-core injected into the
page, and the deck's legibility measurements, made in the page.

axe-core is vendored under ``tests/vendor/axe-core`` (version and licence in ``tests/vendor/README.md``).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0/2.1 A and AA, plus the AAA contrast rule (7:1: projectors wash colours out).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
AXE_EXTRA_RULES = ("color-contrast-enhanced",)


class ServedApp:
    """A WSGI app served by werkzeug in a daemon thread on ``port`` (threaded: the browser loads
    assets in parallel). ``url`` has no trailing slash."""

    def __init__(self, wsgi_app, port: int):
        self.server = make_server("127.0.0.1", port, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"served-app-{port}", daemon=True)

    def start(self) -> ServedApp:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def chrome(options) -> webdriver.Chrome:
    """A Chromium with ``options`` (conftest's ``pytest_setup_options()``) that keeps the
    browser's SEVERE console entries, as dash_duo's does."""
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(60)
    return driver


def set_viewport(driver, width: int, height: int) -> None:
    """Make the page's viewport exactly ``width`` x ``height`` CSS px (window.innerWidth/Height)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_script("window.dispatchEvent(new Event('resize'))")


def severe_logs(driver) -> list[dict]:
    """The SEVERE browser console entries since the last call (reading them clears them)."""
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def wait_for(predicate, timeout: float = 15, message: str = "condition", interval: float = 0.05):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # an element re-rendered while we looked
            last = exc
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}" + (f" (last error: {last!r})" if last else ""))


def click_when_free(driver, target, message: str | None = None) -> None:
    """Click ``target`` (a CSS selector, found again at each try, or an element) once nothing covers
    it: scrolled to the middle of the window, retried while the page still moves or grows as its
    charts draw (a click can land on the panel below, or on an element just redrawn)."""
    def attempt() -> bool:
        element = driver.find_element(By.CSS_SELECTOR, target) if isinstance(target, str) else target
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        element.click()
        return True

    wait_for(attempt, message=message or f"a click on {target}")


# --- axe-core -------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


_AXE_RUN = """
const done = arguments[arguments.length - 1];
const [tags, extra, within] = [arguments[0], arguments[1], arguments[2]];
const scope = within ? document.querySelector(within) : document.documentElement;
const isSvg = n => { const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
                     return !!(el && el instanceof SVGElement); };
const inScope = n => { const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
                       return !!(el && scope && scope.contains(el)); };
const rules = {};
extra.forEach(id => { rules[id] = {enabled: true}; });
axe.run(document, {runOnly: {type: 'tag', values: tags}, rules: rules})
  .then(r => {
    const brief = list => list.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160), svg: isSvg(n),
                                summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300)}))}));
    const ran = r.passes.concat(r.violations, r.incomplete, r.inapplicable).map(x => x.id);
    // rule id -> how many nodes inside `within` it judged (passed, failed or could not decide)
    const checked = {};
    r.passes.concat(r.violations, r.incomplete).forEach(x => {
      checked[x.id] = (checked[x.id] || 0) + x.nodes.filter(inScope).length;
    });
    done({violations: brief(r.violations), incomplete: brief(r.incomplete), ran: ran, checked: checked});
  })
  .catch(e => done({error: String(e && e.stack || e)}));
"""


# axe-core (4.14) takes static content inside a position: fixed container for clipped, and skips it,
# when <body> has overflow: hidden and no height of its own: exactly the deck (its body hides the
# scrollbars and holds only the fixed deck), so every slide's text would go unchecked. While axe
# runs, the body is let overflow; it has no in-flow content, so nothing on screen moves.
UNCLIP_BODY = "body { overflow: visible !important; }"


# The page's HTML carries its first view (app/first_view.py) until Dash has drawn its own and
# assets/psad_first.js has swapped them: true once that is done (at once on a page without one).
DRAWN = "return !document.getElementById('psad-first') && !document.querySelector('#react-entry-point.psad-pending')"


def wait_drawn(driver, timeout: float = 40) -> None:
    """Wait until Dash's page has taken the place of the server's first view (``DRAWN``): a test
    that reads or presses what Dash draws (by id, by visible text) waits for this, since the
    server's copy has the same classes and text but neither ids nor callbacks."""
    wait_for(lambda: driver.execute_script(DRAWN), timeout=timeout, message="Dash's page in place of the first view")


def run_axe(driver, tags=AXE_TAGS, extra_rules=AXE_EXTRA_RULES, style: str | None = None,
            within: str | None = None, drawn: bool = True) -> dict:
    """axe-core over the whole document as shown now (hidden content is skipped by axe), once
    Dash's page has taken the place of the server's first view (``wait_drawn``):
    {"violations": [...], "incomplete": [...], "ran": [rule ids], "checked": {rule id: nodes judged}}. Injects axe-core once per page;
    ``style``: CSS applied only while axe runs (e.g. ``UNCLIP_BODY``); ``within``: a selector,
    "checked" counts only the nodes inside it (to prove axe judged what the test is about);
    ``drawn=False``: as it is now, the server's first view included."""
    if drawn:
        wait_drawn(driver)
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_axe_source())
    if style:
        driver.execute_script("const s = document.createElement('style'); s.id = 'axe-support-style';"
                              "s.textContent = arguments[0]; document.head.appendChild(s);", style)
    try:
        result = driver.execute_async_script(_AXE_RUN, list(tags), list(extra_rules), within)
    finally:
        if style:
            driver.execute_script("const s = document.getElementById('axe-support-style'); if (s) s.remove();")
    if "error" in result:
        raise AssertionError(f"axe-core failed: {result['error']}")
    return result


def format_axe(violations: list[dict], *, svg: bool = True) -> list[str]:
    """One line per node; ``svg=False`` leaves out SVG nodes (axe cannot decide the contrast of
    Plotly's SVG text, "overlapped" or "too short": ``legibility`` measures those itself)."""
    return [f"{v['id']} ({v['impact']}): {v['help']}: {n['target']} — {n['summary']}"
            for v in violations for n in v["nodes"] if svg or not n.get("svg")]


# --- legibility of the slide shown ------------------------------------------------------------------

# Body text: at least 28 px on the 1280 x 720 canvas; all other text at least 20 px.
BODY_TEXT = (".slide-title, .slide-lead, .slide-plain, [class^='title-'], [class*=' title-'], .big-title, "
             ".big-value, .big-change, .side-title, .site-name, .site-meta")

_LEGIBILITY = r"""
const [bodySel, bodyMin, textMin, footMin, contrastMin] = arguments;
const slide = document.querySelector('.deck .slide.current');
if (!slide) { return {error: 'no current slide'}; }
const body = slide.querySelector('.slide-body');
const foot = slide.querySelector('.slide-footer');
const out = {overflow: [], small: [], clipped: [], contrast: [], texts: 0};
const stage = document.querySelector('.deck-stage');
const scale = stage.getBoundingClientRect().width / stage.offsetWidth;  // screen px per canvas px
const px = v => Math.round(v / scale * 10) / 10;  // a screen length in canvas px
const name = el => {
  const cls = (el.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean).slice(0, 3);
  const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls.map(c => '.' + c).join('') +
         (own ? ' "' + own.slice(0, 40) + '"' : '');
};
const shown = el => {
  if (el.closest('.visually-hidden')) { return false; }
  const cs = getComputedStyle(el);
  if (cs.visibility !== 'visible' || cs.display === 'none' || parseFloat(cs.opacity) === 0) { return false; }
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
const textBox = el => {  // the union of the element's own text nodes' boxes
  let right = -Infinity, bottom = -Infinity;
  for (const n of el.childNodes) {
    if (n.nodeType !== 3 || !n.textContent.trim()) { continue; }
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
  }
  return {right, bottom};
};
const rgba = c => { const m = (c || '').match(/rgba?\(([^)]+)\)/);
                    if (!m) { return null; } const v = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
                    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
const lum = ([r, g, b]) => { const f = x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
                             return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const ratio = (fg, bg) => { const a = fg[3];  // the text's colour blended over the background
                            const mix = [0, 1, 2].map(i => fg[i] * a + bg[i] * (1 - a));
                            const [l1, l2] = [lum(mix), lum(bg)].sort((x, y) => y - x);
                            return (l1 + 0.05) / (l2 + 0.05); };
const ownText = el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());

if (body.scrollHeight > body.clientHeight) {
  out.overflow.push(`.slide-body scrollHeight ${body.scrollHeight} > clientHeight ${body.clientHeight}`);
}
if (body.scrollWidth > body.clientWidth) {
  out.overflow.push(`.slide-body scrollWidth ${body.scrollWidth} > clientWidth ${body.clientWidth}`);
}
const b = body.getBoundingClientRect();
for (const el of body.querySelectorAll('*')) {
  if (!shown(el)) { continue; }
  const r = el.getBoundingClientRect();
  if (r.bottom > b.bottom + 1) {
    out.overflow.push(`${name(el)}: bottom ${px(r.bottom - b.top)} px > body height ${px(b.height)} px`);
  }
  if (r.right > b.right + 1) {
    out.overflow.push(`${name(el)}: right ${px(r.right - b.left)} px > body width ${px(b.width)} px`);
  }
  if (!ownText(el)) { continue; }
  // The text itself, which can spill out of its own box (white-space: nowrap).
  const t = textBox(el);
  if (t.right > b.right + 1 && r.right <= b.right + 1) {
    out.overflow.push(`${name(el)}: text ends at ${px(t.right - b.left)} px > body width ${px(b.width)} px`);
  }
  if (t.bottom > b.bottom + 1 && r.bottom <= b.bottom + 1) {
    out.overflow.push(`${name(el)}: text ends at ${px(t.bottom - b.top)} px > body height ${px(b.height)} px`);
  }
  // Text cut short (an ellipsis, a clipped box) hides words from the room.
  if (!(el instanceof SVGElement) && getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
    out.clipped.push(`${name(el)}: text ${el.scrollWidth} px wide in a ${el.clientWidth} px box (cut short)`);
  }
}
const s = slide.getBoundingClientRect();
if (foot) {
  const f = foot.getBoundingClientRect();
  if (f.bottom > s.bottom + 1) { out.overflow.push(`footer: bottom ${px(f.bottom - s.top)} px > slide height ${px(s.height)} px`); }
  for (const el of foot.querySelectorAll('*')) {
    if (!shown(el)) { continue; }
    const r = el.getBoundingClientRect();
    if (r.right > s.right + 1 || r.bottom > s.bottom + 1) {
      out.overflow.push(`footer ${name(el)}: ends at (${px(r.right - s.left)}, ${px(r.bottom - s.top)}) px, outside the slide`);
    }
  }
}
const slideBg = rgba(getComputedStyle(slide).backgroundColor);
for (const el of slide.querySelectorAll('*')) {
  if (!ownText(el) || !shown(el)) { continue; }
  out.texts += 1;
  if (el instanceof SVGElement && slideBg) {  // chart text: its fill against the slide (charts are transparent)
    const cs = getComputedStyle(el);
    const fill = rgba(cs.fill);
    if (fill) {
      fill[3] *= parseFloat(cs.fillOpacity || '1') * parseFloat(cs.opacity || '1');
      const k = ratio(fill, slideBg);
      if (k < contrastMin) { out.contrast.push(`${name(el)}: fill ${cs.fill} on ${getComputedStyle(slide).backgroundColor}: ${k.toFixed(2)}:1 < ${contrastMin}:1`); }
    }
  }
  const size = parseFloat(getComputedStyle(el).fontSize);
  const inFoot = foot && foot.contains(el);
  const min = inFoot ? footMin : (el.closest(bodySel) ? bodyMin : textMin);
  if (size < min - 0.01) {
    out.small.push(`${inFoot ? 'footer ' : ''}${name(el)}: ${size} px < ${min} px`);
  }
}
return out;
"""


def legibility(driver, body_min: int = 28, text_min: int = 20, footer_min: int = 20, contrast_min: float = 7) -> dict:
    """Measure the slide shown: {"overflow": [...], "small": [...], "clipped": [...], "contrast":
    [...], "texts": n}. Sizes are canvas px (the 1280 x 720 slide, before the CSS scale), as the
    deck is designed; "contrast" covers SVG (chart) text only, which axe cannot judge."""
    result = driver.execute_script(_LEGIBILITY, BODY_TEXT, body_min, text_min, footer_min, contrast_min)
    if "error" in result:
        raise AssertionError(result["error"])
    return result


# --- one server, one browser per module ----------------------------------------------------------

@pytest.fixture(scope="module")
def site(demo_url):
    """The app on the shared demo database, served in a thread for the whole module."""
    from app import create_app
    from tests.conftest import free_port

    app = create_app({"database_url": demo_url})
    served = ServedApp(app.server, free_port()).start()
    yield served
    served.stop()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run (conftest's flags): starting one per module cost
    seconds each time. Modules get it through ``browser``, which resets it."""
    from tests.conftest import pytest_setup_options

    driver = chrome(pytest_setup_options())
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def browser(chromium):
    """The run's Chromium, as a new one would be for this module: a new tab (no injected scripts,
    no emulated viewport), no cookies, no cached files, no console entries, the default window; the
    module's local and session storage are cleared when it ends (ports, and so origins, can come
    round again)."""
    reset_browser(chromium)
    yield chromium
    try:
        chromium.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
    except Exception:  # noqa: BLE001 - a page without the app's storage (about:blank, an error page)
        pass
    chromium.get("about:blank")


def reset_browser(driver) -> None:
    # a new tab: nothing a module added to the old one (scripts run on every new document, such as
    # the round-trip tests' fetch hook; emulated devices) carries over
    old = driver.current_window_handle
    driver.switch_to.new_window("tab")
    new = driver.current_window_handle
    driver.switch_to.window(old)
    driver.close()
    driver.switch_to.window(new)
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1400, 1000)
    driver.get_log("browser")  # drained: a module's "no console errors" sees its own


# --- a dash_duo for a whole module ---------------------------------------------------------------

@contextmanager
def module_duo(request, app, download_dir):
    """A dash_duo (dash.testing's DashComposite, made with the arguments its own fixture uses) that
    serves ``app`` and drives one Chromium for a whole module, instead of starting both again for
    every test; ``fresh_page`` gives each test a clean start on it."""
    from dash.testing.application_runners import ThreadedRunner
    from dash.testing.composite import DashComposite

    from tests.conftest import free_port

    cfg = request.config
    with ThreadedRunner() as runner, DashComposite(
            server=runner, browser=cfg.getoption("webdriver"), remote=cfg.getoption("remote"),
            remote_url=cfg.getoption("remote_url"), headless=cfg.getoption("headless"),
            options=cfg.hook.pytest_setup_options(), download_path=str(download_dir),
            percy_assets_root=cfg.getoption("percy_assets"), percy_finalize=cfg.getoption("nopercyfinalize"),
            pause=cfg.getoption("pause")) as dc:
        dc.start_server(app, port=free_port())
        yield dc


def fresh_page(dc, path: str = "/"):
    """Start a test as a new dash_duo would: nothing kept from the test before (cookies, local and
    session storage, the console, the window size), then ``path`` opened and Dash's renderer up."""
    try:
        dc.driver.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
    except Exception:  # noqa: BLE001 - a page with no storage of the app's origin (about:blank)
        pass
    dc.driver.delete_all_cookies()
    dc.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    dc.driver.set_window_size(1400, 1000)
    dc.get_logs()  # drained: a test's "no console errors" sees its own
    dc.wait_for_page(dc.server_url + path)
    return dc
