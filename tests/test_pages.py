"""The page registry: every page is one registry line whose callbacks touch only the ids of its own
layout and the shell's, and everything that lists pages (nav, switching, validation layout, URL
parameters) reads the registry."""

from __future__ import annotations

import dash
import pytest

from app import ids, pageparams
from app.factory import validation_layout
from app.pages import (
    KEPT_ON_FILTER_CHANGE,
    NAV_PAGES,
    PAGE_PARAMS,
    PAGES,
    LayoutInputs,
    page_for_path,
    shown_page,
)
from app.settings import Settings
from app.urlstate import Choices
from callbacks import filters
from callbacks import shell as shell_callbacks
from callbacks.common import UPDATES
from data_access.filters import FILTER_FIELDS, MULTI_FIELDS, Filters
from layouts import shell

SETTINGS = Settings.from_env(database_url="postgresql://nobody@127.0.0.1:1/none")


def component_ids(layout) -> set[str]:
    return {c.id for c in layout._traverse() if getattr(c, "id", None)} | (
        {layout.id} if getattr(layout, "id", None) else set())


def shell_ids() -> set[str]:
    return component_ids(shell.shell({}, Choices(), False, NAV_PAGES))


def page_ids(page) -> set[str]:
    return component_ids(shell.page_frame(page.name, page.layout(LayoutInputs(settings=SETTINGS))))


def wildcard(component_id: str) -> bool:
    """A pattern-matching id with ALL / MATCH / ALLSMALLER (a list of buttons a callback fills in):
    it stands for zero or more components, so a page with none of them yet is no error."""
    return component_id.startswith("{") and any(w in component_id for w in ('["ALL"]', '["MATCH"]', '["ALLSMALLER"]'))


def callbacks_of(register) -> list[tuple[set[str], set[str]]]:
    """(output ids, input ids) of each callback ``register(app)`` adds (wildcard ids left out)."""
    app = dash.Dash(__name__)
    register(app)
    return [({p.rsplit(".", 1)[0].split("@")[0] for p in cb["output"].strip(".").split("...")},
             {i["id"] for i in cb["inputs"] if not wildcard(i["id"])}) for cb in app._callback_list]


def callback_ids(register) -> set[tuple[str, str]]:
    """(kind, id) of every output, input and state of the callbacks ``register(app)`` adds."""
    app = dash.Dash(__name__)
    register(app)
    out = set()
    for key, spec in app.callback_map.items():
        for part in key.strip(".").split("..."):
            out.add(("output", part.rsplit(".", 1)[0].split("@")[0]))
        out |= {("input", i["id"]) for i in spec["inputs"]} | {("state", s["id"]) for s in spec["state"]}
    for cb in app._callback_list:  # clientside callbacks too
        for part in cb["output"].strip(".").split("..."):
            out.add(("output", part.rsplit(".", 1)[0].split("@")[0]))
    # the page updates that run in the shell's requests (callbacks.common.page_callback)
    for updates in app.server.extensions.get(UPDATES, {}).values():
        for u in updates:
            out |= {("output", o.component_id) for o in u.output.values()}
            out |= {("state", d.component_id) for d in u.reads.values()}
    return out


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_a_pages_callbacks_touch_only_its_layout_and_the_shell(page):
    allowed = shell_ids() | page_ids(page)
    used = callback_ids(page.register)
    assert used, f"{page.name} registers no callback and no page update"
    missing = sorted(f"{kind} {i}" for kind, i in used if i not in allowed and not wildcard(i))
    assert not missing, f"{page.name}'s callbacks use ids that neither its layout nor the shell holds: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_a_callback_writing_the_shell_takes_inputs_from_one_side(page):
    """The browser fires a callback when an input changes and one of its outputs exists; if its
    other inputs are on a page that is not shown it fails ("a nonexistent object was used")."""
    shell_side, page_side = shell_ids(), page_ids(page)
    for outputs, inputs in callbacks_of(page.register):
        if outputs & shell_side:
            assert inputs <= shell_side or inputs <= page_side, (outputs, inputs)


def test_shell_callbacks_touch_only_the_shell():
    allowed = shell_ids()
    for register in (shell_callbacks.register, filters.register):
        missing = sorted(i for _, i in callback_ids(register) if i not in allowed)
        assert not missing


def test_no_id_is_in_two_places_and_the_validation_layout_holds_every_one():
    seen: dict[str, str] = {i: "shell" for i in shell_ids()}
    for page in PAGES:
        for i in page_ids(page):
            assert i not in seen, f"id {i} is in {seen[i]} and in {page.name}"
            seen[i] = page.name
    validation = {c["props"]["id"] for c in validation_layout(SETTINGS).children}
    assert validation == set(seen)


def test_the_registry_is_well_formed():
    names = [p.name for p in PAGES]
    paths = [p.path for p in PAGES]
    assert len(set(names)) == len(names) and len(set(paths)) == len(paths)
    assert len(set(PAGE_PARAMS)) == len(PAGE_PARAMS), "two pages claim the same URL parameter"
    assert not set(PAGE_PARAMS) & ({"start", "end"} | set(MULTI_FIELDS)), "a page parameter shadows a filter"
    assert set(KEPT_ON_FILTER_CHANGE) == set(PAGE_PARAMS) - {"page"}
    assert tuple(pageparams.MAP_DEFAULTS) == pageparams.MAP_PARAMS
    for page in PAGES:
        assert callable(page.module.layout) and callable(page.module.register)
    assert page_for_path("/nowhere") is None and shown_page("/nowhere") is PAGES[0]
    nav = shell.nav(NAV_PAGES)
    assert [link.href for link in nav.children.children] == [p.path for p in PAGES if p.in_nav]
    assert "/present" not in [link.href for link in nav.children.children]  # opened by its own control


def test_the_filter_table_is_the_filters_value():
    import dataclasses

    assert tuple(f.name for f in dataclasses.fields(Filters))[2:] == tuple(f.name for f in FILTER_FIELDS)
    bar = component_ids(shell.filter_bar({}, Choices()))
    assert {ids.FILTER_CONTROLS[f.name] for f in FILTER_FIELDS} <= bar


def test_the_registry_documents_what_the_map_accepts():
    from data_access.map_queries import MAP_LAYERS

    layer = next(q for q in PAGES[1].params if q.name == "layer")
    assert all(f"`{code}`" in layer.values for code in MAP_LAYERS)
