"""Guns and warrants (issue 15): the two loaders on generated files (bad rows kept with their reason,
reload-safe, atomic, names refused), the page's numbers against independent pandas counts from the
raw rows, outstanding warrants by age on a given day, the API (JSON, CSV, bad input) and the
page's builders (trace types, Spanish)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text

from app import i18n, ids
from app.bundles import PLOTLY_TRACES
from data_access import guns_warrants as G
from data_access.filters import Filters
from data_access.ingest.gun_seizures import load_gun_seizures_file
from data_access.ingest.reader import IngestError
from data_access.ingest.warrants import load_warrants_file
from data_access.schema_guns_warrants import (
    agg_gun_seizure_area,
    agg_gun_seizure_month,
    agg_warrant_flow_area,
    agg_warrant_open_area,
    agg_warrant_open_day,
    agg_warrant_open_end,
    gun_seizure,
    warrant,
)

AGE_EDGES = [-1, 29, 89, 364, 1094, 10**6]  # the buckets' last days, independently of the code's table


def write_csv(path, header: list[str], rows: list[list]) -> str:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def rejects(db, dataset: str) -> dict[str, int]:
    with db.engine.connect() as conn:
        return dict(conn.execute(text("SELECT reason, count(*) FROM rejected_row WHERE dataset = :d GROUP BY reason"),
                                 {"d": dataset}).all())


def version(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT version FROM data_state")).scalar()


# --- gun seizures: the loader ------------------------------------------------------------------------

SEIZURE_HEADER = ["Seizure ID", "Seized Date", "Firearm Type", "Recovery Type", "Status", "Block", "Latitude",
                  "Longitude", "Council District"]
FIREARM_SPELLINGS = {"Handgun": "handgun", "PISTOL": "handgun", "rifle": "rifle", "Ghost Gun": "ghost_gun",
                     "PMF": "ghost_gun", "shotgun": "shotgun", "Other": "other"}
RECOVERY_SPELLINGS = {"Arrest": "arrest", "found/recovered": "found", "Buyback": "surrendered",
                      "SEARCH WARRANT": "search_warrant"}


def seizure_rows(demo_small, n: int = 60) -> list[list]:
    v = demo_small.victims.dropna(subset=["lon", "lat", "council_district"]).head(n)
    fs, rs = list(FIREARM_SPELLINGS), list(RECOVERY_SPELLINGS)
    rows = []
    for i, r in enumerate(v.itertuples(index=False)):
        d = pd.Timestamp(r.occurred_date).date()
        rows.append([f"S{i:04d}", d.strftime("%m/%d/%Y") if i % 2 else d.isoformat(), fs[i % len(fs)],
                     rs[i % len(rs)], ["held", "Destroyed", "", "RETURNED"][i % 4], f"{2712 + i} N CHARLES ST APT 3",
                     f"{r.lat:.6f}", f"{r.lon:.6f}", ""])
    return rows


BAD_SEIZURES = {
    "no seizure id": ["", "2023-01-05", "Handgun", "Arrest", "", "", "", "", ""],
    "no date": ["B1", "", "Handgun", "Arrest", "", "", "", "", ""],
    "unreadable date": ["B2", "13/45/2023", "Handgun", "Arrest", "", "", "", "", ""],
    "unknown firearm type (handgun, rifle, shotgun, ghost_gun, other)": ["B3", "2023-01-05", "cannon", "Arrest",
                                                                        "", "", "", "", ""],
    "unknown recovery type (arrest, search_warrant, found, surrendered, other)": ["B4", "2023-01-05", "Rifle",
                                                                                 "stolen", "", "", "", "", ""],
    "unknown status (held, returned, destroyed, transferred)": ["B5", "2023-01-05", "Rifle", "Arrest", "melted",
                                                                "", "", "", ""],
    "coordinates outside Baltimore City": ["B6", "2023-01-05", "Rifle", "Arrest", "", "", "40.5", "-75.1", ""],
    "unknown council district": ["B7", "2023-01-05", "Rifle", "Arrest", "", "", "", "", "99"],
    "duplicate seizure id (an earlier row has it)": ["S0000", "2023-01-06", "Rifle", "Arrest", "", "", "", "", ""],
}


def test_seizures_load_with_rejects_and_reload_safely(synth_db, demo_small, tmp_path):
    good = seizure_rows(demo_small)
    future = (date.today() + timedelta(days=30)).isoformat()
    bad = [*BAD_SEIZURES.values(), ["B8", future, "Rifle", "Arrest", "", "", "", "", ""]]
    path = write_csv(tmp_path / "guns.csv", SEIZURE_HEADER, good + bad)
    s = load_gun_seizures_file(synth_db, path)
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (len(good) + len(bad), len(good), len(bad))
    got = rejects(synth_db, "gun_seizures")
    for reason in BAD_SEIZURES:
        assert got.pop(reason) == 1, reason
    assert list(got) == ["date outside the plausible range (2000-01-01 to today)"]
    df = synth_db.frame(select(gun_seizure))
    raw = pd.DataFrame(good, columns=SEIZURE_HEADER)
    # counts by type equal the file's spellings mapped by hand
    want = raw["Firearm Type"].map(FIREARM_SPELLINGS).value_counts().sort_index()
    assert df.firearm_type.value_counts().sort_index().to_dict() == want.to_dict()
    want = raw["Recovery Type"].map(RECOVERY_SPELLINGS).value_counts().sort_index()
    assert df.recovery_type.value_counts().sort_index().to_dict() == want.to_dict()
    assert df.status.isna().sum() == (raw.Status == "").sum()
    # block level only: no house number, no unit, coordinates cut to ~100 m; every point has its areas
    assert df.block.str.fullmatch(r"2\d00 BLOCK N CHARLES ST").all()
    assert ((df.lon * 1000).round(6) % 1 == 0).all() and ((df.lat * 1000).round(6) % 1 == 0).all()
    assert df.police_district.notna().all() and df.council_district.notna().all() and df.neighborhood.notna().all()
    v0 = version(synth_db)
    again = load_gun_seizures_file(synth_db, path)
    assert (again.rows_loaded, again.rows_updated, again.version_changed) == (0, 0, False)
    assert version(synth_db) == v0 and len(synth_db.frame(select(gun_seizure))) == len(good)
    good[0][3] = "Buyback"  # a newer export: one seizure corrected
    changed = load_gun_seizures_file(synth_db, write_csv(tmp_path / "guns2.csv", SEIZURE_HEADER, good))
    assert (changed.rows_loaded, changed.rows_updated, changed.version_changed) == (0, 1, True)
    assert version(synth_db) == v0 + 1
    assert_seizure_aggregate_matches_rows(synth_db)  # rebuilt by the load that changed a row
    assert seizure_month_counts(synth_db)[("recovery_type", "surrendered")] == \
        sum(r[3] == "Buyback" for r in good)


def seizure_month_counts(db) -> dict:
    """``agg_gun_seizure_month`` summed over its months: (dim, key) -> n."""
    with db.engine.connect() as conn:
        agg = pd.read_sql(select(agg_gun_seizure_month), conn)
    return {k: int(v) for k, v in agg.groupby(["dim", "key"]).n.sum().items()}


def assert_seizure_aggregate_matches_rows(db) -> None:
    """``agg_gun_seizure_month`` equals the seizures counted again per month and firearm type,
    recovery type, status ("unknown" when missing) and police district (rows without one left out);
    ``agg_gun_seizure_area`` the same inside each area of every geography field."""
    g = db.frame(select(gun_seizure))
    g["m"] = [d.replace(day=1) for d in g.seized_date]
    g["status"] = g.status.fillna("unknown")
    want = {}
    for dim in ("firearm_type", "recovery_type", "status", "police_district"):
        for (m, k), n in g[g[dim].notna()].groupby(["m", dim]).size().items():
            want[(m, dim, k)] = int(n)
    with db.engine.connect() as conn:
        agg = pd.read_sql(select(agg_gun_seizure_month), conn)
        area = pd.read_sql(select(agg_gun_seizure_area), conn)
    assert {(r.m, r.dim, r.key): r.n for r in agg.itertuples()} == want
    # inside areas: per geography field and area, month and type, recovery, status or neighborhood
    want = {}
    for field in ("police_district", "neighborhood", "council_district", "legislative_district"):
        for dim in ("firearm_type", "recovery_type", "status", "neighborhood"):
            x = g[g[field].notna() & g[dim].notna()]
            for (a, m, k), n in x.groupby([field, "m", dim]).size().items():
                want[(field, a, m, dim, k)] = int(n)
    assert {(r.field, r.area, r.m, r.dim, r.key): r.n for r in area.itertuples()} == want
    assert len(want) > len(g)  # every seizure with its areas counted in several cells


def test_a_name_column_refuses_the_file_and_nothing_is_loaded(synth_db, tmp_path):
    path = write_csv(tmp_path / "g.csv", [*SEIZURE_HEADER, "Owner Name"],
                     [["S1", "2023-01-05", "Rifle", "Arrest", "", "", "", "", "", "Someone"]])
    with pytest.raises(IngestError, match="could hold people's names"):
        load_gun_seizures_file(synth_db, path)
    path = write_csv(tmp_path / "w.csv", ["warrant_id", "warrant_type", "issued_date", "Defendant"],
                     [["W1", "bench", "2023-01-05", "Someone"]])
    with pytest.raises(IngestError, match="could hold people's names"):
        load_warrants_file(synth_db, path)
    assert synth_db.execute(text("SELECT count(*) FROM gun_seizure")).scalar() == 0
    assert synth_db.execute(text("SELECT count(*) FROM warrant")).scalar() == 0


def test_a_failed_load_changes_nothing(synth_db, demo_small, tmp_path, monkeypatch):
    from data_access.ingest import gun_seizures

    path = write_csv(tmp_path / "guns.csv", SEIZURE_HEADER, seizure_rows(demo_small, 10))

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(gun_seizures, "write_rejects", broken)
    with pytest.raises(RuntimeError):
        load_gun_seizures_file(synth_db, path)
    assert synth_db.execute(text("SELECT count(*) FROM gun_seizure")).scalar() == 0
    assert synth_db.execute(text(
        "SELECT status FROM load_log WHERE dataset = 'gun_seizures' ORDER BY id DESC LIMIT 1")).scalar() == "failed"


# --- warrants: the loader and outstanding by age ------------------------------------------------------

WARRANT_HEADER = ["Warrant ID", "Warrant Type", "Issued Date", "Served Date", "Recalled Date", "Status",
                  "Charge Category", "Charge", "Neighborhood", "Police District"]
TYPES = {"BW": "bench", "Arrest Warrant": "arrest", "VOP": "probation_violation", "body_attachment":
         "body_attachment"}


def warrant_rows(demo_small, n: int = 300, seed: int = 5) -> list[list]:
    rng = np.random.default_rng(seed)
    names = demo_small.geography.areas.query("layer == 'neighborhood'").name.tolist()
    rows = []
    for i in range(n):
        issued = date(2019, 1, 1) + timedelta(days=int(rng.integers(0, 1700)))
        u = rng.random()
        served = issued + timedelta(days=int(rng.integers(0, 900))) if u < 0.6 else None
        recalled = issued + timedelta(days=int(rng.integers(0, 400))) if 0.6 <= u < 0.75 else None
        status = "" if i % 3 else ("served" if served else "recalled" if recalled else "Outstanding")
        rows.append([f"W{i:05d}", list(TYPES)[i % 4], issued.isoformat(), served.isoformat() if served else "",
                     recalled.strftime("%m/%d/%Y") if recalled else "", status,
                     ["", "Drugs", "violent", ""][i % 4], ["", "", "", "FAILURE TO APPEAR"][i % 4],
                     names[i % len(names)] if i % 7 else "", "Western" if i % 11 == 0 else ""])
    rows.append(["W99998", "bench", "2021-03-01", "", "", "recalled", "", "", "", ""])  # recalled, no date
    return rows


BAD_WARRANTS = {
    "no warrant id": ["", "bench", "2021-01-01", "", "", "", "", "", "", ""],
    "unknown warrant type (arrest, bench, probation_violation, body_attachment, other)":
        ["X1", "summons", "2021-01-01", "", "", "", "", "", "", ""],
    "no issue date": ["X2", "bench", "", "", "", "", "", "", "", ""],
    "served before it was issued": ["X3", "bench", "2021-01-05", "2021-01-01", "", "", "", "", "", ""],
    "both a served and a recalled date": ["X4", "bench", "2021-01-01", "2021-02-01", "2021-02-02", "", "", "", "",
                                          ""],
    "status served without a served date": ["X5", "bench", "2021-01-01", "", "", "served", "", "", "", ""],
    "status active with a served or recalled date": ["X6", "bench", "2021-01-01", "2021-02-01", "", "active", "",
                                                     "", "", ""],
    "unknown charge category (violent, weapons, drugs, property, warrant, traffic, public_order, other)":
        ["X7", "bench", "2021-01-01", "", "", "", "jaywalking", "", "", ""],
    "unknown police district": ["X8", "bench", "2021-01-01", "", "", "", "", "", "", "Atlantis"],
    "duplicate warrant id (an earlier row has it)": ["W00001", "bench", "2021-01-01", "", "", "", "", "", "", ""],
}


def expected_outstanding(raw: pd.DataFrame, at: date) -> dict[str, int]:
    """Outstanding on ``at`` by age from the raw file, by the layout's rule written out again."""
    issued = pd.to_datetime(raw["Issued Date"])
    served = pd.to_datetime(raw["Served Date"].replace("", None))
    recalled = pd.to_datetime(raw["Recalled Date"].replace("", None), format="%m/%d/%Y")
    at_ts = pd.Timestamp(at)
    recalled_no_day = raw.Status.str.lower().eq("recalled") & recalled.isna()
    out = (issued <= at_ts) & (served.isna() | (served > at_ts)) & (recalled.isna() | (recalled > at_ts)) \
        & ~recalled_no_day
    ages = (at_ts - issued[out]).dt.days
    buckets = pd.cut(ages, AGE_EDGES, labels=G.AGE_CODES)
    return {k: int(v) for k, v in buckets.value_counts().items()}


def test_warrants_load_and_outstanding_by_age(synth_db, demo_small, tmp_path):
    good = warrant_rows(demo_small)
    path = write_csv(tmp_path / "w.csv", WARRANT_HEADER, good + list(BAD_WARRANTS.values()))
    s = load_warrants_file(synth_db, path)
    assert (s.rows_loaded, s.rows_rejected) == (len(good), len(BAD_WARRANTS))
    assert rejects(synth_db, "warrants") == {r: 1 for r in BAD_WARRANTS}
    raw = pd.DataFrame(good, columns=WARRANT_HEADER)
    df = synth_db.frame(select(warrant))
    assert df.warrant_type.value_counts().to_dict() == raw["Warrant Type"].map({**TYPES, "bench": "bench"}).value_counts().to_dict()
    # categories: a given category, else the charge's (failure to appear -> warrant), else other
    want = raw["Charge Category"].str.lower().replace("", None).fillna(
        raw.Charge.map({"FAILURE TO APPEAR": "warrant"})).fillna("other")
    assert df.set_index("source_key").charge_category.sort_index().tolist() == \
        want.set_axis(raw["Warrant ID"]).sort_index().tolist()
    assert df.neighborhood.notna().sum() == (raw.Neighborhood != "").sum()
    assert (df.police_district.notna() | (raw.Neighborhood == "").to_numpy()).all()
    city = Filters(date(2019, 1, 1), date(2030, 1, 1))
    for at in (date(2019, 6, 30), date(2020, 12, 31), date(2021, 3, 2), date(2023, 8, 1)):
        got = G.outstanding_by_age(synth_db, city, at).groupby("age").n.sum().to_dict()
        want = {k: v for k, v in expected_outstanding(raw, at).items() if v}
        assert got == want, at
    again = load_warrants_file(synth_db, path)
    assert (again.rows_loaded, again.rows_updated, again.version_changed) == (0, 0, False)


@given(st.integers(min_value=0, max_value=20000))
def test_every_age_falls_in_the_bucket_of_its_edges(days):
    expected = G.AGE_CODES[int(np.searchsorted(AGE_EDGES, days, side="left")) - 1]
    assert G.age_bucket(days) == expected


def test_age_bucket_edges():
    assert [G.age_bucket(d) for d in (0, 29, 30, 89, 90, 364, 365, 1094, 1095)] == [
        "lt30", "lt30", "d30_90", "d30_90", "d90_365", "d90_365", "y1_3", "y1_3", "y3plus"]


# --- the page's numbers against pandas on the demo database --------------------------------------------

FILTERS = (Filters(date(2024, 1, 1), date(2025, 6, 30)),
           Filters(date(2025, 3, 10), date(2025, 7, 20), council_district=("7",), offense=("homicide",)),
           Filters(date(2023, 2, 14), date(2025, 9, 3), council_district=("7",)),
           Filters(date(2020, 3, 17), date(2026, 10, 12)),
           Filters(date(2025, 2, 3), date(2025, 7, 20)),
           # past the demo's last day (2026-10-31 in these tests): the last month read whole
           Filters(date(2023, 4, 5), date(2026, 11, 15)),
           Filters(date(2024, 6, 6), date(2026, 11, 15), police_district=("Western",)))


@pytest.mark.parametrize("f", FILTERS, ids=["citywide", "council-7-weeks", "council-7-months", "citywide-ragged",
                                            "citywide-weeks", "citywide-to-the-end", "western-to-the-end"])
def test_page_numbers_equal_pandas_counts(db, f):
    from callbacks.guns_warrants import numbers

    n = numbers(db, f)
    guns = db.frame(select(gun_seizure))
    wars = db.frame(select(warrant))
    assert len(guns) > 500 and len(wars) > 5000  # the demo's volumes at scale 0.08
    def geo(d):  # inside the filters' areas
        inside = pd.Series(True, index=d.index)
        for field in ("police_district", "council_district"):
            if getattr(f, field):
                inside &= d[field].isin(getattr(f, field))
        return inside

    g = guns[guns.seized_date.between(f.start, f.end) & geo(guns)]  # the offense filter does not apply
    assert {r["code"]: r["n"] for r in n["types"]} == g.firearm_type.value_counts().to_dict()
    assert {r["code"]: r["n"] for r in n["recovery"]} == g.recovery_type.value_counts().to_dict()
    # status: as loaded, a gun without one is "unknown" (shown as "Not recorded"); shares of the span's guns
    status = g.status.fillna("unknown").value_counts()
    assert {r["code"]: r["n"] for r in n["status"]} == status.to_dict()
    assert [r["code"] for r in n["status"]] == [c for c in (*G.SEIZURE_STATUSES.codes, "unknown") if c in status]
    assert all(abs(r["share"] - status[r["code"]] / len(g)) < 1e-12 for r in n["status"])
    per = pd.to_datetime(g.seized_date).dt.to_period("W" if n["grain"] == "week" else "M").dt.start_time.dt.date
    trend = n["seizure_trend"]
    assert trend.n.sum() == len(g)
    assert trend[trend.n > 0].groupby(["period_start", "firearm_type"]).n.sum().to_dict() == \
        g.groupby([per, g.firearm_type]).size().to_dict()
    field = n["field"]
    areas = g[g[field].notna()].groupby(field).size().sort_values(ascending=False)
    assert dict(zip(n["seizure_area"].area, n["seizure_area"].n)) == areas.head(25).to_dict()
    w = wars[geo(wars)]
    at = n["at"]
    assert at == min(f.end, max(wars.issued_date.max(), wars.served_date.dropna().max()))
    issued = w[w.issued_date.between(f.start, f.end)]
    served = w[w.served_date.notna() & w.served_date.between(f.start, f.end)]
    open_ = w[(w.issued_date <= at) & (w.closed_date.isna() | (w.closed_date > at))]
    cats = {r["charge_category"]: (r["issued"], r["served"], r["outstanding"]) for r in n["categories"]}
    for c in set(issued.charge_category) | set(open_.charge_category):
        assert cats[c] == ((issued.charge_category == c).sum(), (served.charge_category == c).sum(),
                           (open_.charge_category == c).sum()), c
    ages = pd.cut(pd.Series([(at - d).days for d in open_.issued_date]), AGE_EDGES, labels=G.AGE_CODES)
    assert {r["age"]: r["n"] for r in n["age"]} == {k: int(v) for k, v in ages.value_counts().items()}
    flows = n["warrant_trend"]
    assert flows[flows.flow == "issued"].n.sum() == len(issued)
    assert flows[flows.flow == "served"].n.sum() == len(served)


# --- the API ---------------------------------------------------------------------------------------------

PATHS = ("seizures/trend", "seizures/types", "seizures/recovery", "seizures/status", "seizures/areas", "warrants/trend",
         "warrants/outstanding", "warrants/categories", "warrants/areas")


def test_api_answers_json_and_csv_with_the_pages_numbers(client, db):
    from callbacks.guns_warrants import numbers

    q = "start=2024-01-01&end=2024-12-31&police_district=Western"
    for p in PATHS:
        r = client.get(f"/api/v1/guns-warrants/{p}?{q}")
        assert r.status_code == 200, (p, r.get_json())
        body = r.get_json()
        assert body["rows"] and body["as_of"] == "2024-12-31", p
        c = client.get(f"/api/v1/guns-warrants/{p}?{q}&format=csv")
        assert c.status_code == 200 and c.mimetype == "text/csv"
        table = list(csv.reader(io.StringIO(c.get_data(as_text=True))))
        assert table[0] == body["columns"] and len(table) == len(body["rows"]) + 1, p
    n = numbers(db, Filters(date(2024, 1, 1), date(2024, 12, 31), police_district=("Western",)))
    rows = client.get(f"/api/v1/guns-warrants/warrants/outstanding?{q}").get_json()["rows"]
    assert [r["warrants"] for r in rows] == [r["n"] for r in n["age"]]
    rows = client.get(f"/api/v1/guns-warrants/seizures/types?{q}").get_json()["rows"]
    assert {r["firearm_type"]: r["guns"] for r in rows} == {r["code"]: r["n"] for r in n["types"]}
    rows = client.get(f"/api/v1/guns-warrants/seizures/status?{q}").get_json()["rows"]
    assert [(r["status"], r["guns"]) for r in rows] == [(r["code"], r["n"]) for r in n["status"]]
    labels = {r["status"]: r["label"] for r in
              client.get(f"/api/v1/guns-warrants/seizures/status?{q}&lang=es").get_json()["rows"]}
    assert labels["unknown"] == "No consta" and labels["held"] == "Retenida (prueba o depósito)"


@pytest.mark.parametrize("query,parameter", [("offense=homicide", "offense"), ("format=xml", "format"),
                                             ("start=2024-13-01", "start"), ("council_district=99", "council_district")])
def test_api_refuses_bad_parameters_with_a_message(client, query, parameter):
    r = client.get(f"/api/v1/guns-warrants/warrants/categories?{query}")
    assert r.status_code == 400
    body = r.get_json()
    assert body["parameter"] == parameter and body["error"]


# --- the builders ---------------------------------------------------------------------------------------------

def test_figures_use_the_bundles_traces_and_speak_spanish(db):
    from callbacks.guns_warrants import error_outputs, guns_warrants_outputs

    f = Filters(date(2025, 1, 1), date(2025, 12, 31))
    for lang in ("en", "es"):
        with i18n.use(lang):
            out = guns_warrants_outputs(db, f)
            for g in ids.GW_CHARTS:
                assert {t["type"] for t in out[g]["data"]} <= PLOTLY_TRACES
                assert out[g]["data"], g
            assert set(error_outputs("x")) == set(out)
            names = out[ids.GW_WARRANT_AGE + "-figure"]
    assert names.startswith("Gráfico de barras: órdenes pendientes el")
    assert out[ids.GW_SEIZURE_STATUS + "-figure"].startswith("Gráfico de barras: armas incautadas según su estado")
    assert "Destruida" in {t for tr in out[ids.GW_SEIZURE_STATUS]["data"] for t in tr["y"]}


# --- the pre-aggregates against the raw rows ---------------------------------------------------------------

def assert_aggregates_match_rows(db) -> dict:
    """The four warrant aggregates equal counts written out again from the raw ``warrant`` rows
    (flows on every day and month, per month and area; outstanding on every 151st day, the data's last day and the days
    around the age edges of its first issues). Returns the aggregates read, for comparisons."""
    from data_access.schema_guns_warrants import agg_warrant_flow_day, agg_warrant_flow_month, agg_warrant_geo_month

    with db.engine.connect() as conn:  # whole tables: no page's row cap
        w, day, month, open_ = (pd.read_sql(select(t), conn) for t in (warrant, agg_warrant_flow_day,
                                                                        agg_warrant_flow_month, agg_warrant_open_day))
    events = []
    for flow, when in (("issued", w.issued_date), ("served", w.served_date), ("recalled", w.recalled_date)):
        for dim in ("charge_category", "police_district"):
            m = when.notna() & w[dim].notna()
            events.append(pd.DataFrame({"d": when[m].to_numpy(), "flow": flow, "dim": dim, "key": w[dim][m].to_numpy()}))
    ev = pd.concat(events)
    want_day = ev.groupby(["d", "flow", "dim", "key"]).size().to_dict()
    assert {k: int(v) for k, v in day.set_index(["d", "flow", "dim", "key"]).n.items()} == want_day
    ev["m"] = [d.replace(day=1) for d in ev.d]
    want_month = ev.groupby(["m", "flow", "dim", "key"]).size().to_dict()
    assert {k: int(v) for k, v in month.set_index(["m", "flow", "dim", "key"]).n.items()} == want_month
    with db.engine.connect() as conn:
        geo = pd.read_sql(select(agg_warrant_geo_month), conn)
    gcols = ["m", "flow", "charge_category", "police_district", "neighborhood", "council_district",
             "legislative_district"]
    gev = pd.concat([w[when.notna()].assign(m=[d.replace(day=1) for d in when.dropna()], flow=flow)
                     for flow, when in (("issued", w.issued_date), ("served", w.served_date),
                                        ("recalled", w.recalled_date))])
    want_geo = gev.fillna({c: "-" for c in gcols[3:]}).groupby(gcols).size().to_dict()
    assert {k: int(v) for k, v in geo.fillna({c: "-" for c in gcols[3:]}).set_index(gcols).n.items()} == want_geo
    first, last = w.issued_date.min(), max(w.issued_date.max(), w.served_date.dropna().max(),
                                           w.recalled_date.dropna().max())
    days = {first + timedelta(days=k) for k in range(0, (last - first).days + 1, 151)} | {last}
    days |= {first + timedelta(days=e + k) for e in AGE_EDGES[1:-1] for k in (0, 1)} - {d for d in days if d > last}
    days = {d for d in days if d <= last}
    recalled_no_day = w.status.eq("recalled") & w.recalled_date.isna()
    for d in sorted(days):
        gone = (w.served_date.notna() & (w.served_date <= d)) | (w.recalled_date.notna() & (w.recalled_date <= d))
        o = w[(w.issued_date <= d) & ~gone & ~recalled_no_day]
        ages = pd.cut(pd.Series([(d - x).days for x in o.issued_date], index=o.index, dtype="int64"), AGE_EDGES,
                      labels=G.AGE_CODES)
        want = {("age", a, t): n for (a, t), n in o.groupby([ages, o.warrant_type], observed=True).size().items()}
        want |= {("charge_category", c, None): n for c, n in o.charge_category.value_counts().items()}
        want |= {("police_district", p, None): n for p, n in o.police_district.dropna().value_counts().items()}
        got = open_[open_.d == d]
        assert {(r.dim, r.a, r.b if isinstance(r.b, str) else None): r.n for r in got.itertuples()} == \
            {k: int(v) for k, v in want.items() if v}, d
    assert open_.d.max() <= last and open_.d.min() >= first
    # the warrants open at the data's end, per area field, issue month and type, category or neighborhood
    with db.engine.connect() as conn:
        area = pd.read_sql(select(agg_warrant_open_area), conn)
    now = w[w.closed_date.isna()]
    want = {}
    for field in ("police_district", "neighborhood", "council_district", "legislative_district"):
        for dim in ("warrant_type", "charge_category", "neighborhood"):
            x = now[now[field].notna() & now[dim].notna()]
            for (a, m, k), n in x.groupby([x[field], [d.replace(day=1) for d in x.issued_date], x[dim]]).size().items():
                want[(field, a, m, dim, k)] = int(n)
    assert {(r.field, r.area, r.m, r.dim, r.key): r.n for r in area.itertuples()} == want
    # the warrants open on the data's last day, per area field and area, by age and type, category, neighborhood
    with db.engine.connect() as conn:
        end = pd.read_sql(select(agg_warrant_open_end), conn)
    want = {}
    for field in ("police_district", "neighborhood", "council_district", "legislative_district"):
        for a in now[field].dropna().unique():
            for (kind, key, b), n in open_on(w, last, field, (a,)).items():
                want[(last, field, a, kind, key, b)] = n
    assert {(r.d, r.field, r.area, r.kind, r.a, r.b if isinstance(r.b, str) else None): r.n
            for r in end.itertuples()} == want
    # the flows per district field and area, month, flow and category or neighborhood
    with db.engine.connect() as conn:
        flow_area = pd.read_sql(select(agg_warrant_flow_area), conn)
    want = {}
    for field in ("police_district", "council_district", "legislative_district"):
        for dim in ("charge_category", "neighborhood"):
            x = gev[gev[field].notna() & gev[dim].notna()]
            for (a, m, fl, k), n in x.groupby([field, "m", "flow", dim]).size().items():
                want[(field, a, m, fl, dim, k)] = int(n)
    assert {(r.field, r.area, r.m, r.flow, r.dim, r.key): r.n for r in flow_area.itertuples()} == want
    return {"day": day, "month": month, "open": open_}


def open_on(w: pd.DataFrame, at: date, field: str, areas: tuple) -> dict:
    """Warrants outstanding on ``at`` inside ``areas`` by (kind, a, b), from the rows by the rule."""
    o = w[w[field].isin(areas) & (w.issued_date <= at) & (w.closed_date.isna() | (w.closed_date > at))]
    ages = pd.cut(pd.Series([(at - d).days for d in o.issued_date], index=o.index, dtype="int64"), AGE_EDGES,
                  labels=G.AGE_CODES)
    want = {("age", a, t): n for (a, t), n in o.groupby([ages, o.warrant_type], observed=True).size().items()}
    want |= {("category", c, None): n for c, n in o.charge_category.value_counts().items()}
    want |= {("area", a, None): n for a, n in o.neighborhood.dropna().value_counts().items()}
    return {k: int(v) for k, v in want.items() if v}


def test_outstanding_inside_an_area_on_any_day_equals_the_rows(db):
    """A view inside one area counts its open warrants from agg_warrant_open_area (whole issue months),
    the rows of the months an age edge or the day cuts and the rows closed after the day: on the data's
    last day, a month's first and last day, a leap day and days whose age edges fall on months' edges."""
    w = db.frame(select(warrant))
    last = max(w.issued_date.max(), w.closed_date.dropna().max())
    days = (last, last.replace(day=1), last.replace(day=1) - timedelta(days=1), date(2024, 2, 29),
            date(2025, 3, 30), date(2024, 12, 31) + timedelta(days=29), date(2023, 6, 15))
    nbhd = w.neighborhood.dropna().value_counts().index
    views = (("police_district", ("Western",)), ("council_district", ("7", "12")), ("neighborhood", (nbhd[0],)),
             ("legislative_district", (w.legislative_district.dropna().iloc[0],)))
    for field, areas in views:
        for at in days:
            f = Filters(date(2023, 1, 1), at, **{field: areas})
            want = open_on(w, at, field, areas)
            # on the last day from agg_warrant_open_end; the months' path must give the same
            for got in (G.open_counts(db, f, at, "neighborhood"), G._open_in_area(db, f, at, field)):
                assert {(k, a, b if isinstance(b, str) else None): n for k, a, b, n in got.itertuples(index=False)} \
                    == want, (field, at)


def test_migration_0023_fills_the_open_end_table_as_a_load_does(db):
    """Migration 0023 fills ``agg_warrant_open_end`` of a database that holds warrants with its own SQL:
    the same rows as ``compute_open_end``, which every load writes."""
    import importlib

    fill = importlib.import_module("data_access.migrations.versions.0023_warrant_open_end").FILL
    query = fill.replace("INSERT INTO agg_warrant_open_end (d, field, area, kind, a, b, n)\n", "")
    assert query != fill
    with db.engine.connect() as conn:
        by_sql = pd.read_sql(text(query), conn)
        rows = pd.read_sql(select(*[warrant.c[c] for c in G.AGG_SOURCE_COLUMNS]), conn)
    by_load = G.compute_open_end(rows)

    def keyed(df):
        return {(r[0], r[1], r[2], r[3], r[4], r[5] if isinstance(r[5], str) else None): int(r[6])
                for r in df.itertuples(index=False)}

    assert len(by_load) > 100 and keyed(by_sql) == keyed(by_load)


def test_flows_inside_areas_equal_the_rows(db):
    """``geo_flows`` (the trend, categories and neighborhoods of a view inside an area): per month,
    category and neighborhood, the warrants issued, served and recalled in the span inside the areas,
    counted from the rows. Districts of one field read their whole months from
    ``agg_warrant_flow_area``; a neighborhood and two fields at once from ``agg_warrant_geo_month``;
    spans with ragged days at either end, none, or no whole month."""
    w = db.frame(select(warrant))
    nbhd = w.neighborhood.dropna().value_counts().index[0]
    views = ({"police_district": ("Western",)}, {"council_district": ("7", "12")},
             {"legislative_district": (w.legislative_district.dropna().iloc[0],)}, {"neighborhood": (nbhd,)},
             {"police_district": ("Western", "Central"),
              "council_district": tuple(w[w.police_district == "Western"].council_district.value_counts().index[:2])})
    # the data's last day (a span ending on it or after reads its last month whole from the roll-ups)
    last = max(w.issued_date.max(), w.closed_date.dropna().max())
    spans = ((date(2023, 2, 14), date(2025, 9, 3)), (date(2024, 1, 1), date(2024, 12, 31)),
             (date(2025, 3, 10), date(2025, 3, 29)), (w.issued_date.min(), w.issued_date.max()),
             (date(2024, 5, 9), last), (last.replace(day=1) - timedelta(days=20), last + timedelta(days=45)))
    for geo in views:
        inside = np.logical_and.reduce([w[k].isin(v) for k, v in geo.items()])
        for start, end in spans:
            want = {}
            for flow, when in (("issued", w.issued_date), ("served", w.served_date), ("recalled", w.recalled_date)):
                x = w[inside & when.notna()]
                x = x[when[x.index].between(start, end)]
                month = [d.replace(day=1) for d in when[x.index]]
                for key, kind in ((month, "period"), (x.charge_category, "category"), (x.neighborhood, "area")):
                    for k, n in x.groupby(key).size().items():
                        want[(kind, k, flow)] = int(n)
            got = G.geo_flows(db, Filters(start, end, **geo))
            assert {(k, key, fl): n for k, key, fl, n in got.itertuples(index=False)} == want, (geo, start, end)
            assert len(want) > 3, (geo, start, end)  # the demo has warrants in each of these


def test_demo_aggregates_equal_the_raw_rows(db):
    assert_seizure_aggregate_matches_rows(db)
    agg = assert_aggregates_match_rows(db)
    assert len(agg["open"]) > 1000 and len(agg["month"]) > 100  # the demo has warrants in every month


def test_aggregates_follow_a_load_a_reload_and_an_update(synth_db, demo_small, tmp_path):
    good = warrant_rows(demo_small, n=250, seed=9)
    path = write_csv(tmp_path / "w.csv", WARRANT_HEADER, good)
    load_warrants_file(synth_db, path)
    before = assert_aggregates_match_rows(synth_db)
    assert len(before["open"]) > 500
    again = load_warrants_file(synth_db, path)
    assert (again.rows_loaded, again.rows_updated) == (0, 0)
    with synth_db.engine.connect() as conn:  # nothing changed, so the aggregates stay as they were
        assert pd.read_sql(select(agg_warrant_open_day), conn).equals(before["open"])
    # a newer export: outstanding warrants served, categories changed, new warrants
    newer = [list(r) for r in good]
    for i, r in enumerate(newer[:-1]):
        if not r[3] and not r[4] and i % 2:
            r[3], r[5] = (date.fromisoformat(r[2]) + timedelta(days=40)).isoformat(), ""
        if i % 5 == 0:
            r[6], r[7] = "weapons", ""
    newer += [[f"N{i:03d}", "bench", "2022-02-0" + str(1 + i % 9), "", "", "", "traffic", "", "", "Eastern"]
              for i in range(20)]
    update = load_warrants_file(synth_db, write_csv(tmp_path / "w2.csv", WARRANT_HEADER, newer))
    assert update.rows_loaded == 20 and update.rows_updated > 20
    after = assert_aggregates_match_rows(synth_db)
    assert not after["open"].equals(before["open"]) and not after["day"].equals(before["day"])
    # the page's citywide numbers come from the aggregates and still equal the rows
    city = Filters(date(2019, 1, 1), date(2030, 1, 1))
    at = date(2022, 2, 5)
    got = G.outstanding_by_age(synth_db, city, at).groupby("age").n.sum().to_dict()
    raw = pd.DataFrame(newer, columns=WARRANT_HEADER)
    assert got == {k: v for k, v in expected_outstanding(raw, at).items() if v}
