"""Reference text generated from the code: the README's tables, the version and the change log.

The README holds generated sections between marker pairs::

    <!-- reference:settings -->
    ...generated, never edited by hand...
    <!-- /reference:settings -->

``write()`` rewrites every section from the code (``psad docs``, ``make docs``); ``check()``
returns the names of the sections whose text differs (``psad docs --check``, and
``tests/test_docs.py`` fails on any). Everything outside the markers is hand-written.

Sections today: ``settings`` (from ``app.settings.SETTINGS``), ``api`` (from the endpoints
``app.api`` declares) and ``url`` (the filter-field table and the page registry). To add one:

1. write a function here that returns the Markdown from the table in the code, decorated with
   ``@section("name")``;
2. put ``<!-- reference:name -->`` and ``<!-- /reference:name -->`` on their own lines where the
   table belongs in README.md;
3. run ``psad docs``.

A section whose markers are missing from the README counts as drifted, so step 2 cannot be
forgotten.

``version()`` is the one place the code reads its version (the installed package's metadata,
which ``pyproject.toml`` sets); ``changelog()`` reads ``CHANGELOG.md`` for the About page.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from app.settings import PROJECT_ROOT, SETTINGS

README = PROJECT_ROOT / "README.md"
CHANGELOG = PROJECT_ROOT / "CHANGELOG.md"
PACKAGE = "psad"

SECTIONS: dict[str, Callable[[], str]] = {}  # name -> builder, in the order they are declared


def section(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Declare ``build`` as the generator of README section ``name``."""
    def register(build: Callable[[], str]) -> Callable[[], str]:
        SECTIONS[name] = build
        return build
    return register


# --- Markdown helpers ------------------------------------------------------------------------

def cell(text: str) -> str:
    """Text safe inside one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(value: str) -> str:
    return f"`{value}`"


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --- the sections ----------------------------------------------------------------------------

def default_text(value: Any) -> str:
    """A setting's default as the README shows it: no machine's own paths, booleans as typed."""
    if isinstance(value, bool):
        return code("true" if value else "false")
    if isinstance(value, float):
        return code(f"{value:g}")
    if value == "":
        return "*(empty)*"
    text = str(value)
    root = str(PROJECT_ROOT)
    if text == root or text.startswith(root + "/"):
        text = "." + text[len(root):]
    return code(text)


@section("settings")
def settings_section() -> str:
    rows = [(code(s.name), default_text(s.default), s.doc + limits_text(s.limits)) for s in SETTINGS]
    return (table(("variable", "default", "meaning"), rows)
            + "\n\nA value outside its range, or not a number where one is wanted, stops `psad` and the server at "
              "start with a sentence naming the setting.")


def limits_text(limits) -> str:
    if limits is None:
        return ""
    low, high = limits
    if high is None:
        return f" At least {low}."
    return f" From {low} to {high}."


def _filters_text(spec) -> str:
    if not spec.filters:
        return "none"
    if spec.offense == "always":
        return "all of the page URL's"
    if spec.offense == "never":
        return "the page URL's, except `offense`"
    return f"the page URL's; `offense` {spec.offense}"


def _values_text(param) -> str:
    from app.api.params import PAGE_NUMBER

    if param.allowed is not None:
        return ", ".join(code(v) for v in param.allowed)
    return "a page number (1, 2, …)" if param.kind == PAGE_NUMBER else "text"


@section("api")
def api_section() -> str:
    # Imported here, not at module import: the About page imports this module for version().
    from app.api import endpoints

    specs = endpoints()
    listing = table(("endpoint", "filter parameters", "what it returns"),
                    [(code(f"GET {s.url}"), _filters_text(s), s.returns) for s in specs])
    params = table(("endpoint", "parameter", "values", "default", "meaning"),
                   [(code(s.url), code(p.name), _values_text(p),
                     code(p.default) if p.default is not None else "—", p.doc)
                    for s in specs for p in s.params])
    return f"{listing}\n\nTheir own parameters (each at most once):\n\n{params}"


@section("url")
def url_section() -> str:
    # Imported here: the registry imports nothing heavy, but the vocabularies live in data_access.
    from app.pages import PAGES, SITE_PARAMS
    from app.urlstate import RANGE, RANGE_DOC
    from data_access.filters import FILTER_FIELDS
    from data_access.vocabulary import CVI_PROGRAM_TYPES, OFFENSES

    filters = table(("parameter", "value", "repeatable"), [
        ("`start`, `end`", "ISO dates `YYYY-MM-DD` (inclusive). Default: 1 January of the latest data year to "
                           "the data-as-of date", "no"),
        (code(RANGE), RANGE_DOC, "no"),
        *[(code(f.name), f.values, "yes") for f in FILTER_FIELDS]])
    pages = table(("path", "page", "its own parameters"), [
        (code(p.path), p.label, ", ".join(code(q.name) for q in p.params) or "—") for p in PAGES])
    params = table(("parameter", "page", "value", "default"), [
        *[(code(q.name), "every page", q.values, code(q.default) if q.default else "—") for q in SITE_PARAMS],
        *[(code(q.name), p.label, q.values, code(q.default) if q.default else "—") for p in PAGES for q in p.params]])
    offenses = ", ".join(code(o.code) for o in OFFENSES)
    programs = ", ".join(code(c) for c, _ in CVI_PROGRAM_TYPES)
    return (f"Filters (every page):\n\n{filters}\n\nOffense category codes: {offenses}.\n\n"
            f"Pages, chosen by the path:\n\n{pages}\n\n"
            f"Page parameters (not filters; ignored by other pages, never a notice; written only when they differ "
            f"from the default):\n\n{params}\n\nProgram type codes: {programs}.")


# --- README sections: write and check --------------------------------------------------------

class MissingMarkers(ValueError):
    """README.md has no marker pair for a declared section."""


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- reference:{re.escape(name)} -->\n)(.*?)(<!-- /reference:{re.escape(name)} -->)",
                      re.DOTALL)


def generated() -> dict[str, str]:
    """Every section's text as the code says it should read."""
    return {name: build().rstrip("\n") + "\n" for name, build in SECTIONS.items()}


def render(text: str) -> tuple[str, list[str]]:
    """``text`` with every section regenerated, and the names of the sections that changed.
    Raises ``MissingMarkers`` naming the sections without their marker pair."""
    missing = [name for name in SECTIONS if not _pattern(name).search(text)]
    if missing:
        raise MissingMarkers("README.md has no " + ", ".join(
            f"<!-- reference:{n} --> … <!-- /reference:{n} -->" for n in missing) + " marker pair.")
    changed = []
    for name, body in generated().items():
        pattern = _pattern(name)
        if pattern.search(text).group(2) != body:
            changed.append(name)
            text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(3), text, count=1)
    return text, changed


def check(path: Path | None = None) -> list[str]:
    """Names of the sections of ``path`` (the README) that differ from the code, missing ones
    included."""
    text = (path or README).read_text(encoding="utf-8")
    missing = [name for name in SECTIONS if not _pattern(name).search(text)]
    if missing:
        return missing
    return render(text)[1]


def write(path: Path | None = None) -> list[str]:
    """Rewrite the sections of ``path`` (the README) from the code; the names of those that
    changed."""
    path = path or README
    new, changed = render(path.read_text(encoding="utf-8"))
    if changed:
        path.write_text(new, encoding="utf-8")
    return changed


# --- version and change log ------------------------------------------------------------------

@cache  # the installed version does not change while the process runs
def version() -> str:
    """The version of the installed package; from pyproject.toml when it is not installed."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        try:
            with open(PROJECT_ROOT / "pyproject.toml", "rb") as fh:
                return tomllib.load(fh)["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


@dataclass(frozen=True)
class Release:
    version: str
    date: str  # as written after the dash: an ISO date or "unreleased"
    items: tuple[str, ...]  # Markdown, one per bullet


HEADING = re.compile(r"^##\s+(?P<version>\d+\.\d+\.\d+\S*)\s*(?:[—–-]\s*(?P<date>.+?))?\s*$")


def parse_changelog(text: str) -> list[Release]:
    """Releases from ``## 0.x.y — date`` headings and their ``*``/``-`` bullets (continuation
    lines indented), newest first as written. Other lines are ignored."""
    releases: list[Release] = []
    current: dict | None = None
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            current = {"version": heading["version"], "date": heading["date"] or "", "items": []}
            releases.append(current)
        elif current is None or not line.strip():
            continue
        elif re.match(r"^[*-]\s+", line):
            current["items"].append(line.lstrip()[1:].strip())
        elif line.startswith((" ", "\t")) and current["items"]:
            current["items"][-1] += " " + line.strip()
        elif line.startswith("#"):
            current = None  # another heading ends the release
    return [Release(r["version"], r["date"], tuple(r["items"])) for r in releases]


def changelog(path: Path | None = None) -> list[Release]:
    """The releases in CHANGELOG.md (read on each call; empty when the file is missing)."""
    try:
        return parse_changelog((path or CHANGELOG).read_text(encoding="utf-8"))
    except OSError:
        return []
