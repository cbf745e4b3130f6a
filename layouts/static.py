"""``Static``: a block of plain HTML (a chart's table) that the browser draws as one component.

Dash draws every ``html.*`` component through its own wrapper (a React component with its store
subscriptions, its loading state and its callbacks' bookkeeping), so a page's "Show as table"
disclosures, closed or not, cost as much as the rest of the page: on the Summary 593 of 885
elements, on the Map 1,640 of 3,530, most of the React work of a phone's first view (Lighthouse's
two long tasks of 458 and 280 ms in react-dom). A table's cells need none of that: no callback
reads or writes them. ``Static(content=…)`` carries the same tree in Dash's wire form, and
``assets/psad_static.js`` turns it into plain React elements: the same ``<table>``, ``<caption>``,
``<th scope>`` and classes, at the cost of the elements alone.

Only ``html.*`` components without an ``id`` may be inside (``static`` checks, and keeps a tree
that has one as Dash components): a callback can neither find nor update what is inside a
``Static``. One exception, for the tables whose rows are buttons (the Summary's offenses, the
Map's areas): with ``press`` (the id of the page's ``dcc.Store`` of pressed buttons,
``app.ids.pressed_id``), ``html.Button``s with a pattern-matching id are drawn as buttons with that
id, and a press writes ``{"id": …, "t": …}`` into the store, as the page's own clientside code
did for Dash's buttons; focus returns to the pressed button when the table is redrawn.
``tests.dash_support.from_wire`` turns a ``Static`` back into the components it stands for, so a
test walks a page's tree as before.
"""

from __future__ import annotations

from dash.development.base_component import Component

NAMESPACE = "psad"  # window.psad in assets/psad_static.js
HTML = "dash_html_components"


class _Psad(Component):
    """One of this project's own components (``window.psad`` in ``assets/``): ``_props`` are its
    properties; those given as None are left out, as Dash's generated components do."""

    _children_props: list[str] = []
    _base_nodes = ["children"]
    _namespace = NAMESPACE
    _props: tuple[str, ...] = ()

    def __init__(self, **values):
        self._prop_names = list(self._props)
        self._valid_wildcard_attributes = []
        self.available_properties = list(self._props)
        self.available_wildcard_properties = []
        # Dash's own Component.__init__ checks the same, but first imports the namespace ("psad",
        # not a module) once per property to word its messages, and a failed import searches the
        # whole path each time: 30 us a property, five times what a whole html.Div costs
        for k, v in values.items():
            if v is None:
                continue
            if k not in self._props:
                raise TypeError(f"The `{self._type}` component received an unexpected keyword argument: `{k}`"
                                f"\nAllowed arguments: {', '.join(sorted(self._props))}")
            if k not in self._base_nodes and isinstance(v, Component):
                raise TypeError(f"The `{self._type}` component got a component for `{k}`, not `children`")
            if k == "id" and not isinstance(v, (str, dict)):
                raise TypeError(f"`id` prop must be a string or dict, not {v!r}")
            setattr(self, k, v)


class Static(_Psad):
    """Plain HTML drawn without Dash's per-component wrapper; ``content``: one ``html.*`` tree in
    the wire form (``static`` makes it)."""

    _type = "Static"
    _props = ("id", "content", "press")

    def __init__(self, content=None, press=None, id=None, **kwargs):  # noqa: A002 (Dash's own name)
        super().__init__(content=content, press=press, id=id, **kwargs)


class Gate(_Psad):
    """Its ``children``, drawn by the browser only once the gate is on screen (``assets/psad_gate.js``:
    at once where its container is shown, later when a folded container opens; then kept). Until
    then Dash keeps them in its layout, where callbacks read and write them as usual, but nothing of
    them is drawn: on a phone, the folded filter panel's dropdowns and date range cost a fifth of
    the first view's script time (each dropdown builds a search index of its choices) for a panel
    nobody had opened. ``load_ahead``: files of dash_core_components' folder that the children load
    when drawn (Dash's lazily loaded dropdown and date picker), run once the page has loaded (a
    chunk only registers its modules), so that opening waits for no request. The server's first view
    (``app.first_view``) draws the children as usual."""

    _type = "Gate"
    _props = ("children", "id", "load_ahead")

    def __init__(self, children=None, id=None, load_ahead=None, **kwargs):  # noqa: A002 (Dash's own name)
        super().__init__(children=children, id=id, load_ahead=load_ahead, **kwargs)


class Defer(_Psad):
    """Its ``children``, drawn by the browser in a React transition just after the rest of the page
    (``assets/psad_defer.js``): in slices the browser can interrupt to answer the reader, not in
    the one long task in which Dash draws a layout (on a phone, Lighthouse's total blocking time).
    The server's first view (``app.first_view``) shows them as usual and stays on screen until
    every ``Defer`` has drawn. No ``dcc.Store`` holding data may be inside: it calls setProps while
    being drawn, which restarts the transition (``layouts.shell.page_frame`` keeps them out)."""

    _type = "Defer"
    _props = ("children", "id")

    def __init__(self, children=None, id=None, **kwargs):  # noqa: A002 (Dash's own name)
        super().__init__(children=children, id=id, **kwargs)


class Wired(dict):
    """A node ``layouts.common.wire`` made whose whole tree is plain ``html.*`` in the wire form,
    without an id (text, numbers and other ``Wired`` nodes inside): ``_wire`` takes it as it is
    instead of walking its cells again (a fifteen-year table is thousands of them). JSON sees a
    plain dict, and so does pickle (a cached answer names no class of ours)."""

    __slots__ = ()

    def __reduce_ex__(self, _protocol):
        return dict, (dict(self),)


class _Addressed(Exception):
    """Something in the tree a callback addresses: the tree stays Dash components."""


def _wire(node, press: bool, named: bool = False):
    """``node`` in the wire form, checked in the same walk: Dash components become their JSON
    (``to_plotly_json``), nodes already in the wire form (``layouts.common.wire``'s rows, most of a
    big table) are kept as they are, not copied; a button's click counter is dropped from a copy
    of its props. Raises ``_Addressed`` at anything but text and ``html.*`` elements without an
    id (with ``press``: buttons with a pattern-matching id too; with ``named``: plain string ids,
    kept as the elements' ids)."""
    if type(node) is Wired:  # checked when it was made
        return node
    if isinstance(node, Component):
        node = node.to_plotly_json()
    if isinstance(node, (list, tuple)):
        out = [_wire(n, press, named) for n in node]
        return node if isinstance(node, list) and all(a is b for a, b in zip(out, node)) else out
    if isinstance(node, dict):
        props = node.get("props", {})
        if node.get("namespace") != HTML:
            raise _Addressed
        counters = ()
        if "id" in props and not (named and isinstance(props["id"], str)):
            if not (press and node.get("type") == "Button" and isinstance(props["id"], dict)):
                raise _Addressed
            counters = [k for k in ("n_clicks", "n_clicks_timestamp") if k in props]
        children = props.get("children")
        wired = _wire(children, press, named)
        if wired is children and not counters:
            return node
        props = {k: v for k, v in props.items() if k not in counters}
        props["children"] = wired
        return {**node, "props": props}
    if node is None or isinstance(node, (str, int, float)):
        return node
    raise _Addressed


def static(tree, press: str | None = None, *, named: bool = False):
    """``tree`` (an ``html.*`` component or its wire form) as a ``Static`` when nothing in it is
    addressed by a callback (``press``: see the module's text); otherwise ``tree`` itself, drawn
    by Dash as usual. ``named``: the tree's plain string ids (a headline card's, for links and
    tests) are no callback's, so they are kept as the elements' ids; tests/test_static_tables.py
    checks every page's layout for an id inside a ``Static`` that a callback names."""
    try:
        content = _wire(tree, bool(press), named)
    except _Addressed:
        return tree
    return Static(content=content, press=press)
