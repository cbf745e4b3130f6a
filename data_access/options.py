"""The filter bar's choices: areas of each geography field's layer, the offense categories, and the
neighborhood -> district links that narrow the neighborhood list."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from data_access.cache import near_cached_query
from data_access.db import Database
from data_access.filters import FILTER_FIELDS, LAYER_FIELD
from data_access.schema import area_link, geography, offense_category


@near_cached_query
def filter_options(db: Database, version: int) -> dict:
    """Choices for the filter bar (a list of (code, label) per filter field) and the links used to
    narrow neighborhoods by district."""
    layers = {f.options_layer: f.name for f in FILTER_FIELDS if f.geo}
    geo = db.frame(select(geography.c.layer, geography.c.code, geography.c.name)
                   .where(geography.c.layer.in_(list(layers))))
    links = db.frame(select(area_link.c.neighborhood, area_link.c.layer, area_link.c.code))
    offenses = db.frame(select(offense_category.c.code, offense_category.c.label, offense_category.c.grp)
                        .order_by(offense_category.c.sort))

    def layer(name: str) -> list[tuple[str, str]]:
        rows = geo[geo.layer == name]
        key = rows.code.map(_natural_key)
        return list(zip(rows.code.iloc[key.argsort()], rows.name.iloc[key.argsort()]))

    return {
        **{field: layer(lay) for lay, field in layers.items()},
        "offense": list(zip(offenses.code, offenses.label)),
        "offense_group": dict(zip(offenses.code, offenses.grp)),
        # neighborhood -> {filter field: codes}; police district under both maps
        "links": _links(links),
    }


def _links(links: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for nb, layer, code in links.itertuples(index=False):
        field = LAYER_FIELD.get(layer)
        if field and field != "neighborhood":
            codes = out.setdefault(nb, {}).setdefault(field, [])
            if code not in codes:
                codes.append(code)
    return out


def _natural_key(code: str):
    digits = "".join(ch for ch in code if ch.isdigit())
    return f"{int(digits):06d}{code}" if digits and code[0].isdigit() else code.lower()
