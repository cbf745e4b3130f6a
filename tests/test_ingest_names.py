"""Every neighborhood name resolves (issue 14): the rules on known cases, the alias table against
the boundaries and the samples' points, every real sample under 1% of named rows unresolved, and
the report in ``psad ingest`` and the load log."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import text

from app.cli import main
from data_access.db import Database
from data_access.ingest.arrests import LAYOUTS as ARREST_LAYOUTS
from data_access.ingest.arrests import normalize_arrests
from data_access.ingest.crime import normalize_crime, read_crime
from data_access.ingest.geo import Locator
from data_access.ingest.names import (
    LEARN_MIN_POINTS,
    Alias,
    NameResolver,
    alias_table,
    display_name,
    name_key,
)
from data_access.ingest.reader import read_csv_file
from tests.ingest_support import _clone, shared
from tests.test_ingest_crime import point_in, polygons

CURRENT = ["Federal Hill", "Ellwood Park/Monument", "Patterson Park", "Patterson Park Neighborhood",
           "Hamilton Hills", "Boyd-Booth", "Riverside"]
ALIASES = [Alias("Booth-Boyd", "Boyd-Booth", "words in the other order", "test"),
           Alias("Harford-Echodale/Perring Parkway", "Hamilton Hills", "older map", "test"),
           Alias("Federal Hill", "Riverside", "an alias may not override today's name", "test"),
           Alias("Somewhere", "Not An Area Here", "its area is not loaded", "test")]


def values(s: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in s.tolist()]


def resolver(aliases=ALIASES) -> NameResolver:
    return NameResolver(CURRENT, {"Glenham-Belhar": "Hamilton Hills"}, aliases)


def test_rules_in_order_on_known_cases():
    r = resolver()
    names = pd.Series(["FEDERAL HILL", "glenham belhar", "BOOTH-BOYD", "HARFORD-ECHODALE-PER",
                       "ELLWOOD PARK/MONUMEN", "PATTERSON PA", "FEDER", "SOMEWHERE", "", "UNKNOWN", None],
                      dtype="str")
    nb, rep = r.resolve(names, pd.Series(pd.NA, index=names.index, dtype="str"))
    assert values(nb)[:8] == ["Federal Hill", "Hamilton Hills", "Boyd-Booth", "Hamilton Hills",
                               "Ellwood Park/Monument", None, None, None]
    # "PATTERSON PA" starts two names of different areas; "FEDER" is too short to stand for one;
    # "SOMEWHERE"'s alias names an area these boundaries do not have. Blank and UNKNOWN name nothing.
    assert rep.named == 8
    assert rep.by == {"point": 0, "name": 1, "older_map": 1, "alias": 1, "prefix": 2, "learned": 0}
    assert rep.unresolved == 3 and rep.unresolved_names == {"PATTERSON PA": 1, "FEDER": 1, "SOMEWHERE": 1}
    assert sum(rep.by.values()) + rep.unresolved == rep.named


def test_learning_from_points_with_a_minimum_count_and_share():
    rows = ([("BALTIMORE-LINWOOD", "Patterson Park Neighborhood")] * 5 + [("BALTIMORE-LINWOOD", "Riverside")]
            + [("Baltimore-Linwood", None)] * 2  # name only: placed where its points teach
            + [("FEW POINTS", "Riverside")] * (LEARN_MIN_POINTS - 1) + [("FEW POINTS", None)]
            + [("SPLIT NAME", "Riverside")] * 3 + [("SPLIT NAME", "Hamilton Hills")] * 3 + [("SPLIT NAME", None)]
            + [("FEDERAL HILL", "Riverside")] * 6 + [("FEDERAL HILL", None)]  # a known name is never relearned
            + [(None, "Riverside")])
    names = pd.Series([n for n, _ in rows], dtype="str")
    points = pd.Series([a for _, a in rows], dtype="str")
    nb, rep = resolver().resolve(names, points)
    assert values(nb[points.notna()]) == values(points[points.notna()])  # a point always wins
    only = values(nb[points.isna()])
    assert only == ["Patterson Park Neighborhood"] * 2 + [None, None, "Federal Hill"]
    assert [(x.name, x.area, x.points_in_area, x.points, x.rows) for x in rep.learned] == [
        ("BALTIMORE-LINWOOD", "Patterson Park Neighborhood", 5, 6, 2)]
    assert rep.by["learned"] == 2 and rep.by["point"] == 6 + 4 + 6 + 6 and rep.by["name"] == 1
    assert rep.unresolved == 2 and rep.unresolved_names == {"FEW POINTS": 1, "SPLIT NAME": 1}
    # the names no rule knows, which only their points placed, are listed too
    assert rep.unknown_placed == (LEARN_MIN_POINTS - 1) + 6
    text_ = "\n".join(rep.lines())
    assert "'BALTIMORE-LINWOOD' -> Patterson Park Neighborhood (5 of its 6 points" in text_
    assert "named rows without an area: 2 (" in text_


def test_an_address_in_a_name_column_is_never_shown_or_kept():
    assert display_name("1234 N CHARLES ST") == "(a value that reads as an address)"
    assert display_name("  Federal   Hill ") == "Federal Hill"
    assert len(display_name("X" * 80)) == 40
    names = pd.Series(["2712 N CHARLES ST APT 3"], dtype="str")
    _, rep = resolver().resolve(names, pd.Series([pd.NA], dtype="str"))
    assert rep.unresolved_names == {"(a value that reads as an address)": 1}
    assert "CHARLES" not in "\n".join(rep.lines())


def test_alias_table_is_complete_and_never_shadows_a_name():
    new_names, old_names = (
        [f["properties"]["name"] for f in json.loads(shared(f"boundaries/{n}.geojson").read_text())["features"]]
        for n in ("neighborhoods_2020", "neighborhoods"))
    table = alias_table()
    keys = [name_key(a.name) for a in table]
    assert len(keys) == len(set(keys)), "an alias is listed twice"
    names = {name_key(n) for n in new_names + old_names}
    assert not names & set(keys), "an alias repeats a name of a neighborhood map (it would never be used)"
    assert {name_key(a.area) for a in table} <= names, "an alias names an area of neither map"
    assert all(a.reason and a.source for a in table)


@pytest.fixture(scope="module")
def real_locator(server_url, real_template, _clones) -> Locator:
    """One Locator over the real boundaries for the module (its ``name_report`` reset per use)."""
    db = Database(_clone(server_url, real_template, _clones))
    with db.begin() as conn:
        loc = Locator(conn)
    db.dispose()
    return loc


def _points_area(loc: Locator, df: pd.DataFrame, lon: str, lat: str) -> pd.Series:
    _, hits = loc.assign(df[lon], df[lat])
    return hits["neighborhood"]


def test_alias_table_agrees_with_the_samples_points(real_locator):
    """Without the alias table, learning from the points of the samples that carry them gives
    the table's areas for every aliased name it can learn."""
    loc = real_locator
    table = loc.names  # with the table: each alias's area as these boundaries resolve it
    bare = NameResolver(loc.layers["neighborhood"][0], loc.links.get("neighborhood_2010_to_current", {}), ())
    learned = {}
    for rel, name, lon, lat in (("arrests/jhwu92_BPD_Arrests_raw_2018-02.csv.gz", "Neighborhood", "Longitude", "Latitude"),
                                ("part1_crime/scorobi_socrata_part1_2016-06-01_to_06-18.csv.gz", "neighborhood", "lon", "lat")):
        df = pd.read_csv(shared(rel), dtype=str, keep_default_na=False)
        _, rep = bare.resolve(df[name].astype("str"), _points_area(loc, df, lon, lat))
        learned.update({name_key(x.name): x.area for x in rep.learned})
    aliased = {name_key(a.name): table.static(name_key(a.name))[0] for a in alias_table()}
    both = set(learned) & set(aliased)
    assert len(both) >= 8  # Baltimore-Linwood, Harford-Echodale/Perring Parkway, Joseph Lee, …
    assert {k: learned[k] for k in both} == {k: aliased[k] for k in both}


SAMPLES = {  # sample -> (named rows without an area before issue 14, after)
    "part1_crime/bpd_violent_crime_2014_ytd_heatmap.csv.gz": (408, 1),
    "part1_crime/scorobi_socrata_part1_2016-06-01_to_06-18.csv.gz": (0, 0),
    "arrests/jhwu92_BPD_Arrests_raw_2018-02.csv.gz": (4, 0),
}


def test_every_sample_under_one_percent_unresolved(real_locator):
    """The samples that carry neighborhood names (the Sun's homicides and the camera list carry
    none), normalized against the real boundaries as ``psad ingest`` does."""
    for rel, (_, after) in SAMPLES.items():
        path = shared(rel)
        loc = real_locator
        loc.name_report = None
        if rel.startswith("arrests"):
            table, layout = read_csv_file(path, layouts=ARREST_LAYOUTS)
            frame, _ = normalize_arrests(table, layout, loc)
            raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates()  # duplicates are rejected
            named = raw.Neighborhood.str.strip() != ""
        else:
            table, layout = read_crime(path)
            frame, _ = normalize_crime(table, layout, loc)
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
            named = raw[[c for c in raw.columns if c.lower() == "neighborhood"][0]].str.strip() != ""
        rep = loc.name_report
        assert rep.named == named.sum(), rel
        assert rep.unresolved == after, (rel, rep.lines())
        assert rep.unresolved_share < 0.01, rel
        assert sum(rep.by.values()) + rep.unresolved == rep.named
        # the loaded rows agree: named rows without a neighborhood are the unresolved ones
        assert len(frame) == len(raw)
        assert (named.to_numpy() & frame.neighborhood.isna().to_numpy()).sum() == after, rel
    assert rep.unresolved_names == {}


def test_psad_ingest_reports_and_the_load_log_keeps_it(real_db, tmp_path, monkeypatch, capsys):
    """A Socrata export whose one neighborhood is called by a name no map knows: its records with
    a point teach the name's area to those without one; a junk name stays unresolved, named."""
    df = pd.read_csv(shared("part1_crime/scorobi_socrata_part1_2016-06-01_to_06-18.csv.gz"), dtype=str,
                     keep_default_na=False)
    area = "Belair-Edison"
    names, geoms = polygons(shared("boundaries/neighborhoods_2020.geojson"))
    inside = point_in(names, geoms, pd.to_numeric(df.lon), pd.to_numeric(df.lat)) == area
    rows = df[inside].head(12).copy()
    assert len(rows) == 12
    rows["neighborhood"] = "BELAIR EDISON OLD MAP"
    rows.loc[rows.index[:2], ["lat", "lon"]] = ""  # two records carry only the name
    junk = df.head(3).copy()
    junk["neighborhood"], junk["lat"], junk["lon"] = "000", "", ""
    path = tmp_path / "socrata.csv"
    pd.concat([rows, junk]).to_csv(path, index=False)
    monkeypatch.setenv("DATABASE_URL", real_db.url.replace("+psycopg", ""))
    capsys.readouterr()
    assert main(["ingest", "crime", str(path)]) == 0
    out = capsys.readouterr().out
    assert "neighborhood names: 15 rows name a neighborhood; area found by their point 10," in out
    assert "learned from points 2" in out
    assert "learned in this load: 'BELAIR EDISON OLD MAP' -> Belair-Edison (10 of its 10 points fall there; " \
           "placed 2 rows without a point)" in out
    assert "named rows without an area: 3 (20.00%): 000 (3)" in out
    assert real_db.execute(text("SELECT count(*) FROM victim WHERE neighborhood = :a"), {"a": area}).scalar() == 12
    message = real_db.execute(text("SELECT message FROM load_log WHERE dataset = 'crime' AND status = 'ok' "
                                   "ORDER BY id DESC LIMIT 1")).scalar()
    assert "learned in this load: 'BELAIR EDISON OLD MAP' -> Belair-Edison" in message
    assert "named rows without an area: 3 (20.00%): 000 (3)" in message


@pytest.mark.parametrize("value", ["NA", "UNKNOWN", " ", "??"])
def test_placeholders_name_nothing(value):
    _, rep = resolver().resolve(pd.Series([value], dtype="str"), pd.Series([pd.NA], dtype="str"))
    assert rep.named == 0 and rep.unresolved == 0
