"""The CVI ecosystem page's list: ``/cvi/sites``, the sites the page shows with the shootings near each.

Computed as the page computes it (``callbacks.cvi.cvi_outputs``): ``map_queries.filter_sites`` over
``map_queries.cvi_sites`` (program types and geography filters) and
``map_queries.shootings_near_sites`` over the span. Nothing here knows SQL.
"""

from __future__ import annotations

from flask import request

from app.api.export import FORMAT, answer, file_name, rows_of
from app.api.params import Endpoint, Param, endpoint, filters, meta, one
from app.context import services
from data_access import map_queries as Q
from data_access.vocabulary import CVI_PROGRAM_TYPES

ALL = "all"
PROGRAM = Param("program", "A CVI program type, repeatable, as the CVI page's `program`; `all` (or none given): "
                           "every type.", default=ALL, allowed=(ALL, *CVI_PROGRAM_TYPES.codes))

SITES = Endpoint(
    "/cvi/sites",
    "The CVI sites the page lists (by program type, then name), within the geography filters: `id`, `name`, "
    "`program_type`, `operator`, `services`, `hours`, `phone`, `url`, `started`, `address`, `area_served`, "
    "`lon`, `lat`, the areas it is in, and `shootings_nearby`: victims of gun violence within "
    "`PSAD_CVI_RADIUS_M` metres (`radius_m`) in the span, as the page counts them.",
    params=(PROGRAM, FORMAT),
    offense="is accepted and ignored, as on the CVI page (the shootings counted near a site are gun violence "
            "whatever the offense filter)",
)

SITE_COLUMNS = ["id", "name", "program_type", "operator", "services", "hours", "phone", "url", "started", "address",
                "area_served", "lon", "lat", "police_district", "neighborhood", "council_district",
                "legislative_district", "csa"]


def programs() -> tuple[str, ...]:
    """The ``program`` values (repeatable; a code in any case), each checked; () for every type."""
    chosen = {PROGRAM.value(raw.strip().lower()) for raw in request.args.getlist("program")}
    return () if ALL in chosen or not chosen else tuple(sorted(chosen))


SITES_COLUMNS = rows_of(SITES, [*SITE_COLUMNS, "shootings_nearby"])


@endpoint(SITES)
def cvi_sites():
    svc = services()
    db, radius = svc.db, svc.settings.cvi_radius_m
    fmt = FORMAT.value(one("format"))  # not ``read``: it takes ``program`` once, and it is repeatable
    chosen = programs()
    f, state = filters(SITES)
    f = f.replace(offense=())  # as the page: the offense filter does not apply here
    shown = Q.filter_sites(Q.cvi_sites(db), f, chosen)
    near_df = Q.shootings_near_sites(db, f.start, f.end, radius)
    near = dict(zip(near_df.id.astype(int), near_df.n.astype(int)))
    rows = [{**{c: getattr(r, c) for c in SITE_COLUMNS}, "id": int(r.id), "shootings_nearby": near.get(int(r.id), 0)}
            for r in shown.itertuples(index=False)]
    columns = SITES_COLUMNS
    return answer(fmt, columns, rows, file_name("cvi-sites", f), programs=list(chosen),
                  radius_m=radius, **meta(f, state))
