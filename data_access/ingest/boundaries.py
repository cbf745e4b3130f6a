"""``psad ingest boundaries`` and ``psad ingest population``.

Boundaries: GeoJSON files (WGS84 lon/lat), recognised by file name (see ``layer_for``; a single
file can be named explicitly with ``--layer``). Each feature's code and name come from its
properties; features sharing a code are merged; invalid polygons are repaired with
``shapely.make_valid`` (never rejected). The layers given replace the same layers in
``geography``; ``area_link`` (which district of each layer a neighborhood lies in, by largest
overlap) is rebuilt. Loading real boundaries into a database that serves demo data drops the demo
data first: demo and real never mix.

Vintages: when two neighborhood files are given (the 278-name 2010 NSAs and the 279-name 2020 /
2023 NSAs), the newer is ``neighborhood`` (used for assignment and filters) and the older is kept
as ``neighborhood_2010``; each old name whose largest-overlap successor has another name becomes
an alias (``area_link`` layer ``neighborhood_2010_to_current``). Likewise
``legislative_district_2012`` is kept beside the current ``legislative_district``.

Population: BNIA Vital Signs long format (``csa2010,year,indicator,value,…``) with indicator
``total_population``; the latest year is used. CSAs get their own counts, the city its total
(the ``Baltimore City`` row, or the sum); every other layer gets an area-weighted share of each
CSA it overlaps (a CSA's residents are taken as spread evenly over its area).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import text
from sqlalchemy.engine import Connection

from data_access.db import Database
from data_access.ingest import normalize as N
from data_access.ingest.base import Progress, Rejects, _noop, boundaries_state, clear_demo, finish, write_rejects
from data_access.ingest.reader import IngestError, read_bytes, read_csv_file
from data_access.loading import LoadSummary, copy_frame, logged_load
from data_access.schema import area_link, geography

LINKED = ("police_district_pre2023", "police_district_2023", "council_district", "legislative_district", "csa")
KM2_PER_DEG2 = 111.320 * math.cos(math.radians(39.3)) * 110.574


def layer_for(path: Path) -> str | None:
    """The layer a file holds, from its name (None: not a boundary layer, skipped)."""
    n = path.name.lower()
    year = re.search(r"(19|20)\d{2}", n)
    y = int(year.group(0)) if year else None
    if "neighborhood" in n or "neighbourhood" in n or re.search(r"\bnsa", n):
        if "xwalk" in n:
            return None
        return "neighborhood" if (y and y >= 2020) else "neighborhood_2010"
    if "police" in n:
        return "police_district_2023" if (y and y >= 2023) else "police_district_pre2023"
    if "council" in n:
        return "council_district"
    if "legislative" in n:
        return "legislative_district_2012" if (y and y < 2022) else "legislative_district"
    if "csa" in n and "xwalk" not in n:
        return "csa"
    if "city" in n or "outline" in n:
        return "city"
    return None


def _code_name(layer: str, props: dict, i: int) -> tuple[str, str]:
    p = {k.lower(): v for k, v in (props or {}).items()}
    name = str(p.get("name") or p.get("label") or p.get("id") or i).strip()
    if layer.startswith("police"):
        canon = N.DISTRICT_ALIASES.get(re.sub(r"\s+", " ", name.upper()))
        if canon is None:
            raise IngestError(f"police district {name!r} is not one of the nine districts")
        return canon, canon
    if layer == "council_district":
        code = str(p.get("id") or re.sub(r"\D", "", name)).strip()
        return code, f"District {code}"
    if layer.startswith("legislative"):
        code = str(p.get("id") or name.replace("District", "")).strip()
        return code, f"Legislative District {code}"
    if layer == "city":
        return "baltimore", "Baltimore City"
    return name, name


def _polygonal(g):
    g = shapely.make_valid(g) if not g.is_valid else g
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def read_layer(path: Path, layer: str) -> tuple[pd.DataFrame, int]:
    try:
        doc = json.loads(read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"{path.name}: not a GeoJSON file ({exc.__class__.__name__})") from None
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not feats:
        raise IngestError(f"{path.name}: a GeoJSON FeatureCollection with features was expected")
    repaired = 0
    rows: dict[str, tuple[str, list]] = {}
    for i, f in enumerate(feats):
        try:
            g = shapely.geometry.shape(f["geometry"])
        except Exception:
            raise IngestError(f"{path.name}: feature {i + 1} has no readable geometry") from None
        if not g.is_valid:
            repaired += 1
        g = _polygonal(g)
        if g is None or g.is_empty:
            continue
        try:
            code, name = _code_name(layer, f.get("properties"), i)
        except IngestError as exc:
            raise IngestError(f"{path.name}: {exc}") from None
        rows.setdefault(code, (name, []))[1].append(g)
    out = []
    for code, (name, geoms) in rows.items():
        g = geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
        if not g.is_valid:
            g = _polygonal(g)
        pt = g.representative_point()
        out.append({"layer": layer, "code": code, "name": name, "area_sq_km": round(g.area * KM2_PER_DEG2, 4),
                    "centroid_lon": round(pt.x, 6), "centroid_lat": round(pt.y, 6), "geom": g})
    return pd.DataFrame(out), repaired


def collect(paths: list[str], layer: str | None = None) -> dict[str, Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(x for x in p.iterdir() if x.suffix.lower() in (".geojson", ".json"))
        elif p.exists():
            files.append(p)
        else:
            raise IngestError(f"{p}: no such file or directory")
    found: dict[str, Path] = {}
    for f in files:
        lay = layer if (layer and len(files) == 1) else layer_for(f)
        if lay is None:
            continue
        if lay in found:
            raise IngestError(f"two files for the {lay} layer: {found[lay].name} and {f.name}")
        found[lay] = f
    if "neighborhood_2010" in found and "neighborhood" not in found:
        found["neighborhood"] = found.pop("neighborhood_2010")
    if not found:
        raise IngestError("no boundary files recognised (expected GeoJSON files named like "
                          "neighborhoods.geojson, police_districts_2023.geojson, council_districts.geojson, …)")
    return found


def load_boundaries(db: Database, paths: list[str], *, layer: str | None = None,
                    progress: Progress = _noop) -> LoadSummary:
    found = collect(paths, layer)
    frames, repaired = [], 0
    for lay, f in found.items():
        df, r = read_layer(f, lay)
        frames.append(df)
        repaired += r
        progress(lay, len(df))
    geo = pd.concat(frames, ignore_index=True)
    summary = LoadSummary(dataset="boundaries", source=", ".join(str(p) for p in paths))
    summary.rows_read = len(geo)
    with logged_load(db, summary) as conn:
        had_real = boundaries_state(conn) == "real"
        replaced_demo = clear_demo(conn)
        if not had_real and "neighborhood" not in found:
            raise IngestError("the first boundaries load needs a neighborhood layer "
                              "(e.g. neighborhoods_2020.geojson)")
        out = geo.drop(columns=["geom"]).assign(geometry=[shapely.to_geojson(g) for g in geo.geom])
        same = not replaced_demo and _same_layers(conn, out, list(found))
        if not same:
            conn.execute(text("DELETE FROM geography WHERE layer = ANY(:l)"), {"l": list(found)})
            copy_frame(conn, geography, out)
            _rebuild_links(conn)
        summary.rows_loaded = 0 if same else len(geo)
        summary.rejects_by_reason = {}
        kept = 0 if same else conn.execute(text(
            "SELECT (SELECT count(*) FROM victim) + (SELECT count(*) FROM arrest)")).scalar()
        # the same boundaries again: no aggregate to rebuild, the data version and population stay
        finish(conn, summary, {} if same else None, truncated=replaced_demo)
    summary.notes = [f"layers: {', '.join(sorted(found))}" + (" (the same as loaded: nothing changed)" if same else ""),
                     f"invalid polygons repaired: {repaired}"] + (
        ["demo data replaced (the database now serves real data only)"] if replaced_demo else []) + (
        [f"{kept:,} loaded victims and arrests keep the areas they were given when loaded; ingest "
         "their files again to place them on these boundaries (unchanged rows are matched by key, "
         "only their areas are updated)"] if kept else [])
    return summary


GEO_COLUMNS = "layer, code, name, area_sq_km, centroid_lon, centroid_lat, geometry"


def _same_layers(conn: Connection, out: pd.DataFrame, layers: list[str]) -> bool:
    """Are these layers' areas exactly the ones stored (names, areas, centroids, geometries)?"""
    conn.execute(text("CREATE TEMP TABLE tmp_geography ON COMMIT DROP AS SELECT * FROM geography WITH NO DATA"))
    copy_frame(conn, SimpleNamespace(name="tmp_geography", c=geography.c), out)
    differ = conn.execute(text(
        f"SELECT EXISTS ((SELECT {GEO_COLUMNS} FROM tmp_geography EXCEPT "
        f"SELECT {GEO_COLUMNS} FROM geography WHERE layer = ANY(:l)) UNION ALL "
        f"(SELECT {GEO_COLUMNS} FROM geography WHERE layer = ANY(:l) EXCEPT "
        f"SELECT {GEO_COLUMNS} FROM tmp_geography))"), {"l": layers}).scalar()
    conn.execute(text("DROP TABLE tmp_geography"))
    return not differ


def _geoms(conn: Connection, layer: str) -> tuple[list[str], np.ndarray]:
    rows = conn.execute(text("SELECT code, geometry::text FROM geography WHERE layer = :l"), {"l": layer}).all()
    return [r[0] for r in rows], np.array([shapely.from_geojson(r[1]) for r in rows], dtype=object)


def _largest_overlap(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    tree = shapely.STRtree(dst)
    si, di = tree.query(src, predicate="intersects")
    best = np.full(len(src), -1)
    if len(si):
        area = shapely.area(shapely.intersection(src[si], dst[di]))
        df = pd.DataFrame({"s": si, "d": di, "a": area}).sort_values("a", ascending=False)
        df = df.drop_duplicates("s")
        best[df.s.to_numpy()] = df.d.to_numpy()
    return best


def _rebuild_links(conn: Connection) -> None:
    conn.execute(text("TRUNCATE area_link"))
    nb_codes, nb = _geoms(conn, "neighborhood")
    if not nb_codes:
        return
    shapely.prepare(nb)
    rows = []
    for layer in LINKED:
        codes, geoms = _geoms(conn, layer)
        if not codes:
            continue
        best = _largest_overlap(nb, geoms)
        rows += [(nb_codes[i], layer, codes[b]) for i, b in enumerate(best) if b >= 0]
    old_codes, old = _geoms(conn, "neighborhood_2010")
    if old_codes:
        best = _largest_overlap(old, nb)
        known = {n.upper() for n in nb_codes}
        rows += [(old_codes[i], "neighborhood_2010_to_current", nb_codes[b]) for i, b in enumerate(best)
                 if b >= 0 and old_codes[i].upper() not in known]
    if rows:
        copy_frame(conn, area_link, pd.DataFrame(rows, columns=["neighborhood", "layer", "code"]))


# --- population ---------------------------------------------------------------------------------

MAX_POPULATION = 100_000_000  # far above any area's; keeps every sum inside the integer column


def load_population(db: Database, path: str, *, indicator: str = "total_population",
                    progress: Progress = _noop) -> LoadSummary:
    table, _ = read_csv_file(path, layouts={"bnia_vital_signs_long": {"csa2010", "year", "indicator", "value"}})
    table.protect({"csa2010", "year", "indicator", "value", "label", "section"})
    df = table.frame
    mine = (df["indicator"].str.strip().str.lower() == indicator).fillna(False).astype(bool)
    if not mine.any():
        raise IngestError(f"{table.name}: no rows with indicator {indicator!r}; nothing was loaded")
    df, line = df[mine], table.line[mine]
    # A row of the indicator that cannot be used is rejected with its reason, like any dataset's.
    rejects = Rejects()
    year_raw, value_raw = df["year"].str.strip(), df["value"].str.strip()
    year = pd.to_numeric(year_raw, errors="coerce")
    value = pd.to_numeric(value_raw, errors="coerce")
    value = value.where(np.isfinite(value))
    no_value = value_raw.fillna("") == ""
    bad = rejects.apply((
        (year.isna() | (year != year.round()) | (year < 1900) | (year > 2100), "unreadable year"),
        (no_value, "no value"),
        (value.isna() & ~no_value, "value is not a number"),
        (value < 0, "negative value"),
        (value > MAX_POPULATION, f"value out of range (above {MAX_POPULATION:,})"),
    ), line, table)
    if bad.all():
        reasons = "; ".join(f"{r}: {n}" for r, n in sorted(rejects.by_reason().items()))
        raise IngestError(f"{table.name}: no {indicator} row has a usable value ({reasons}); nothing was loaded")
    df, line, year, value = df[~bad], line[~bad], year[~bad].astype(int), value[~bad]
    latest = int(year.max())
    older = int((year < latest).sum())
    df, line, value = df[year == latest], line[year == latest], value[year == latest]
    summary = LoadSummary(dataset="population", source=str(path), rows_read=len(table.frame))
    with logged_load(db, summary) as conn:
        if boundaries_state(conn) != "real":
            raise IngestError("load real boundaries first (`psad ingest boundaries DIR`): population is "
                              "attached to their Community Statistical Areas")
        csa_codes, csa = _geoms(conn, "csa")
        if not csa_codes:
            raise IngestError("no CSA layer is loaded (csas.geojson); population comes by CSA")
        by_name = {N_key(c): c for c in csa_codes}
        keys = df["csa2010"].map(N_key)
        city_row = keys.isin(("BALTIMORECITY", "BALTIMORE"))
        unusable = rejects.apply((
            (~city_row & ~keys.isin(list(by_name)), "CSA name not in the loaded CSA layer"),
            (keys.duplicated(), f"duplicate CSA (a second {latest} value for the same CSA)"),
        ), line, table)
        pops, city_total = {}, None
        for k, v, skip in zip(keys, value, unusable):
            if skip:
                continue
            if k in ("BALTIMORECITY", "BALTIMORE"):
                city_total = int(round(v))
            else:
                pops[by_name[k]] = int(round(v))
        csa_pop = np.array([pops.get(c, 0) for c in csa_codes], dtype=float)
        updates = [("csa", c, pops[c]) for c in csa_codes if c in pops]
        csa_area = shapely.area(csa)
        for layer in ("neighborhood", "police_district_pre2023", "police_district_2023", "council_district",
                      "legislative_district"):
            codes, geoms = _geoms(conn, layer)
            if not codes:
                continue
            tree = shapely.STRtree(geoms)
            ci, gi = tree.query(csa, predicate="intersects")
            share = shapely.area(shapely.intersection(csa[ci], geoms[gi])) / csa_area[ci]
            tot = np.bincount(gi, weights=share * csa_pop[ci], minlength=len(codes))
            updates += [(layer, c, int(round(t))) for c, t in zip(codes, tot)]
        updates.append(("city", "baltimore", city_total if city_total is not None else int(csa_pop.sum())))
        # Only the areas whose figure differs are written (none when the same file is loaded again):
        # an unchanged population leaves the data version, and so every cached result, as it was.
        target = {(layer, code): (int(p), latest) for layer, code, p in updates}
        diff = [{"l": layer, "c": code, "p": target.get((layer, code), (None, None))[0],
                 "y": target.get((layer, code), (None, None))[1]}
                for layer, code, p, y in conn.execute(text(
                    "SELECT layer, code, population, population_year FROM geography")).all()
                if target.get((layer, code), (None, None)) != (p, y)]
        if diff:
            conn.execute(text("UPDATE geography SET population = :p, population_year = :y "
                              "WHERE layer = :l AND code = :c"), diff)
        summary.rows_loaded = len(pops) + (city_total is not None)
        write_rejects(conn, summary, "population", rejects)
        finish(conn, summary, records=False)
    summary.notes = [f"population year {latest}", f"{len(pops)} of {len(csa_codes)} CSAs matched"] + (
        [f"{older:,} {indicator} rows of earlier years not used (the latest year is)"] if older else [])
    return summary


def N_key(s: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", str(s).upper())
