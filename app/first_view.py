"""The first view drawn by the server, in the page's HTML (issue 12: phones).

Dash sends a page as an empty ``<div>`` and draws everything in the browser once its scripts have
arrived and run: on a phone (Lighthouse's mobile throttling) the headline numbers appeared after
4.3-5 s, all of it waiting on some 400 KB of JavaScript and React building the page. The layout
Dash will draw is already made on the server for the page's address (``app.factory.serve_layout``,
cached per data version, language and view), so the page's HTML now carries it as plain HTML: the
reader sees the numbers, the tables and the links as soon as the HTML and the style sheets have
arrived, and the links work before any script has run.

``render`` turns the layout's JSON into HTML: ``html.*`` components as their elements, the few
others Dash and dash-bootstrap-components draw as the markup they draw (a dropdown shows its
choice, the date range its dates, a chart the space it will take). Ids are written as
``data-ssr-id``: Dash draws the same page beside it (hidden, ``.psad-pending`` in app.css) and an
id must name one element. ``assets/psad_first.js`` swaps the two once Dash has drawn the page,
moving focus and the open "Show as table" disclosures across, so nothing the reader did is lost.

Nothing here reads the database: it renders what ``/_dash-layout`` serves for the same address,
from the same cache. A failure leaves Dash's own empty page (logged once per process)."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from html import escape

log = logging.getLogger(__name__)

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"})
# React's names of attributes whose HTML name differs (beyond lower case)
ATTRIBUTES = {"className": "class", "htmlFor": "for"}
# props of Dash's html components that are no attributes
NOT_ATTRIBUTES = frozenset({"children", "id", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state",
                            "key", "setProps"})
# style properties React writes without "px" when given a number
UNITLESS = frozenset({"opacity", "zIndex", "flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "order",
                      "zoom", "gridRow", "gridColumn"})
TAGS = {"MapEl": "map", "ObjectEl": "object"}


def _css(style) -> str:
    if isinstance(style, str):
        return style
    if not isinstance(style, dict):
        return ""
    parts = []
    for name, value in style.items():
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in UNITLESS and value != 0:
            value = f"{value}px"
        prop = name if name.startswith("--") else re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), name)
        parts.append(f"{prop}: {value}")
    return "; ".join(parts)


def _attrs(props: dict, skip=NOT_ATTRIBUTES, **extra) -> str:
    """The element's attributes: the component's props under their HTML names, its id as
    ``data-ssr-id``, then ``extra`` (a trailing underscore dropped: ``class_``)."""
    out = []
    cid = props.get("id")
    if isinstance(cid, str):
        out.append(f' data-ssr-id="{escape(cid)}"')
    items = [(k, v) for k, v in props.items() if k not in skip] + [(k.rstrip("_"), v) for k, v in extra.items()]
    for name, value in sorted(items, key=lambda kv: kv[0].lower()):  # one spelling per tree (Dash's order varies)
        if value is None or value is False:
            continue
        name = ATTRIBUTES.get(name, name if name.startswith(("aria-", "data-")) else name.lower())
        if name == "style":
            value = _css(value)
            if not value:
                continue
        if value is True:
            out.append(f" {name}")
        elif isinstance(value, (str, int, float)):
            out.append(f' {name}="{escape(str(value))}"')
    return "".join(out)


def _classes(*names) -> str | None:
    joined = " ".join(n for n in names if n)
    return joined or None


class Renderer:
    """One page's HTML; ``lang`` formats the date picker's dates as the browser's will."""

    def __init__(self, lang: str = "en"):
        self.lang = lang

    def render(self, node) -> str:
        if node is None or isinstance(node, bool):
            return ""
        if isinstance(node, (str, int, float)):
            return escape(str(node), quote=False)
        if isinstance(node, list):
            return "".join(self.render(n) for n in node)
        if not isinstance(node, dict) or "type" not in node:
            return ""
        props = node.get("props") or {}
        ns, kind = node.get("namespace"), node["type"]
        if ns == "dash_html_components":
            tag = TAGS.get(kind, kind.lower())
            if tag in VOID:
                return f"<{tag}{_attrs(props)}>"
            return f"<{tag}{_attrs(props)}>{self.render(props.get('children'))}</{tag}>"
        handler = getattr(self, f"_{ns}_{kind}", None)
        if handler is not None:
            return handler(props)
        # any other component: its children in a <div> with its classes, so its text is there
        return f"<div{_attrs({}, class_=props.get('className'))}>{self.render(props.get('children'))}</div>"

    # --- this project's own -------------------------------------------------------------------

    def _psad_Static(self, props):
        return self.render(props.get("content"))

    def _psad_Defer(self, props):  # drawn later by the browser (a Gate: when shown); here, as it will look
        return self.render(props.get("children"))

    _psad_Gate = _psad_Defer

    # --- dash_core_components -----------------------------------------------------------------

    def _dash_core_components_Store(self, props):
        return ""

    _dash_core_components_Location = _dash_core_components_Store
    _dash_core_components_Interval = _dash_core_components_Store
    _dash_core_components_Download = _dash_core_components_Store

    def _dash_core_components_Loading(self, props):
        return f'<div style="position: relative;">{self.render(props.get("children"))}</div>'

    def _dash_core_components_Link(self, props):
        keep = {k: props.get(k) for k in ("href", "title", "className", "target")}
        return f"<a{_attrs({'id': props.get('id')}, **keep)}>{self.render(props.get('children'))}</a>"

    def _dash_core_components_Graph(self, props):
        # the space the chart will take, so nothing below it moves when it is drawn
        attrs = _attrs({"id": props.get("id")}, class_=_classes("dash-graph", props.get("className")),
                       style=props.get("style"))
        return f"<div{attrs}></div>"

    def _dash_core_components_Markdown(self, props):
        text = props.get("children")
        text = "\n".join(text) if isinstance(text, list) else str(text or "")
        return f"<div{_attrs({'id': props.get('id')}, class_=props.get('className'))}>{markdown(text)}</div>"

    def _dash_core_components_Input(self, props):
        keep = {k: props.get(k) for k in ("type", "value", "placeholder", "className", "name", "min", "max",
                                          "autoComplete", "aria-label", "aria-describedby")}
        return f"<input{_attrs({'id': props.get('id')}, **keep, readonly=True)}>"

    def _dash_core_components_Dropdown(self, props):
        labels = {str(o.get("value")): o.get("label") for o in _options(props.get("options"))}
        value = props.get("value")
        chosen = [v for v in (value if isinstance(value, list) else [value]) if v is not None and v != ""]
        if chosen:
            inner = "".join(f'<span class="dash-dropdown-value-item"><span>{self.render(labels.get(str(v), v))}'
                            "</span></span>" for v in chosen)
        else:
            inner = f'<span class="dash-dropdown-placeholder">{escape(props.get("placeholder") or "")}</span>'
        # named by what it shows, as a screen reader would read it (WCAG 2.5.3)
        return ('<div class="dash-dropdown-wrapper">'
                f'<button{_attrs({"id": props.get("id")}, type="button", class_="dash-dropdown")}>'
                '<span class="dash-dropdown-grid-container dash-dropdown-trigger">'
                f'<span class="dash-dropdown-value">{inner}</span></span></button></div>')

    def _dash_core_components_DatePickerRange(self, props):
        fmt = props.get("display_format") or "YYYY-MM-DD"

        def box(which, value, placeholder):
            shown = self.date(value, fmt)
            width = f"width: {0.87 * max(len(shown or placeholder), 4):.1f}ch"  # about as wide as its text, as Dash sizes it
            return (f'<input type="text" class="dash-datepicker-input dash-datepicker-{which}-date" readonly'
                    f'{_attrs({}, value=shown, placeholder=placeholder, style=width, **{"aria-label": placeholder})}>')

        start = box("start", props.get("start_date"), props.get("start_date_placeholder_text") or "")
        end = box("end", props.get("end_date"), props.get("end_date_placeholder_text") or "")
        return (f'<div class="dash-datepicker"><div{_attrs({"id": props.get("id")}, class_="dash-datepicker-input-wrapper")}>'
                f'{start}<span class="dash-datepicker-range-arrow" aria-hidden="true">→</span>{end}</div></div>')

    def date(self, value, fmt: str) -> str:
        """``value`` (ISO) as the date picker shows it (moment's ``display_format``)."""
        try:
            day = date.fromisoformat(str(value)[:10])
        except ValueError:
            return ""
        from babel.dates import format_date

        from app import i18n

        pattern = fmt.replace("YYYY", "y").replace("DD", "dd").replace("D", "d")
        try:
            return format_date(day, pattern, locale=i18n.babel_locale(self.lang))
        except (ValueError, KeyError):
            return day.isoformat()

    # --- dash_bootstrap_components ------------------------------------------------------------

    def _dash_bootstrap_components_Alert(self, props):
        if props.get("is_open") is False:
            return ""
        cls = _classes("alert", f"alert-{props.get('color') or 'primary'}", props.get("className"))
        return f'<div role="alert"{_attrs({"id": props.get("id")}, class_=cls)}>{self.render(props.get("children"))}</div>'

    def _dash_bootstrap_components_Button(self, props):
        color = props.get("color") or "primary"
        size = {"sm": "btn-sm", "lg": "btn-lg"}.get(props.get("size"))
        cls = _classes("btn", f"btn-outline-{color}" if props.get("outline") else f"btn-{color}", size,
                       props.get("className"))
        keep = {"title": props.get("title"), "aria-label": props.get("aria-label"), "disabled": props.get("disabled")}
        if props.get("href"):
            return f'<a{_attrs({"id": props.get("id")}, href=props["href"], class_=cls, **keep)}>{self.render(props.get("children"))}</a>'
        return f'<button type="button"{_attrs({"id": props.get("id")}, class_=cls, **keep)}>{self.render(props.get("children"))}</button>'

    def _dash_bootstrap_components_Nav(self, props):
        cls = _classes("nav", "nav-pills" if props.get("pills") else None, "nav-fill" if props.get("fill") else None,
                       "flex-column" if props.get("vertical") else None, props.get("className"))
        return f'<div{_attrs({"id": props.get("id")}, class_=cls)}>{self.render(props.get("children"))}</div>'

    def _dash_bootstrap_components_NavLink(self, props):
        cls = _classes("nav-link", "active" if props.get("active") is True else None, props.get("className"))
        keep = {"title": props.get("title"), "aria-current": "page" if props.get("active") is True else None}
        return f'<a{_attrs({"id": props.get("id")}, href=props.get("href"), class_=cls, **keep)}>{self.render(props.get("children"))}</a>'

    def _dash_bootstrap_components_RadioItems(self, props):
        value, inline = props.get("value"), props.get("inline")
        items = []
        for opt in _options(props.get("options")):
            check = ' checked' if opt.get("value") == value else ""
            label = opt.get("label")
            name = _attrs({}, **{"aria-label": label if isinstance(label, str) else None})
            items.append(f'<div class="form-check{" form-check-inline" if inline else ""}">'
                         f'<input type="radio" class="form-check-input"{name}{check}>'
                         f'<label class="form-check-label">{self.render(label)}</label></div>')
        return f'<div{_attrs({"id": props.get("id")}, class_=props.get("className"))}>{"".join(items)}</div>'

    def _dash_bootstrap_components_Switch(self, props):
        check = " checked" if props.get("value") else ""
        label = props.get("label")
        name = _attrs({}, **{"aria-label": label if isinstance(label, str) else None})
        return (f'<div{_attrs({"id": props.get("id")}, class_=_classes("form-check", "form-switch", props.get("className")))}>'
                f'<input type="checkbox" role="switch" class="form-check-input"{name}{check}>'
                f'<label class="form-check-label">{self.render(props.get("label"))}</label></div>')

    # --- dash_leaflet: the map's box; its areas are drawn by Leaflet --------------------------

    def _dash_leaflet_MapContainer(self, props):
        attrs = _attrs({"id": props.get("id")}, class_=_classes("leaflet-container", props.get("className")),
                       style=props.get("style"))
        return f"<div{attrs}></div>"


def _options(options) -> list[dict]:
    if isinstance(options, dict):
        return [{"label": v, "value": k} for k, v in options.items()]
    return [o if isinstance(o, dict) else {"label": o, "value": o} for o in options or []]


# --- Markdown: the subset the pages' own texts use ----------------------------------------------

_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r'<a href="\2">\1</a>'),
]


def _inline(text: str) -> str:
    out = escape(text, quote=False)
    for pattern, repl in _INLINE:
        out = pattern.sub(repl, out)
    return out


def markdown(text: str) -> str:
    """Paragraphs, headings, bullet and numbered lists, bold, italics, code and links: what this
    project's Markdown texts hold (drawn by dcc.Markdown once Dash runs)."""
    html, para, items, kind = [], [], [], None

    def flush():
        nonlocal para, items, kind
        if para:
            html.append(f"<p>{_inline(' '.join(para))}</p>")
        if items:
            html.append(f"<{kind}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{kind}>")
        para, items, kind = [], [], None

    for raw in text.splitlines():
        line = raw.strip()
        bullet = re.match(r"^[*-]\s+(.*)", line)
        number = re.match(r"^\d+[.)]\s+(.*)", line)
        heading = re.match(r"^(#{1,6})\s+(.*)", line)
        if not line:
            flush()
        elif heading:
            flush()
            level = len(heading.group(1))
            html.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or number:
            want = "ul" if bullet else "ol"
            if para or (kind and kind != want):
                flush()
            kind = want
            items.append((bullet or number).group(1))
        elif items and raw[:1].isspace():
            items[-1] += " " + line  # a list item's continued line
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return "".join(html)


# --- serving ----------------------------------------------------------------------------------

FIRST = ":first-view"  # the layout cache's key + this: the layout drawn as HTML
LAYOUT_KEPT = "psad_layout_kept"  # flask.g: the layout body the layout view found or put in the cache


def page_html(app) -> str | None:
    """This request's first view as HTML (the layout ``/_dash-layout`` serves for its address),
    or None when there is none to draw. Drawn once per layout (the shared cache, beside the
    layout), with the address left as the layout's stand-ins and written in per request."""
    from flask import current_app, g, request

    from app import i18n, response_cache
    from app.factory import HREF_TOKEN, SEARCH_TOKEN, layout_key
    from app.pages import page_for_path
    from data_access.cache import cache

    page = page_for_path(request.path)
    if page is not None and not page.first_view:
        return None
    g.psad_first_view = request.url
    try:
        key = layout_key()
        drawn = cache.get(key + FIRST) if key else None
        if drawn is None:
            response = current_app.view_functions[app.config.routes_pathname_prefix + "_dash-layout"]()
            if getattr(response, "status_code", 200) != 200:
                return None
            raw = g.pop(LAYOUT_KEPT, None)  # the layout as cached (the view says): its address still stand-ins
            body = response_cache.fill_nonces(raw, "0") if raw is not None else response.get_data(as_text=True)
            drawn = Renderer(i18n.get_lang()).render(json.loads(body))
            if raw is not None:
                cache.set(key + FIRST, drawn)
    finally:
        g.pop("psad_first_view", None)
    search = "?" + request.query_string.decode("utf-8", "replace") if request.query_string else ""
    return drawn.replace(SEARCH_TOKEN, escape(search)).replace(HREF_TOKEN, escape(request.url.split("#")[0]))


def install(app) -> None:
    """The page's HTML carries its first view (``page_html``) beside Dash's entry point."""
    original = app.interpolate_index
    logged = False

    def interpolate_index(**kwargs):
        nonlocal logged
        try:
            drawn = page_html(app)
        except Exception:  # noqa: BLE001 — the page still works without it: Dash draws it
            if not logged:
                log.exception("the first view could not be drawn on the server; Dash draws it alone")
                logged = True
            drawn = None
        if drawn:
            kwargs["app_entry"] = ('<div id="psad-first" class="psad-first">' + drawn + "</div>\n"
                                   '<div id="react-entry-point" class="psad-pending"></div>')
        return original(**kwargs)

    app.interpolate_index = interpolate_index
