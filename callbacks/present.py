"""The presentation deck (``/present``): the filter state and the deck's own parameters -> every
slide's data in one request -> ``layouts.present``.

Moving between slides is done in the browser (``assets/psad_deck.js``), with no round trip, so a
deck keeps working when the venue's network drops after it loaded. ``deck_outputs`` is the whole
adapter as a plain function (the benchmark, the cache warming and the tests call it).

Cache warming: after a load, ``warm_decks`` computes the default deck citywide and of every police
and Council district, so each one's first opening is answered from the cache. The server does it
itself, in a background thread, when a callback first sees a new data version (a job of
``app.warming``'s runner, ``install_warmer``); with a shared Redis cache the load commands
do it too, and a claim in the cache (``claim_warm``) lets only one process warm a version.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pandas as pd
from dash import Output, State
from flask import has_request_context, request

from app import ids
from app.i18n import DEFAULT, _, get_lang, ngettext
from app.pageparams import PRESENT_DEFAULTS, kept_pairs, parse_present, with_page_params
from app.pages import PAGE_BY_NAME, LayoutInputs, Page
from app.settings import Settings
from app.urlstate import Choices, default_filters, range_in, to_query
from callbacks.common import PageRequest, page_callback
from data_access import arrests as A
from data_access import cases as C
from data_access import demographics as D
from data_access import map_queries as MQ
from data_access import summary as Q
from data_access.cache import cached_value, data_version
from data_access.concurrent import gather
from data_access.db import Database
from data_access.filters import FIELD_BY_NAME, GEO_FIELDS, Filters
from layouts import cases as LC
from layouts import present as L
from layouts import summary as LS
from layouts.common import caption_of, fmt_int, join_words

# The geography whose areas the map shades, most detailed first.
MAP_FIELD_ORDER = ("neighborhood", "council_district", "legislative_district", "police_district")
# Each police and Council district's default deck is warmed after a load (and the city's).
WARMED_FIELDS = ("police_district", "council_district")


def _names(options: dict) -> dict[str, dict[str, str]]:
    return {k: dict(options.get(k, [])) for k in GEO_FIELDS}


def compared_filters(f: Filters, compare) -> Filters | None:
    """The second side of a comparison deck: the same dates and offenses in another area."""
    if compare is None:
        return None
    bare = f.replace(**{k: () for k in GEO_FIELDS})
    return bare if compare == "city" else bare.replace(**{compare[0]: (compare[1],)})


def area_data(db: Database, settings: Settings, f: Filters, label: str, choices: Choices) -> L.AreaData:
    through = choices.today
    grain = Q.trend_grain(f)
    g = f.geo_only()  # arrests, cases and the goal: the offense filter does not apply
    counts, trend, gun, demo, cats, status, mix, sites, near = gather(
        lambda: Q.offense_counts(db, f),
        lambda: Q.trend(db, f, grain),
        lambda: Q.gun_violence_by_year(db, g, settings.goal_baseline_year, through),
        lambda: D.demographics(db, f, "victims"),
        lambda: A.by_category(db, g),
        lambda: C.case_status(db, g),
        lambda: C.disposition_mix(db, g),
        lambda: MQ.cvi_sites(db),
        lambda: MQ.shootings_near_sites(db, f.start, f.end, settings.cvi_radius_m))
    cards = LS.headline_cards(counts, f, min_compare=settings.min_compare, first_date=choices.first_date)
    victims = int(counts.current.sum()) if len(counts) else 0
    goal = LS.goal_rows(gun, baseline_year=settings.goal_baseline_year, reduction=settings.goal_annual_reduction,
                        through=through)
    categories = cats.rename(columns={"charge_category": "category"}) if len(cats) else pd.DataFrame(
        {"category": [], "n": []})
    return L.AreaData(
        label=label, filters=f, cards=cards, victims=victims, gun_goal=goal, trend=trend, grain=grain,
        demographics=demo, arrests=int(categories.n.sum()) if len(categories) else 0,
        arrest_categories=categories, outcomes=LC.outcome_summary(status), dispositions=all_dispositions(mix),
        sites=MQ.filter_sites(sites, f), near=dict(zip(near.id.astype(int), near.n.astype(int))))


def all_dispositions(mix: pd.DataFrame) -> pd.DataFrame:
    """Charges per disposition over gun and other charges together. Columns: group ("all"),
    disposition, n, share."""
    rows = LC.mix_rows(mix)
    per = rows.groupby("disposition", sort=False).n.sum()
    total = int(per.sum())
    return pd.DataFrame({"group": "all", "disposition": per.index, "n": per.values.astype("int64"),
                         "share": (per.values / total) if total else 0.0})


def map_data(db: Database, sides: list[tuple[str, Filters]], names: dict,
             totals: list[int] | None = None) -> L.MapData:
    """The city shaded by the most detailed geography the deck chose, each side's area outlined.
    ``names``: field -> code -> name of every area (the filter options); ``totals``: each side's
    victims (``AreaData.victims``), for an area no single map area is.

    The drawn map is kept in the cache by everything it is drawn from (data version, layer, the
    counts' filters, the outlined areas), and the boundaries are read only to draw it: a warm deck
    neither draws it again nor unpacks the layer's shapes (~80 KB). The drawing holds no words, so
    one cached map serves every language; the sentences are made per request."""
    chosen = [x for x in MAP_FIELD_ORDER if any(getattr(f, x) for _, f in sides)]
    field = chosen[0] if chosen else "neighborhood"
    layer = FIELD_BY_NAME[field].options_layer
    base = sides[0][1].replace(**{k: () for k in GEO_FIELDS})
    # A side that is one area of another field is ranked among that field's areas.
    ranked = sorted({k for _, f in sides for k in GEO_FIELDS if k != field and _single_field(f) == k})
    counts = gather(*[lambda k=k: MQ.area_counts(db, base, FIELD_BY_NAME[k].options_layer) for k in (field, *ranked)])
    per_field = {k: (_by_code(c), list(names.get(k, {})), FIELD_BY_NAME[k].options_layer)
                 for k, c in zip((field, *ranked), counts)}
    by_code = per_field[field][0]
    ranks = [rank_sentence(label, f, per_field, names.get(field, {}), names, victims=totals[i] if totals else None)
             for i, (label, f) in enumerate(sides)]
    outlined = [(label, f) for label, f in sides if any(getattr(f, x) for x in GEO_FIELDS)]
    m = L.MapData(layer=layer, shapes={}, counts=by_code, outlines=[(label, []) for label, _ in outlined],
                  ranks=ranks)

    def draw() -> str:
        outlines = []
        for label, f in outlined:
            geoms = []
            for x in GEO_FIELDS:
                codes = set(getattr(f, x))
                if codes:
                    feats = MQ.area_shapes(db, FIELD_BY_NAME[x].options_layer)["geojson"]["features"]
                    geoms += [ft["geometry"] for ft in feats if ft["id"] in codes]
            outlines.append((label, geoms))
        return L.map_data_uri(replace(m, shapes=MQ.area_shapes(db, layer), outlines=outlines))

    key = (repr(db), data_version(db), layer, base, tuple(tuple(getattr(f, x) for x in GEO_FIELDS) for _, f in sides))
    return replace(m, src=cached_value("deck-map", key, draw))


def _by_code(counts: pd.DataFrame) -> dict[str, int]:
    return dict(zip(counts.code, counts.current.astype(int))) if len(counts) else {}


def _single_field(f: Filters) -> str | None:
    """The one geography field ``f`` chooses areas of (None: none, or several fields)."""
    used = [k for k in GEO_FIELDS if getattr(f, k)]
    return used[0] if len(used) == 1 else None


def rank_sentence(label: str, f: Filters, per_field: dict, shaded_names: dict, names: dict,
                  victims: int | None = None) -> str:
    """Where the area stands, in words (the request's language). ``per_field``: field -> (victims
    per area code, every area's code, the areas' map layer) for the shaded field and each field a
    side is one area of.

    One area: its victims and rank among its field's areas. Several areas of one field: their
    victims together and each one's rank (the busiest one's past three). Areas of several fields
    (a district within a district): the victims where they overlap, with no rank, since no other
    area is drawn the same way."""
    field = _single_field(f)
    if field is None and not any(getattr(f, k) for k in GEO_FIELDS):
        by_code = next(iter(per_field.values()))[0]
        top = sorted(shaded_names, key=lambda c: -by_code.get(c, 0))[:2]
        most = join_words([_("{area} ({n})").format(area=shaded_names[c], n=fmt_int(by_code.get(c, 0))) for c in top])
        total = sum(by_code.values())
        return ngettext("Citywide: {n} victim. Most: {most}.", "Citywide: {n} victims. Most: {most}.", total).format(
            n=fmt_int(total), most=most)
    if field is None or field not in per_field:
        if victims is None:
            return _("{area}: an unknown number of victims where these areas overlap; not ranked, as no other area "
                     "is drawn the same way.").format(area=label)
        return ngettext("{area}: {n} victim where these areas overlap; not ranked, as no other area is drawn the "
                        "same way.",
                        "{area}: {n} victims where these areas overlap; not ranked, as no other area is drawn the "
                        "same way.", victims).format(area=label, n=fmt_int(victims))
    by_code, codes, layer = per_field[field]
    mine = getattr(f, field)
    total = len(codes)
    areas = L.layer_count(layer, total)  # "278 neighborhoods"

    def rank(code: str) -> int:
        n = by_code.get(code, 0)
        return 1 + sum(1 for c in codes if by_code.get(c, 0) > n)

    def tied(code: str) -> bool:
        n = by_code.get(code, 0)
        return any(by_code.get(c, 0) == n for c in codes if c != code)

    if len(mine) == 1:
        code = mine[0]
        n = by_code.get(code, 0)
        if n == 0:
            none = 1 + sum(1 for c in codes if c != code and not by_code.get(c, 0))
            return ngettext("{area}: no victims in the period; {k} of the {areas} had none.",
                            "{area}: no victims in the period; {k} of the {areas} had none.", none).format(
                area=label, k=fmt_int(none), areas=areas)
        r, t = rank(code), tied(code)
        # whole sentences: word order, ordinals and agreement differ between languages
        if r == 1 and not t:
            text = ngettext("{area}: {n} victim, the most of {areas}.",
                            "{area}: {n} victims, the most of {areas}.", n)
        elif r == 1:
            text = ngettext("{area}: {n} victim, tied for the most of {areas}.",
                            "{area}: {n} victims, tied for the most of {areas}.", n)
        elif not t:
            text = ngettext("{area}: {n} victim, {rank} most of {areas}.",
                            "{area}: {n} victims, {rank} most of {areas}.", n)
        else:
            text = ngettext("{area}: {n} victim, tied for {rank} most of {areas}.",
                            "{area}: {n} victims, tied for {rank} most of {areas}.", n)
        return text.format(area=label, n=fmt_int(n), rank=L.ordinal(r), areas=areas)
    together = sum(by_code.get(c, 0) for c in mine)
    # as the captions spell them (layouts.common.geo_phrases): a name where the value leads the
    # caption, the number in its caption for numbered districts ("Council District 7")
    fld = FIELD_BY_NAME[field]
    spelled = {c: names.get(field, {}).get(c, c) if fld.caption[0].startswith("{}") else caption_of(fld, 1).format(c)
               for c in mine}
    busiest = sorted(mine, key=lambda c: (rank(c), c))
    if len(mine) <= 3:
        each = "; ".join(_("{area} {n}, {most}").format(area=spelled[c], n=fmt_int(by_code.get(c, 0)),
                                                        most=L.most_words(rank(c), tied(c))) for c in busiest)
        return ngettext("{area}: {n} victim together ({each} of {areas}).",
                        "{area}: {n} victims together ({each} of {areas}).", together).format(
            area=label, n=fmt_int(together), each=each, areas=areas)
    top = busiest[0]
    return ngettext("{area}: {n} victim together in {mine}; the busiest, {busiest}, had {m}, {most} of {total}.",
                    "{area}: {n} victims together in {mine}; the busiest, {busiest}, had {m}, {most} of {total}.",
                    together).format(area=label, n=fmt_int(together), mine=L.layer_count(layer, len(mine)),
                                     busiest=spelled[top],
                                     m=fmt_int(by_code.get(top, 0)), most=L.most_words(rank(top), tied(top)),
                                     total=fmt_int(total))


def view_links(f: Filters, search: str | None, view: dict, public_url: str = "") -> tuple[str, str]:
    """(where Escape goes, the absolute URL the QR code opens): the page the deck came from, with
    the same filters and that page's own parameters, without the deck's."""
    kept = [(k, v) for k, v in kept_pairs(search) if k not in PRESENT_DEFAULTS]
    href = PAGE_BY_NAME[view["from"]].path + with_page_params(to_query(f, range_in(search)), search, kept)
    base = public_url or (request.host_url if has_request_context() else "http://127.0.0.1:8050/")
    return href, base.rstrip("/") + href


def deck_data(db: Database, settings: Settings, f: Filters, choices: Choices, data: dict, options: dict,
              search: str | None) -> tuple[L.DeckData, dict]:
    view, notices = parse_present(search, choices)
    names = _names(options)
    sides = [(L.area_label(f, names), f)]
    other = compared_filters(f, view["compare"])
    if other is not None:
        sides.append((L.area_label(other, names), other))
    areas = [area_data(db, settings, sf, label, choices) for label, sf in sides]
    exit_href, phone_url = view_links(f, search, view, settings.public_url)
    deck = L.DeckData(
        areas=areas, map=map_data(db, sides, names, [a.victims for a in areas]), data_as_of=data["data_as_of"],
        is_demo=bool(data["is_demo"]),
        settings_reduction=settings.goal_annual_reduction, baseline_year=settings.goal_baseline_year,
        radius_m=settings.cvi_radius_m, phone_url=phone_url, exit_href=exit_href, notices=tuple(notices))
    return deck, view


def deck_outputs(db: Database, settings: Settings, f: Filters, choices: Choices, data: dict, options: dict,
                 search: str | None) -> dict:
    deck, view = deck_data(db, settings, f, choices, data, options, search)
    key = f"{data['version']}:{to_query(f)}:{view['compare']}"
    return {"deck": L.deck_component(deck, theme=view["theme"], current=view["slide"], advance=view["advance"],
                                     key=key, min_compare=settings.min_compare)}


def compute(r: PageRequest) -> dict:
    return deck_outputs(r.svc.db, r.svc.settings, r.filters, r.choices, r.data, r.options, r.values["search"])


def error_outputs(message: str) -> dict:
    lang = get_lang()  # Escape keeps the reader's language (a site-wide parameter)
    exit_href = "/" if lang == DEFAULT else "/?" + urlencode({"lang": lang})
    return {"deck": L.message_deck(_("The slides are not available"), message, exit_href=exit_href, theme="light",
                                   key="error")}


def layout(inputs: LayoutInputs):
    view, _ = parse_present(inputs.search, Choices())
    return L.present_page(view["theme"])


# --- cache warming ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class WarmReport:
    version: int  # the data version warmed (0: nothing loaded)
    decks: int
    seconds: float


def default_decks(choices: Choices, options: dict) -> list[tuple[Filters, str]]:
    """(filters, query string) of the deck a plain ``/present`` link opens, citywide and for every
    police and Council district: the default dates, one area, no comparison."""
    base = default_filters(choices)
    decks = [(base, "")]
    for name in WARMED_FIELDS:
        decks += [(base.replace(**{name: (code,)}), "?" + urlencode({name: code})) for code, _ in options.get(name, [])]
    return decks


def warm_decks(app) -> WarmReport:
    """Compute every default deck (``default_decks``) so its queries and its drawn map are in the
    cache. One request context for them all: the data version is read once, and every deck is
    keyed by it. The slides' components are not built: they are cheap, and the part a deck's
    first opening waits for is the data."""
    server = getattr(app, "server", app)
    t0 = time.perf_counter()
    with server.test_request_context("/present"):
        from app.context import load_choices, services

        svc = services()
        choices, options, data = load_choices(svc.db)
        if not data["version"]:
            return WarmReport(0, 0, 0.0)
        decks = default_decks(choices, options)
        for f, search in decks:
            deck_data(svc.db, svc.settings, f, choices, data, options, search)
    return WarmReport(data["version"], len(decks), time.perf_counter() - t0)


def claim_warm(db: Database, version: int, timeout: int | None = None) -> bool:
    """True for the one process that may warm ``version``: the claim of every warming job
    (``app.warming.claim``), kept under this name for ``psad``'s load commands."""
    from app import warming

    return warming.claim(db, version, timeout)


def install_warmer(app) -> None:
    """Warm the default decks whenever the server first sees a new data version: a job of
    ``app.warming``'s runner (which ``create_app`` installs), unless ``PSAD_WARM_DECKS`` is off."""
    from app import warming

    if app.server.extensions["psad"].settings.warm_decks:
        warming.register(app.server, "decks", lambda: warm_decks(app).decks)


def register(app, page: Page) -> None:
    page_callback(app, page, output={"deck": Output(ids.PRESENT_DECK, "children")}, compute=compute,
                  error=error_outputs, state={"search": State(ids.URL, "search")})
