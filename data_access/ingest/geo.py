"""Point-in-polygon assignment against the loaded ``geography`` polygons, and name aliases.

``Locator`` reads the real boundary layers once per load and assigns every record's point to a
neighborhood, both police-district maps, council district, legislative district and CSA with
shapely STRtrees (points are de-duplicated first: block-level coordinates repeat a lot). A point
counts only when it falls inside the city outline; lat/lon 0, "(,)", or a point in another
county is treated as no location.

When a record has no usable point, its neighborhood comes from its name (``names``: today's
names, the 2010 -> 2020 renamings derived from the two NSA vintages by largest overlap when both
are loaded, the documented alias table ``neighborhood_aliases.csv``, a unique prefix for names cut
short, and what the load's own records with a name and a point teach), counted in the load's
``NameReport``. The council and legislative district and CSA then follow from the neighborhood
(``area_link``). Otherwise the area is unknown (NULL), and the record still counts in citywide
totals.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import text
from sqlalchemy.engine import Connection

from data_access.ingest.names import NameReport, NameResolver, alias_table, name_key

POINT_LAYERS = ("neighborhood", "police_district_pre2023", "police_district_2023", "council_district",
                "legislative_district", "csa")


def norm_name(s: str) -> str:
    """Compare names without case, punctuation or the usual abbreviations (``names.name_key``)."""
    return name_key(s)


class Locator:
    def __init__(self, conn: Connection):
        rows = conn.execute(text("SELECT layer, code, geometry FROM geography WHERE layer = ANY(:l)"),
                            {"l": [*POINT_LAYERS, "city", "neighborhood_2010"]}).all()
        self.layers: dict[str, tuple[list[str], np.ndarray, shapely.STRtree]] = {}
        by_layer: dict[str, list] = {}
        for layer, code, geom in rows:
            g = shapely.from_geojson(json.dumps(geom) if not isinstance(geom, str) else geom)
            by_layer.setdefault(layer, []).append((code, g))
        for layer, items in by_layer.items():
            codes = [c for c, _ in items]
            geoms = np.array([g for _, g in items], dtype=object)
            shapely.prepare(geoms)
            self.layers[layer] = (codes, geoms, shapely.STRtree(geoms))
        links = conn.execute(text("SELECT neighborhood, layer, code FROM area_link")).all()
        self.links: dict[str, dict[str, str]] = {}
        for nb, layer, code in links:
            self.links.setdefault(layer, {})[nb] = code
        self.names = self._resolver()
        self.name_report: NameReport | None = None  # the names of every ``place`` call of this load

    @property
    def has_city(self) -> bool:
        return "city" in self.layers

    def _resolver(self) -> NameResolver:
        current = self.layers.get("neighborhood", ([], None, None))[0]
        # older-vintage names -> current names (by largest overlap, stored as links of the old layer)
        older = self.links.get("neighborhood_2010_to_current", {})
        return NameResolver(current, older, alias_table())

    def neighborhood_by_name(self, s: pd.Series) -> pd.Series:
        """Each name's neighborhood by every rule but learning (``names``)."""
        return self.names.by_name(s)

    def resolve_names(self, names: pd.Series, point_area: pd.Series) -> pd.Series:
        """The neighborhood of each record: its point's, else its name's (learning from the points
        of this call's records); the counts go to ``name_report``."""
        nb, report = self.names.resolve(names, point_area)
        self.name_report = report if self.name_report is None else self.name_report.merge(report)
        return nb

    def assign(self, lon: pd.Series, lat: pd.Series) -> tuple[pd.Series, dict[str, pd.Series]]:
        """(inside-city mask, {layer: code}) for each point; codes missing outside every polygon."""
        lon = pd.to_numeric(lon, errors="coerce")
        lat = pd.to_numeric(lat, errors="coerce")
        ok = lon.notna() & lat.notna() & (lon != 0) & (lat != 0) & lon.between(-180, 180) & lat.between(-90, 90)
        idx = lon.index
        out = {layer: pd.Series(pd.NA, index=idx, dtype="str") for layer in POINT_LAYERS}
        inside = pd.Series(False, index=idx)
        if not ok.any():
            return inside, out
        # one test per distinct point (to 1e-6 degree, ~10 cm): block-level points repeat a lot
        kx = np.round(lon[ok].to_numpy(float) * 1e6).astype(np.int64)
        ky = np.round(lat[ok].to_numpy(float) * 1e6).astype(np.int64)
        inv, uniq_key = pd.factorize(kx * 1_000_000_000 + (ky % 1_000_000_000))
        first = np.unique(inv, return_index=True)[1]
        geoms = shapely.points(lon[ok].to_numpy(float)[first], lat[ok].to_numpy(float)[first])
        if self.has_city:
            in_city = self._hit(geoms, "city") >= 0
        else:
            in_city = self._hit(geoms, "neighborhood") >= 0
        inside.loc[ok[ok].index] = in_city[inv]
        for layer in POINT_LAYERS:
            if layer not in self.layers:
                continue
            codes = np.asarray(self.layers[layer][0] + [None], dtype=object)
            hit = self._hit(geoms, layer)
            hit = np.where(in_city, hit, -1)
            vals = codes[hit][inv]  # -1 -> the trailing None
            s = pd.Series(pd.NA, index=idx, dtype="str")
            s.loc[ok[ok].index] = pd.array(vals, dtype="str")
            out[layer] = s
        return inside, out

    def _hit(self, geoms, layer: str) -> np.ndarray:
        """Index of the first polygon of ``layer`` containing each point, else -1."""
        _, _, tree = self.layers[layer]
        pi, gi = tree.query(geoms, predicate="intersects")
        hit = np.full(len(geoms), -1, dtype=np.int64)
        # first polygon per point (lowest index), deterministic on shared borders
        order = np.lexsort((gi, pi))
        pi, gi = pi[order], gi[order]
        first = np.unique(pi, return_index=True)[1]
        hit[pi[first]] = gi[first]
        return hit

    def via_neighborhood(self, nb: pd.Series, layer: str) -> pd.Series:
        return nb.map(self.links.get(layer, {})).astype("str")


def place(loc: Locator, *, lon: pd.Series, lat: pd.Series, day: pd.Series,
          district_pre: pd.Series | None = None, district_2023: pd.Series | None = None,
          district_any: pd.Series | None = None, neighborhood_name: pd.Series | None = None) -> dict:
    """The schema's location columns for records at (lon, lat) on local dates ``day``.

    Police district, per map: the record's own district column coded under that map (2021+
    exports: Old_District / New_District; older exports: District, which is under the map in
    force on the record's date), else point-in-polygon, else the neighborhood's district.
    ``police_district`` is the one under the map in force on the record's date. Other areas:
    point-in-polygon when the point is inside the city, else from the neighborhood name (aliases),
    else unknown.
    """
    idx = lon.index
    inside, hits = loc.assign(lon, lat)
    post = pd.Series(day.values >= np.datetime64(MAP_CHANGE_DATE), index=idx)
    nb = hits["neighborhood"]
    if neighborhood_name is not None:
        nb = loc.resolve_names(neighborhood_name, nb)
    out = {"neighborhood": nb}
    na = pd.Series(pd.NA, index=idx, dtype="str")
    pre_src = district_pre if district_pre is not None else na
    new_src = district_2023 if district_2023 is not None else na
    if district_any is not None:
        pre_src = pre_src.where(pre_src.notna(), district_any.where(~post))
        new_src = new_src.where(new_src.notna(), district_any.where(post))
    for col, src in (("police_district_pre2023", pre_src), ("police_district_2023", new_src)):
        v = src.astype("str")
        v = v.where(v.notna(), hits[col])
        v = v.where(v.notna(), loc.via_neighborhood(nb, col))
        out[col] = v
    out["police_district"] = out["police_district_2023"].where(post, out["police_district_pre2023"])
    for col in ("council_district", "legislative_district", "csa"):
        v = hits[col]
        out[col] = v.where(v.notna(), loc.via_neighborhood(nb, col))
    lon_n = pd.to_numeric(lon, errors="coerce")
    lat_n = pd.to_numeric(lat, errors="coerce")
    out["lon"] = lon_n.where(inside).round(3)  # geomasked to ~100 m (block level)
    out["lat"] = lat_n.where(inside).round(3)
    return out


MAP_CHANGE_DATE = "2023-01-01"
