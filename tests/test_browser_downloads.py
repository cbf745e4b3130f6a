"""Every "Download CSV" link gives the numbers the page shows (issue 14), in real Chromium.

On each page with Download CSV links, opened with a filter in its address (Council District 7,
three years), each link's address is read as a click makes it (``window.psadCsvHref``, from
assets/psad_csv.js; one link is also hovered and its ``href`` read), fetched from the served app,
and parsed: the link carries the page's filters, language and ``format=csv``; the file is a CSV
with a header and rows, named (Content-Disposition) after the area and the dates of the page's
filters; and at least one of its numbers is a number the page shows beside the link (in the
link's section, its tables opened).

One served app and one Chromium for the module (``site`` and ``browser``, tests/axe_support.py).
"""

from __future__ import annotations

import csv
import io
import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from app import ids
from tests.axe_support import set_viewport, severe_logs, wait_drawn, wait_for

pytestmark = pytest.mark.browser

START, END = "2023-01-01", "2025-12-31"
FILTER = f"council_district=7&start={START}&end={END}"
# path -> a selector whose text is non-empty once the page's data has arrived
PAGES = {
    "/": "#card-all .card-value",
    "/map": f"#{ids.MAP_LEGEND}",
    "/demographics": f"#{ids.DEMO_VICTIMS}",
    "/arrests": f"#{ids.ARRESTS_CLEARANCE_TABLE}",
    "/outcomes": f"#{ids.OUTCOMES_CARDS}",
    "/cvi": f"#{ids.CVI_LIST}",
}
# the page's own parameters, in its address too: the link must carry those it names
PAGE_PARAMS = {"/map": "layer=council_district"}

_RENDERED = """
const marker = arguments[0];
const main = document.querySelector('main');
const m = document.querySelector(marker);
if (!main || !m || !m.textContent.trim()) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
if (/Loading…|Cargando…/.test(main.innerText)) { return false; }
return Array.from(main.querySelectorAll('.js-plotly-plot')).every(g => g._fullLayout && g.querySelector('.main-svg'));
"""

# Every download link in <main>: the address a click gives it, the parameters it names, and the
# numbers the page shows beside it: its own paragraph's text (a note: "476 incidents") and the
# table cells, cards and list items of the nearest part of the page that holds some (its section),
# with every table open.
_LINKS = """
document.querySelectorAll('main details').forEach(d => { d.open = true; });
const SHOWN = 'td, .card-value, .cvi-site';
const links = Array.from(document.querySelectorAll('main a[data-psad-csv], main a[href*="format=csv"]'));
return links.map((a, i) => {
  a.setAttribute('data-download-test', String(i));
  let box = a.parentElement;
  while (box && box.tagName !== 'MAIN' && !box.querySelector(SHOWN)) { box = box.parentElement; }
  const own = a.parentElement.cloneNode(true);
  own.querySelectorAll('a').forEach(x => x.remove());
  const texts = Array.from((box || document).querySelectorAll(SHOWN)).filter(e => !e.closest('a'))
    .map(e => e.innerText);
  return {i: i, name: a.innerText.replace(/\\s+/g, ' ').trim(), api: a.getAttribute('data-psad-csv'),
          names: (a.getAttribute('data-psad-params') || '').split(',').filter(Boolean),
          href: a.hasAttribute('data-psad-csv') ? window.psadCsvHref(a) : a.getAttribute('href'),
          shown: [own.textContent].concat(texts).join(' | ')};
});
"""


@pytest.fixture()
def driver(browser, site):
    """The shared browser, its console log emptied; no SEVERE entry may be logged by the test."""
    severe_logs(browser)
    set_viewport(browser, 1400, 900)
    yield browser
    assert severe_logs(browser) == []


def numbers(text: str) -> set[float]:
    """Every number written in English ("1,234", "24.9", "46%", "−3")."""
    out = set()
    for token in re.findall(r"\d[\d,]*(?:\.\d+)?", text.replace("\u00a0", " ")):
        try:
            out.add(float(token.replace(",", "")))
        except ValueError:
            pass
    return out


def telling(values: set[float]) -> set[float]:
    """Numbers that say something about the data: not 0 or 1, not a year."""
    return {v for v in values if v > 1 and not (v.is_integer() and 1990 <= v <= 2030)}


def file_numbers(rows: list[list[str]]) -> set[float]:
    """The numbers of a CSV's cells, its number of rows and each whole-number column's total (not a year's)."""
    head, body = rows[0], rows[1:]
    out = {float(len(body))}
    for j in range(len(head)):
        column = [r[j].strip() for r in body if j < len(r)]
        values = [float(c) for c in column if re.fullmatch(r"-?\d+(\.\d+)?", c)]
        out.update(values)
        if values and all(v.is_integer() for v in values) and "year" not in head[j]:
            out.add(sum(values))
    return out


def fetch(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8-sig")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def filename(headers: dict) -> str:
    disposition = headers.get("Content-Disposition", "")
    m = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition)
    return m.group(1) if m else ""


def check_link(site, path: str, search: str, link: dict) -> list[str]:
    """What is wrong with one link's address, its file, and the file against the page."""
    where = f"{path} {link['name']!r}"
    query = parse_qs(urlsplit(link["href"]).query)
    page = parse_qs(search)
    named = link["names"] or list(page)  # a plain link carries the filters it was written with
    lost = {k: v for k, v in page.items() if k in named and query.get(k) != v}
    if lost or query.get("format") != ["csv"] or (link["api"] and query.get("lang") != ["en"]):
        return [f"{where}: {link['href']} lost the page's {lost or 'format=csv or lang=en'}"]
    status, headers, body = fetch(site.url + link["href"])
    if status != 200 or "csv" not in headers.get("Content-Type", ""):
        return [f"{where}: {status} {headers.get('Content-Type')}: {body[:200]!r}"]
    rows = list(csv.reader(io.StringIO(body)))
    name = filename(headers)
    if len(rows) < 2:
        return [f"{where}: {len(rows)} lines in {name}"]
    problems = []
    if (link["api"] or "").endswith("/goal"):
        # the goal's years are its own (the date filter does not apply to it): from its baseline year
        first = min(r[0] for r in rows[1:])
        dates_ok = f"_{first}-01-01_" in name
    else:
        dates_ok = f"_{START}_{END}" in name
    if not (name.endswith(".csv") and "_council-7_" in name and dates_ok):
        problems.append(f"{where}: the file name {name!r} does not say council-7 and the page's dates")
    in_file, shown = telling(file_numbers(rows)), telling(numbers(link["shown"]))
    if not in_file & shown:
        problems.append(f"{where}: no number of {name} is on the page beside the link: "
                        f"file {sorted(in_file)[:10]}, page {sorted(shown)[:10]}")
    return problems


def test_every_download_link_gives_the_pages_numbers_for_the_pages_filters(driver, site):
    problems, seen = [], {}
    for path, marker in PAGES.items():
        search = "&".join(p for p in (FILTER, PAGE_PARAMS.get(path, "")) if p)
        driver.get(f"{site.url}{path}?{search}")
        wait_for(lambda: driver.execute_script(_RENDERED, marker), timeout=40, message=f"{path}?{search} drawn")
        wait_drawn(driver)
        links = driver.execute_script(_LINKS)
        seen[path] = [link["api"] or link["href"].split("?")[0] for link in links]
        if not links:
            continue
        # a real pointer over the first link writes the address psadCsvHref gave into its href
        first = driver.find_element("css selector", "a[data-download-test='0']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", first)
        ActionChains(driver).move_to_element(first).perform()
        href = first.get_attribute("href")
        if not href.endswith(links[0]["href"]):
            problems.append(f"{path}: the hovered link's href {href!r}, psadCsvHref {links[0]['href']!r}")
        for link in links:
            problems += check_link(site, path, search, link)
    assert not problems, "\n".join(problems)
    # the pages' own parameters reach the endpoints that take them (the Map's layer)
    assert any(p.endswith("/map/areas") for p in seen["/map"]), seen["/map"]
    assert all(seen.values()), f"a page without a download link: {seen}"
