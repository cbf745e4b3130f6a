"""Synthetic geography for the demo dataset: a made-up city roughly where Baltimore is.

Owns every area the demo data is located in: the city outline, ~270 neighborhoods that tile it
exactly, and the district layers built as unions of whole neighborhoods (police districts under
the pre-2023 and the 2023 maps, City Council districts, State legislative districts and
Community Statistical Areas), with 2020-style populations. It also owns the block grid the demo
records are geomasked to (points snapped to 0.001 degrees, with a synthetic block label).

Nothing here reads real boundary files: the shapes come from seeded noise and a Voronoi
diagram, so the demo is reproducible and cannot be mistaken for the real map. Geometry is built
in a local kilometre plane (equirectangular around the city centre) and converted to WGS84
lon/lat rounded to 6 decimals at the end.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from itertools import permutations

import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from shapely.geometry import MultiPoint, Point, Polygon, box

LON0, LAT0 = -76.61, 39.30  # centre of the plane; roughly Baltimore's
KM_PER_DEG_LON = 111.320 * math.cos(math.radians(LAT0))
KM_PER_DEG_LAT = 110.574
CITY_AREA_KM2 = 210.0
CITY_POPULATION = 585_708  # 2020 census count for Baltimore City
POPULATION_YEAR = 2020
GRID_DEG = 0.001  # geomasking grid: ~86 m x 111 m, about one city block
N_SEEDS = 272  # a few may be merged away as slivers, leaving ~270 neighborhoods

# Counter-clockwise from east: the order of the 8 outer police sectors around Central.
POLICE_SECTORS = (
    "Eastern", "Northeastern", "Northern", "Northwestern",
    "Western", "Southwestern", "Southern", "Southeastern",
)  # fmt: skip
POLICE_DISTRICTS = tuple(sorted(("Central", *POLICE_SECTORS)))
# BPD posts are three digits whose first digit identifies the district.
POST_DIGIT = {
    "Central": 1, "Southeastern": 2, "Eastern": 3, "Northeastern": 4, "Northern": 5,
    "Northwestern": 6, "Western": 7, "Southwestern": 8, "Southern": 9,
}  # fmt: skip
# Legislative district codes and where (km from the centre) each one roughly sits.
LEGISLATIVE_ANCHORS = {
    "40": (-2.0, 0.5), "41": (-5.5, 3.5), "43A": (1.0, 5.5),
    "44A": (-4.5, -4.0), "45": (5.0, 3.0), "46": (3.5, -3.5),
}  # fmt: skip
PRE2023, Y2023 = "police_district_pre2023", "police_district_2023"
LINK_LAYERS = (PRE2023, Y2023, "council_district", "legislative_district", "csa")

_NAME_FIRST = (
    "Oak", "Elm", "Cedar", "Maple", "Birch", "Willow", "Pine", "Ash", "Chestnut", "Holly",
    "Laurel", "Hickory", "Poplar", "Linden", "Walnut", "Sycamore", "Spring", "Stone", "Mill",
    "Brook", "Glen", "Fair", "Rose", "Lake", "River", "Harbor", "Bay", "Clear", "Green", "High",
    "Fox", "Deer", "Hawk", "Wren", "Meadow", "Orchard", "Union", "Liberty", "Market", "Church",
    "Canal", "Quarry", "Silver", "Copper", "Iron", "Marble", "Clover", "Ivy", "Hazel", "Juniper",
    "Magnolia", "Aspen", "Dogwood", "Alder", "Thistle", "Fern", "Beacon", "Anchor", "Tide",
    "Cove", "Heron", "Falcon", "Lark", "Robin", "Sparrow", "Tulip", "Violet", "Aster", "Briar",
    "Riverside", "Lakeside", "Brookside", "Hillside", "Parkside", "Bayview", "Fairview",
    "Clearview", "Highland", "Woodland", "Eastgate", "Westgate", "Northwood", "Southwood",
    "Oakland", "Ashland", "Glendale", "Rosedale", "Belmont", "Edgewood", "Greenfield",
)  # fmt: skip
_COMPOUND_ENDINGS = ("side", "view", "land", "dale", "mont", "wood", "gate", "field")
_NAME_SECOND = (
    "Hill", "Heights", "Park", "Village", "Grove", "Manor", "Ridge", "Terrace", "Square",
    "Point", "Gardens", "Crossing", "Court", "Field", "Wood", "Dale", "Hollow", "Run",
    "Landing", "Knoll", "Commons", "Meadows", "Station", "Place", "Highlands", "Vale", "Green",
)  # fmt: skip
# Parks, industrial land and a cemetery: the neighborhoods with (almost) no residents.
_EMPTY_AREAS = (
    ("Harbor Industrial Area", (6.0, -5.5)),
    ("Marine Terminal Area", (3.5, -4.0)),
    ("Rail Yards Industrial Area", (1.0, -6.5)),
    ("Canal Industrial Park", (7.5, -1.5)),
    ("Falls Valley Park", (-8.5, 1.0)),
    ("Stony Run Park", (-7.0, -1.5)),
    ("Reservoir Park", (-1.0, 6.5)),
    ("Greenhill Cemetery", (3.0, 6.0)),
)
_STREETS = (
    "ELM", "OAK", "CEDAR", "MAPLE", "BIRCH", "WALNUT", "CHESTNUT", "SPRUCE", "LOCUST", "HOLLY",
    "LAUREL", "POPLAR", "HICKORY", "LINDEN", "WILLOW", "ASH", "PINE", "ALDER", "HAZEL",
    "JUNIPER", "MAGNOLIA", "SYCAMORE", "CHERRY", "PEACH", "PLUM", "LIBERTY", "UNION", "MARKET",
    "CHURCH", "SCHOOL", "MILL", "CANAL", "BRIDGE", "HARBOR", "RIVER", "LAKE", "SPRING",
    "FOREST", "GARDEN", "MEADOW", "ORCHARD", "VALLEY", "HIGHLAND", "SUMMIT", "PROSPECT",
    "PLEASANT", "FAIRVIEW", "RIDGE", "STONE", "QUARRY", "FERRY", "DOCK", "ANCHOR", "BEACON",
    "CROWN", "EAGLE", "FALCON", "HAWK", "WREN", "ROBIN", "LARK", "SWAN", "HERON", "CLOVER",
    "IVY", "FERN", "THISTLE", "ROSE", "LILY", "VIOLET", "TULIP", "ASTER",
)  # fmt: skip
_SUFFIXES = ("ST", "AVE", "ST", "RD", "ST", "LN", "TER", "AVE", "WAY", "ST", "PL")


@dataclass(frozen=True, eq=False)
class DemoGeography:
    """The demo city. Row ``i`` of ``neighborhoods`` is neighborhood index ``i`` everywhere."""

    areas: pd.DataFrame  # exactly the columns of the ``geography`` table
    links: pd.DataFrame  # neighborhood, layer, code (the ``area_link`` table)
    neighborhood_polygons: dict[str, Polygon]  # code -> lon/lat polygon
    # Per neighborhood: code, population, tiny, risk, commerce, black_share, lon, lat,
    # one column per LINK_LAYERS entry, post_pre2023, post_2023.
    neighborhoods: pd.DataFrame
    # Block grid points inside neighborhoods: lon, lat, nbhd (index), block, weight.
    grid: pd.DataFrame
    outline: Polygon  # the city, lon/lat (the union of the neighborhoods)


# --- coordinates ---------------------------------------------------------------------------


def to_lonlat(x, y):
    return LON0 + np.asarray(x) / KM_PER_DEG_LON, LAT0 + np.asarray(y) / KM_PER_DEG_LAT


def _geom_to_lonlat(geoms):
    """km-plane geometries -> lon/lat on a 1e-6 degree grid (snap-rounding keeps them valid and
    keeps shared edges identical, so neighbors still tile after rounding)."""

    def f(c):
        lon, lat = to_lonlat(c[:, 0], c[:, 1])
        return np.column_stack([lon, lat])

    out = shapely.set_precision(shapely.transform(geoms, f), 1e-6)
    # set_precision works in binary; round so the JSON shows short decimals.
    return shapely.transform(out, lambda c: np.round(c, 6))


def area_sq_km(geom) -> float:
    """Area from lon/lat with a local equirectangular projection at the geometry's latitude."""
    lat = shapely.centroid(geom).y
    k = 111.320 * math.cos(math.radians(lat)) * KM_PER_DEG_LAT
    return float(shapely.area(geom) * k)


def geojson(geom) -> dict:
    return json.loads(shapely.to_geojson(geom))


def _natural(code: str):
    """Sort key putting "2" before "10" and "43A" after "41"."""
    digits = code[: len(code) - len(code.lstrip("0123456789"))]
    return (int(digits) if digits else -1, code)


def _label_point(geom):
    c = shapely.centroid(geom)
    return c if geom.contains(c) else geom.representative_point()


# --- the outline ---------------------------------------------------------------------------


def _outline_km(rng: np.random.Generator) -> Polygon:
    """A noisy, slightly squarish blob with the harbor cutting in from the south-east."""
    t = np.linspace(0.0, 2 * np.pi, 720, endpoint=False)
    r = np.ones_like(t)
    for k in range(2, 41):  # big lobes plus fine wiggle
        amp = 0.10 / k**1.1 if k <= 6 else 0.012 / math.sqrt(k)
        r += amp * np.cos(k * t + rng.uniform(0, 2 * np.pi))
    # A superellipse-ish factor squares the shape like the real city's county lines.
    p = 3.0
    sq = (np.abs(np.cos(t)) ** p + np.abs(np.sin(t)) ** p) ** (-1 / p)
    x, y = r * sq * np.cos(t), 1.12 * r * sq * np.sin(t)
    city = Polygon(np.column_stack([x, y]) * 8.0).buffer(0)
    # Harbor: a tapering channel from outside the south-east edge to the Inner Harbor, with
    # a shorter Middle Branch forking south-west.
    def channel(path, r0, r1):
        path = np.asarray(path, float)
        rad = np.linspace(r0, r1, len(path))
        discs = [Point(p).buffer(w, 16) for p, w in zip(path, rad)]
        return shapely.union_all([a.union(b).convex_hull for a, b in zip(discs, discs[1:])])

    harbor = channel([(14, -12), (9, -7.5), (5.5, -5.0), (3.0, -3.2), (1.3, -2.3), (0.2, -1.9)],
                     1.2, 0.22)
    middle = channel([(3.0, -3.2), (1.5, -4.2), (-0.5, -4.8)], 0.35, 0.18)
    city = city.difference(harbor.union(middle))
    if city.geom_type == "MultiPolygon":  # drop any islands the channel cut off
        city = max(city.geoms, key=lambda g: g.area)
    return shapely.affinity.scale(city, *(2 * [math.sqrt(CITY_AREA_KM2 / city.area)]),
                                  origin=(0, 0))


def _sample_in(poly, n, rng):
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        p = rng.uniform((minx, miny), (maxx, maxy), size=(4 * n + 16, 2))
        out = np.vstack([out, p[shapely.contains_xy(poly, p[:, 0], p[:, 1])]])
    return out[:n]


# --- neighborhoods -------------------------------------------------------------------------


def _seed_points(outline, rng) -> np.ndarray:
    """Mitchell's best-candidate sampling: evenly spread points, denser downtown where real
    neighborhoods are small."""
    downtown = np.array([0.0, -1.0])
    cand = _sample_in(outline, N_SEEDS * 24, rng).reshape(N_SEEDS, 24, 2)
    spacing = 0.65 + 0.5 * np.minimum(1.0, np.linalg.norm(cand - downtown, axis=2) / 7.0)
    pts = [cand[0, 0]]
    for i in range(1, N_SEEDS):
        d = np.linalg.norm(cand[i][:, None, :] - np.asarray(pts)[None], axis=2).min(axis=1)
        pts.append(cand[i][np.argmax(d / spacing[i])])
    return np.asarray(pts)


def _voronoi_cells(points, outline):
    env = box(-40, -40, 40, 40)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(MultiPoint(points), extend_to=env, ordered=True)
    )
    return shapely.intersection(shapely.set_precision(cells, 1e-6), outline, grid_size=1e-6)


def _merge_into_neighbor(cells: list, part, skip: int) -> None:
    """Give ``part`` to the cell sharing the longest border with it (keeps cells whole)."""
    edge = part.boundary
    shared = [
        -1.0 if i == skip or c is None else shapely.intersection(c, edge, grid_size=1e-6).length
        for i, c in enumerate(cells)
    ]
    j = int(np.argmax(shared))
    cells[j] = shapely.union(cells[j], part, grid_size=1e-6)


def _neighborhood_cells(outline, rng) -> list:
    pts = _seed_points(outline, rng)
    # One Lloyd step evens out cell shapes without losing the downtown density.
    cells = _voronoi_cells(pts, outline)
    pts = shapely.get_coordinates(shapely.centroid(cells))
    cells = list(_voronoi_cells(pts, outline))
    # Cells cut in two by the harbor keep their biggest piece; the rest joins a neighbor.
    for i, c in enumerate(cells):
        if c.geom_type != "Polygon":
            parts = sorted(shapely.get_parts(c), key=lambda g: -g.area)
            cells[i] = parts[0]
            for part in parts[1:]:
                _merge_into_neighbor(cells, part, i)
    # Slivers along the outline are not plausible neighborhoods: merge them.
    while True:
        small = [i for i, c in enumerate(cells) if c is not None and c.area < 0.18]
        if not small:
            break
        i = small[0]
        c, cells[i] = cells[i], None
        _merge_into_neighbor(cells, c, i)
    return [c for c in cells if c is not None]


def _names(n, rng) -> list[str]:
    names: list[str] = []
    taken = {name for name, _ in _EMPTY_AREAS}
    while len(names) < n:
        a = _NAME_FIRST[rng.integers(len(_NAME_FIRST))]
        b = _NAME_SECOND[rng.integers(len(_NAME_SECOND))]
        u = rng.random()
        if u < 0.5 and a.endswith(_COMPOUND_ENDINGS):
            name = a  # compound words stand alone: "Riverside", "Fairview"
        elif u < 0.07:
            name = f"{a} {b} " + ("North", "South", "East", "West")[rng.integers(4)]
        elif u < 0.12:
            name = ("Upper", "Lower", "Old", "New")[rng.integers(4)] + f" {a} {b}"
        else:
            name = f"{a} {b}"
        if b.lower() not in a.lower() and a.lower() not in b.lower() and name not in taken:
            taken.add(name)
            names.append(name)
    return names


# --- district layers -----------------------------------------------------------------------


def _kmeans(xy, k, rng, weight=None, balance=0.0, iters=80) -> np.ndarray:
    """Seeded k-means (k-means++ start). With ``balance`` > 0 an additive per-cluster penalty
    nudges clusters towards equal total weight, as real districts are drawn to equal
    population."""
    n = len(xy)
    w = np.ones(n) if weight is None else np.asarray(weight, float)
    centres = [xy[rng.integers(n)]]
    for _ in range(k - 1):
        d2 = ((xy[:, None, :] - np.asarray(centres)[None]) ** 2).sum(-1).min(axis=1)
        centres.append(xy[rng.choice(n, p=d2 / d2.sum())])
    c = np.asarray(centres, float)
    penalty = np.zeros(k)
    target = w.sum() / k
    for _ in range(iters):
        d2 = ((xy[:, None, :] - c[None]) ** 2).sum(-1)
        lab = np.argmin(d2 + penalty, axis=1)
        load = np.bincount(lab, w, minlength=k)
        has = load > 0
        for dim in range(2):
            c[has, dim] = np.bincount(lab, w * xy[:, dim], minlength=k)[has] / load[has]
        if balance:
            penalty += balance * d2.min(axis=1).mean() * (load / target - 1.0)
    return lab


# Where each outer sector ends, counter-clockwise (degrees, 0 = east), from Eastern to
# Southern; Southeastern runs from 321 round to 355, where Eastern starts. The
# Southern/Southeastern border follows the harbor channel, so Southeastern lies north of the
# harbor mouth as in the real city.
SECTOR_ENDS_PRE2023 = (40, 75, 110, 150, 200, 250, 321)
# The 2023 redistricting turns most borders a few degrees (not the harbor one) and widens
# Central; build_geography scales these shifts so that ~15% of neighborhoods move.
SECTOR_SHIFTS_2023 = (6, 8, 5, 7, 4, 6, 0)


def _police(xy, core_centre, core_r, ends) -> np.ndarray:
    """Central is a core around downtown; the rest are 8 angular sectors around it."""
    rel = xy - np.asarray(core_centre)
    a = (np.degrees(np.arctan2(rel[:, 1], rel[:, 0])) - 355.0) % 360
    bounds = (np.asarray(ends, float) - 355.0) % 360
    out = np.asarray(POLICE_SECTORS, dtype=object)[np.searchsorted(bounds, a, side="right")]
    out[np.hypot(rel[:, 0], rel[:, 1]) < core_r] = "Central"
    return out


def _adjacency(cells) -> list[set[int]]:
    """Neighborhoods sharing a border (not just a corner; the harbor separates)."""
    a, b = shapely.STRtree(cells).query(cells, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    shared = shapely.length(shapely.intersection(np.take(cells, a), np.take(cells, b)))
    adj: list[set[int]] = [set() for _ in cells]
    for i, j in zip(a[shared > 1e-3], b[shared > 1e-3]):
        adj[i].add(int(j))
        adj[j].add(int(i))
    return adj


def _contiguous(labels, adj) -> np.ndarray:
    """Hand each stray piece of a district to the neighboring district it borders most, so
    every district is one connected area."""
    labels = labels.copy()
    for _ in range(20):
        moved = False
        for lab in sorted(set(labels)):
            todo, comps = set(np.flatnonzero(labels == lab).tolist()), []
            while todo:
                stack, comp = [todo.pop()], set()
                while stack:
                    i = stack.pop()
                    comp.add(i)
                    nxt = (adj[i] & todo) - comp
                    todo -= nxt
                    stack.extend(nxt)
                comps.append(sorted(comp))
            for comp in sorted(comps, key=len)[:-1]:
                near = [labels[j] for i in comp for j in adj[i] if labels[j] != lab]
                if near:
                    labels[comp] = max(sorted(set(near)), key=near.count)
                    moved = True
        if not moved:
            break
    return labels


def _posts(district, xy) -> np.ndarray:
    """Three-digit posts: the district's digit, then a running number over groups of ~3
    neighborhoods swept west to east."""
    post = np.empty(len(district), dtype=object)
    for d in POLICE_DISTRICTS:
        idx = np.flatnonzero(district == d)
        idx = idx[np.lexsort((xy[idx, 1], np.round(xy[idx, 0] / 1.5)))]
        j = np.arange(len(idx)) // 3
        post[idx] = [f"{POST_DIGIT[d]}{1 + jj // 9}{1 + jj % 9}" for jj in j]
    return post


def _order_by_angle(lab, xy, start_deg) -> np.ndarray:
    """Renumber clusters clockwise from ``start_deg`` so district numbers sweep the map."""
    k = lab.max() + 1
    cx = np.array([xy[lab == j].mean(axis=0) for j in range(k)])
    ang = (start_deg - np.degrees(np.arctan2(cx[:, 1], cx[:, 0]))) % 360
    # The most central cluster goes last, like a downtown district.
    ang[np.argmin(np.hypot(cx[:, 0], cx[:, 1]))] = 1e9
    rank = np.empty(k, int)
    rank[np.argsort(ang)] = np.arange(k)
    return rank[lab]


# --- the whole city ------------------------------------------------------------------------


def build_geography(seed: int = 2021) -> DemoGeography:
    rng = np.random.default_rng(seed)
    outline = _outline_km(rng)
    cells = _neighborhood_cells(outline, rng)
    n = len(cells)
    cent = shapely.get_coordinates(shapely.centroid(cells))
    area_km = shapely.area(cells)

    # Empty areas take the cells nearest their intended spots; everyone else gets a name.
    empty = {}
    for name, spot in _EMPTY_AREAS:
        d = np.hypot(*(cent - spot).T)
        d[list(empty)] = np.inf
        empty[int(np.argmin(d))] = name
    names = np.asarray(_names(n, rng), dtype=object)
    for i, name in empty.items():
        names[i] = name
    tiny = np.zeros(n, bool)
    tiny[list(empty)] = True

    # Where crime concentrates: east- and west-side corridors plus smaller pockets.
    hotspots = [((3.8, 0.8), 1.7, 3.0), ((-3.6, 0.4), 1.9, 3.2), ((-4.2, 5.0), 1.3, 2.0),
                ((-4.2, -3.8), 1.3, 1.5), ((0.3, -6.0), 1.0, 1.6), ((1.2, 2.6), 0.9, 1.2)]
    risk = 0.25 + sum(a * np.exp(-((cent - c) ** 2).sum(1) / (2 * s * s)) for c, s, a in hotspots)
    risk *= rng.lognormal(0.0, 0.3, n)
    commerce = 0.2 + 2.0 * np.exp(-((cent - (0.0, -1.0)) ** 2).sum(1) / (2 * 1.4**2))
    commerce *= rng.lognormal(0.0, 0.5, n)
    black_share = np.clip(0.08 + 0.9 * (1 - np.exp(-risk / 0.9)) + rng.normal(0, 0.08, n),
                          0.03, 0.97)

    # Residents: denser near downtown, lognormal spread; the empty areas have a handful.
    raw = np.sqrt(area_km) * rng.lognormal(0.0, 0.5, n)
    raw *= 1.3 - 0.5 * np.minimum(1.0, np.hypot(*(cent - (0, -1)).T) / 9)
    pop = np.zeros(n, np.int64)
    pop[tiny] = rng.integers(0, 90, tiny.sum())
    share = raw[~tiny] / raw[~tiny].sum() * (CITY_POPULATION - pop[tiny].sum())
    base = np.floor(share).astype(np.int64)
    short = CITY_POPULATION - pop[tiny].sum() - base.sum()  # largest-remainder rounding
    base[np.argsort(-(share - base))[:short]] += 1
    pop[~tiny] = base

    # Police districts under both maps; the 2023 map moves border neighborhoods.
    adj = _adjacency(cells)
    pre = _contiguous(_police(cent, (0.0, -0.6), 2.0, SECTOR_ENDS_PRE2023), adj)
    ends = np.array(SECTOR_ENDS_PRE2023), np.array(SECTOR_SHIFTS_2023)
    maps = [_contiguous(_police(cent, (0.2, -0.5), 2.0 + 0.2 * k, ends[0] + k * ends[1]), adj)
            for k in np.linspace(0.5, 2.0, 7)]
    new = min(maps, key=lambda m: abs((m != pre).mean() - 0.15))
    weights = pop + 200.0  # empty areas still count a little, so clusters stay compact
    council = _kmeans(cent, 14, rng, weights, balance=0.4)
    council = _order_by_angle(_contiguous(council, adj), cent, 300) + 1
    council = np.array([str(c) for c in council], dtype=object)
    leg_lab = _contiguous(_kmeans(cent, 6, rng, weights, balance=0.4), adj)
    leg_cx = np.array([cent[leg_lab == j].mean(axis=0) for j in range(6)])
    codes = list(LEGISLATIVE_ANCHORS)
    anchors = np.array(list(LEGISLATIVE_ANCHORS.values()))
    best = min(permutations(range(6)),
               key=lambda p: sum(np.hypot(*(leg_cx[j] - anchors[p[j]])) for j in range(6)))
    legislative = np.array([codes[best[j]] for j in leg_lab], dtype=object)
    csa_lab = _contiguous(_kmeans(cent, round(n / 5), rng, balance=0.3), adj)
    csa = np.empty(n, dtype=object)
    for j in np.unique(csa_lab):
        members = np.flatnonzero(csa_lab == j)
        top = members[np.argsort(-pop[members])][:2]
        csa[members] = "/".join(names[top])

    poly_km = np.asarray(cells, dtype=object)
    polys = _geom_to_lonlat(poly_km)
    lon, lat = to_lonlat(cent[:, 0], cent[:, 1])
    nb = pd.DataFrame({
        "code": names, "population": pop, "tiny": tiny, "risk": risk, "commerce": commerce,
        "black_share": black_share, "lon": lon, "lat": lat, PRE2023: pre, Y2023: new,
        "council_district": council, "legislative_district": legislative, "csa": csa,
        "post_pre2023": _posts(pre, cent), "post_2023": _posts(new, cent),
    })  # fmt: skip
    links = pd.concat(
        [pd.DataFrame({"neighborhood": names, "layer": layer, "code": nb[layer]})
         for layer in LINK_LAYERS],
        ignore_index=True,
    )

    rows = []
    city = shapely.union_all(polys, grid_size=1e-6)

    def add(layer, code, name, population, geom):
        c = _label_point(geom)
        rows.append((layer, code, name, int(population), POPULATION_YEAR,
                     round(area_sq_km(geom), 4), round(c.x, 6), round(c.y, 6), geojson(geom)))

    add("city", "baltimore", "Baltimore City", pop.sum(), city)
    for i in range(n):
        add("neighborhood", names[i], names[i], pop[i], polys[i])
    labels = {"council_district": "District {}", "legislative_district": "Legislative District {}"}
    for layer in LINK_LAYERS:
        col = nb[layer].to_numpy()
        for code in sorted(set(col), key=_natural):
            m = col == code
            geom = shapely.union_all(polys[m], grid_size=1e-6)
            add(layer, code, labels.get(layer, "{}").format(code), pop[m].sum(), geom)
    areas = pd.DataFrame(rows, columns=["layer", "code", "name", "population", "population_year",
                                        "area_sq_km", "centroid_lon", "centroid_lat", "geometry"])

    return DemoGeography(
        areas=areas,
        links=links,
        neighborhood_polygons=dict(zip(names, polys)),
        neighborhoods=nb,
        grid=_block_grid(polys, rng),
        outline=city,
    )


def _block_grid(polys, rng) -> pd.DataFrame:
    """Every 0.001-degree grid point inside a neighborhood, with a block label and a weight.

    Records are placed on these points directly: sampling a point uniformly in a neighborhood
    and snapping it to the grid gives the same distribution, except that a snapped point could
    leave its neighborhood (or the city) near a border; the grid never does. The gamma weights
    make a few blocks carry much of a neighborhood's crime, as in real data."""
    minx, miny, maxx, maxy = shapely.total_bounds(polys)
    ix = np.arange(math.ceil(minx / GRID_DEG), math.floor(maxx / GRID_DEG) + 1)
    iy = np.arange(math.ceil(miny / GRID_DEG), math.floor(maxy / GRID_DEG) + 1)
    gx, gy = (a.ravel() for a in np.meshgrid(ix, iy))
    per_deg = round(1 / GRID_DEG)
    lon, lat = gx / per_deg, gy / per_deg  # division rounds exactly to e.g. -76.612
    tree = shapely.STRtree(polys)
    pt_idx, poly_idx = tree.query(shapely.points(lon, lat), predicate="within")
    pt_idx, first = np.unique(pt_idx, return_index=True)
    nbhd = poly_idx[first]
    gx, gy, lon, lat = gx[pt_idx], gy[pt_idx], lon[pt_idx], lat[pt_idx]
    # A neighborhood too small to hold a grid point gets its label point instead.
    missing = np.setdiff1d(np.arange(len(polys)), nbhd)
    if len(missing):
        p = shapely.get_coordinates([polys[i].representative_point() for i in missing]).round(6)
        lon, lat = np.concatenate([lon, p[:, 0]]), np.concatenate([lat, p[:, 1]])
        gx = np.concatenate([gx, np.round(p[:, 0] / GRID_DEG).astype(int)])
        gy = np.concatenate([gy, np.round(p[:, 1] / GRID_DEG).astype(int)])
        nbhd = np.concatenate([nbhd, missing])
    order = np.lexsort((lon, lat, nbhd))
    return pd.DataFrame({
        "lon": lon[order], "lat": lat[order], "nbhd": nbhd[order],
        "block": _block_labels(gx[order], gy[order]),
        "weight": rng.gamma(0.6, 1.0, len(order)),
    })  # fmt: skip


def _block_labels(gx, gy) -> np.ndarray:
    """"1200 BLOCK N ELM ST"-style labels. Like Baltimore's grid, house numbers count blocks
    from a north-south and an east-west base line; a grid row is one east-west street and a
    grid column one north-south street, so neighboring points share plausible streets."""
    bx, by = gx - round(-76.6155 / GRID_DEG), gy - round(39.2895 / GRID_DEG)
    out = []
    for x, y in zip(bx.tolist(), by.tolist()):
        if (x * 7 + y * 13) % 3:  # on an east-west street: numbered by distance east/west
            num, side = (abs(x) + (x >= 0)) * 100, "E" if x >= 0 else "W"
            street = f"{_STREETS[(y * 11 + 5) % len(_STREETS)]} {_SUFFIXES[y % len(_SUFFIXES)]}"
        else:
            num, side = (abs(y) + (y >= 0)) * 100, "N" if y >= 0 else "S"
            street = _STREETS[(x * 7 + 3) % len(_STREETS)]
            street = f"{street} {_SUFFIXES[(x + 4) % len(_SUFFIXES)]}"
        out.append(f"{num} BLOCK {side} {street}")
    return np.asarray(out, dtype=object)
