"""911 calls for service (issue 15): the loader on a generated Open Baltimore export (rows, rejects
with reasons, reload-safe, no caller or address stored), every figure against an independent pandas
count of the raw file, ``psad refresh --dataset calls`` through a replayed ArcGIS layer, the demo's
pre-aggregates, the page's outputs, and the API (JSON, CSV, bad parameters)."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import text

from app.bundles import PLOTLY_TRACES
from app.settings import Settings
from data_access import calls as C
from data_access.demo.calls import aggregates, export_frame, generate_calls
from data_access.filters import Filters
from data_access.ingest import normalize as N
from data_access.ingest.arcgis import refresh
from data_access.ingest.calls import CATEGORY_FILE, block, call_times, load_calls_file
from data_access.schema_calls import CALL_TABLES
from tests.arcgis_replay import Layer, ReplayServer

TZ = "America/New_York"
SPAN = (date(2023, 1, 1), date(2023, 4, 30))
PRIORITY = {"Emergency": "emergency", "High": "high", "Medium": "medium", "Low": "low",
            "Non-Emergency": "non_emergency", "Out of Service": "out_of_service", "": "unknown"}
PHONE = "410-555-0"


@pytest.fixture(scope="module")
def export(demo_small):
    calls = generate_calls(demo_small, scale=0.02, seed=5, start=SPAN[0], end=SPAN[1])
    return export_frame(calls, demo_small.geography)


@pytest.fixture(scope="module")
def calls_csv(export, tmp_path_factory):
    """The export with a caller column (never stored) and five unusable rows."""
    df = export.assign(CallerPhone=[f"{PHONE}{i % 1000:03d}" for i in range(len(export))])
    bad = df.head(4).copy()
    bad["callKey"] = ["bad1", "bad2", "bad3", df.callKey.iloc[10]]  # the last repeats a key
    bad["callDateTime"] = ["", "not a date", "1990/01/01 10:00:00+00", "2023/02/01 10:00:00+00"]
    body = pd.concat([df, bad], ignore_index=True).to_csv(index=False)
    body += "1,2,3\n"  # a row with the wrong number of fields
    path = tmp_path_factory.mktemp("calls") / "911_calls.csv"
    path.write_text(body)
    return path


def expected(export: pd.DataFrame) -> pd.DataFrame:
    """The raw export, normalized with pandas alone: local day, priority, category, response type."""
    table = pd.read_csv(CATEGORY_FILE, keep_default_na=False)
    exact = table[table.match == "exact"].set_index("text")
    local = pd.to_datetime(export.callDateTime.str.replace("+00", "", regex=False), format="%Y/%m/%d %H:%M:%S",
                           utc=True).dt.tz_convert(TZ)
    return pd.DataFrame({
        "d": local.dt.date, "priority": export.priority.fillna("").map(PRIORITY),
        "category": export.description.map(exact.category), "response_type": export.description.map(exact.response_type),
        "police_district": export.PoliceDistrict.str.title(), "neighborhood": export.Neighborhood,
        "council_district": export.CouncilDistrict})


def test_loader_rows_rejects_privacy_reload_and_figures(synth_db, calls_csv, export):
    db = synth_db
    s = load_calls_file(db, calls_csv)
    assert s.rows_loaded == len(export) and s.rows_updated == 0
    assert s.rejects_by_reason == {
        "no date": 1, "unreadable date": 1, "date outside the plausible range (2000-01-01 to today)": 1,
        "callKey repeated in the file (the first is kept)": 1, "wrong number of fields (3, expected 16)": 1}
    # no caller, no address, no point: anywhere
    cols = {r[0] for r in db.execute(text("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'call_for_service'")).rows}
    assert not cols & {"lon", "lat", "location", "caller", "incident_location", "address"}
    stored = db.execute(text("SELECT string_agg(c::text, '|') FROM call_for_service c")).scalar()
    raws = db.execute(text("SELECT string_agg(raw, '|') FROM rejected_row WHERE dataset = 'calls'")).scalar()
    assert PHONE not in stored and PHONE not in raws
    for addr in export.incidentLocation.head(200).tolist() + export.location.head(50).tolist():
        assert addr not in stored and addr not in raws
    blocks = db.frame(text("SELECT DISTINCT block FROM call_for_service")).block.dropna()
    assert len(blocks) and blocks.str.match(r"^\d+00 BLOCK ").all(), blocks.head()
    assert db.execute(text("SELECT min(call_date) FROM call_for_service")).scalar() >= SPAN[0]
    by_key = dict(db.execute(text("SELECT source_key, block FROM call_for_service")).rows)
    assert [by_key["ck:" + k] for k in export.callKey] == N.block_of(export.incidentLocation).tolist()
    odd = pd.Series(["12 n charles st", "1234 N CHARLES ST APT 3", "N CHARLES ST & E 25TH ST", "2501 E 25TH ST",
                     "1 1/2 N CHARLES ST", "1200-1210 N CHARLES ST", None, "", "3400 I 83", "55 W O'DONNELL ST"])
    assert block(odd).tolist() == N.block_of(odd).tolist()
    for times in (export.callDateTime.head(3000), pd.Series(["2023-03-12T07:30:00Z", "2023-11-05T05:30:00Z"])):
        assert call_times(times.astype("str")).tolist() == N.parse_datetimes(times.astype("str")).tolist()
    # reload: nothing changes, not even the data version
    version = db.execute(text("SELECT version FROM data_state")).scalar()
    again = load_calls_file(db, calls_csv)
    assert (again.rows_loaded, again.rows_updated, again.version_changed) == (0, 0, False)
    assert db.execute(text("SELECT version FROM data_state")).scalar() == version
    assert db.execute(text("SELECT count(*) FROM call_for_service")).scalar() == len(export)

    # every figure equals an independent pandas count of the raw file
    exp = expected(export)
    f = Filters(*SPAN)
    kinds = C.by_kind(db, f)
    want = exp.groupby(["priority", "category", "response_type"]).size()
    got = kinds.set_index(["priority", "category", "response_type"]).n
    assert got.sort_index().to_dict() == want.sort_index().to_dict()
    trend = C.over_time(db, f, "month")
    month = pd.to_datetime(exp.d).dt.to_period("M").dt.start_time.dt.date
    want = exp.assign(period=month).groupby(["period", "response_type"]).size()
    assert trend.set_index(["period", "response_type"]).n.sort_index().to_dict() == want.sort_index().to_dict()
    for field in ("police_district", "council_district"):
        area = C.by_area(db, f, field).set_index("area")
        assert area.n.to_dict() == exp.groupby(field).size().to_dict(), field
        wp = exp[exp.response_type != "police"].groupby(field).size()
        assert area.without_police.to_dict() == wp.reindex(area.index, fill_value=0).to_dict()
    kpi = C.kpi_without_police(db, f)
    assert list(kpi.columns) == ["year", "calls", "without_police"]
    assert kpi.to_dict("records") == [{"year": 2023, "calls": len(exp),
                                       "without_police": int((exp.response_type != "police").sum())}]
    # a geography filter and a date window: the geo table, days exact
    nb = exp.neighborhood.value_counts().index[0]
    g = Filters(date(2023, 2, 3), date(2023, 3, 17), neighborhood=(nb,))
    sub = exp[(exp.neighborhood == nb) & (exp.d >= g.start) & (exp.d <= g.end)]
    got = C.by_kind(db, g).groupby("category").n.sum().to_dict()
    assert got == sub.groupby("category").size().to_dict() and len(sub)
    week = C.over_time(db, g, "week")
    assert int(week.n.sum()) == len(sub)
    # whole months from the month tables, ragged days from the day tables: the same counts
    for h in (Filters(date(2023, 1, 15), date(2023, 4, 10)),
              Filters(date(2023, 1, 15), date(2023, 4, 10), council_district=(exp.council_district.iloc[0],))):
        sub = exp[(exp.d >= h.start) & (exp.d <= h.end)]
        if h.council_district:
            sub = sub[sub.council_district.isin(h.council_district)]
        assert C.by_kind(db, h).groupby("priority").n.sum().to_dict() == sub.groupby("priority").size().to_dict()
        wk = pd.to_datetime(sub.d).dt.to_period("W-SUN").dt.start_time.dt.date
        want = sub.assign(period=wk).groupby(["period", "response_type"]).size()
        got = C.over_time(db, h, "week").set_index(["period", "response_type"]).n
        assert got.sort_index().to_dict() == want.sort_index().to_dict()
        want = sub.assign(period=pd.to_datetime(sub.d).dt.to_period("M").dt.start_time.dt.date).groupby("period").size()
        assert C.over_time(db, h, "month").groupby("period").n.sum().to_dict() == want.to_dict()
    pdist = exp.police_district.value_counts().index[0]
    got = C.by_area(db, Filters(*SPAN, police_district=(pdist,)), "neighborhood").set_index("area").n.to_dict()
    assert got == exp[exp.police_district == pdist].groupby("neighborhood").size().to_dict()


def _features(df: pd.DataFrame) -> list[dict]:
    attrs = df.drop(columns=["location"]).copy()
    ms = pd.to_datetime(attrs.callDateTime.str.replace("+00", "", regex=False), format="%Y/%m/%d %H:%M:%S", utc=True)
    attrs["callDateTime"] = ms.astype("int64") // 10**6 if ms.dt.unit == "ns" else ms.dt.as_unit("ms").astype("int64")
    recs = attrs.astype(object).to_dict("records")
    return [{"attributes": r, "geometry": {"x": -76.6, "y": 39.3}} for r in recs]


def test_refresh_calls_through_a_replayed_layer(synth_db, export):
    server = ReplayServer().start()
    try:
        day = pd.to_datetime(export.callDateTime.str[:10], format="%Y/%m/%d")
        cut = pd.Timestamp(2023, 4, 1)
        old, new = export[day < cut].head(3000), export[day >= cut].head(500)
        server.layers["911_Calls"] = Layer(_features(old), "callDateTime", max_records=700)
        settings = dataclasses.replace(Settings.from_env({}), arcgis_calls_url=server.url("911_Calls"),
                                       arcgis_retries=3, arcgis_timeout=5.0)
        (s,) = refresh(synth_db, settings, datasets=["calls"], backoff=0.0)
        assert (s.dataset, s.rows_loaded, s.rows_rejected) == ("calls", len(old), 0)
        pages = [r for r in server.requests if r["path"].endswith("/query") and "resultOffset" in r]
        assert len(pages) == -(-len(old) // 700) and all(p["where"] == "1=1" for p in pages)
        assert synth_db.execute(text("SELECT count(*) FROM call_for_service WHERE source = 'bpd_arcgis'")
                                ).scalar() == len(old)
        # a week later: new calls, fetched from the last loaded day minus the overlap window
        server.layers["911_Calls"].features = _features(old) + _features(new)
        server.requests.clear()
        server.fail_next = 1  # retried
        (s2,) = refresh(synth_db, settings, datasets=["calls"], backoff=0.0)
        assert (s2.rows_loaded, s2.rows_updated) == (len(new), 0)
        last = expected(old).d.max()
        since = (last - timedelta(days=settings.refresh_overlap_days)).isoformat()
        assert {r.get("where") for r in server.requests if "where" in r} == {
            f"callDateTime >= timestamp '{since} 00:00:00'"}
        total = C.by_kind(synth_db, Filters(*SPAN)).n.sum()
        assert total == len(old) + len(new)
        # the first load's aggregates (counted in pandas) plus the refresh's (its days, in SQL) equal a
        # full rebuild from the stored rows
        tables = [t for t in CALL_TABLES if t.startswith("agg_")]

        def snap():
            return {t: sorted(map(tuple, synth_db.execute(text(f"SELECT * FROM {t}")).rows), key=repr) for t in tables}
        loaded = snap()
        with synth_db.begin() as conn:
            C.refresh_aggregates(conn)
        assert snap() == loaded
    finally:
        server.stop()


def test_demo_aggregates_count_the_generated_calls(demo_small):
    calls = generate_calls(demo_small, scale=0.01, seed=9, start=date(2023, 1, 1), end=date(2023, 3, 31))
    aggs = aggregates(calls)
    assert len(calls) > 3000 and calls.called_at.dt.tz is not None
    for name in ("agg_call_geo_day", "agg_call_city_day", "agg_call_area_day"):
        assert int(aggs[name].n.sum()) == len(calls) * (2 if name == "agg_call_area_day" else 1), name
    city = aggs["agg_call_city_day"]
    want = calls.groupby(["category", "response_type"], observed=True).size()
    assert city.groupby(["category", "response_type"], observed=True).n.sum().to_dict() == want.to_dict()
    # seasonal, weekly and daily rhythm: more calls in the evening than before dawn
    assert (calls.call_hour == 18).sum() > 2 * (calls.call_hour == 4).sum()


def test_demo_tables_agree_and_kpi(db):
    f = Filters(date(2025, 1, 1), date(2025, 12, 31))
    kinds = C.by_kind(db, f)
    total = int(kinds.n.sum())
    assert 0.05 * 1_600_000 < total < 0.12 * 1_600_000  # about 1.6 M a year at scale 0.08
    assert int(C.by_area(db, f, "police_district").n.sum()) == total
    assert int(C.by_area(db, f, "council_district").n.sum()) == total
    assert int(C.over_time(db, f, "month").n.sum()) == total
    kpi = C.kpi_without_police(db, Filters(date(2024, 1, 1), date(2026, 10, 31)))
    assert kpi.year.tolist() == [2025, 2026]
    row = kpi[kpi.year == 2025].iloc[0]
    assert row.calls == total and row.without_police == int(kinds[kinds.response_type != "police"].n.sum())
    assert C.kpi_without_police(db, Filters(date(2015, 1, 1), date(2015, 12, 31))).empty
    geo = int(C.by_kind(db, f.replace(police_district=("Western",))).n.sum())
    assert 0 < geo < total


def test_demo_rows_are_what_the_aggregates_count(db):
    """The demo stores one row per call, and its pre-aggregates (counted in memory as it writes the
    rows) equal a rebuild from those stored rows (the SQL a real load runs), for a sample month."""
    n, odd = db.execute(text(
        "SELECT count(*), count(*) FILTER (WHERE source <> 'demo' OR source_key IS NOT NULL OR block IS NOT NULL "
        "OR neighborhood IS NULL OR (called_at AT TIME ZONE 'America/New_York')::date <> call_date) "
        "FROM call_for_service")).rows[0]
    assert n == db.execute(text("SELECT sum(n) FROM agg_call_city_day")).scalar() > 100_000 and odd == 0
    days = [date(2026, 2, 1) + timedelta(days=i) for i in range(28)]
    tables = [t for t in CALL_TABLES if t.startswith("agg_")]

    def snap(conn):
        return {t: sorted(map(tuple, conn.execute(text(
            f"SELECT * FROM {t} WHERE {'m' if t.endswith('_month') else 'd'} BETWEEN '2026-02-01' AND '2026-02-28'"
        )).all()), key=repr) for t in tables}
    with db.engine.connect() as conn:
        with conn.begin() as tx:
            loaded = snap(conn)
            C.refresh_aggregates(conn, days)
            assert snap(conn) == loaded and all(loaded.values())
            tx.rollback()


def test_page_outputs(db, app_ctx):
    from callbacks.calls import calls_outputs

    for f in (Filters(date(2025, 1, 1), date(2025, 12, 31)),
              Filters(date(2026, 3, 4), date(2026, 5, 20), police_district=("Western",), offense=("homicide",))):
        out = calls_outputs(db, f)
        for k in ("trend", "response", "categories", "areas", "council"):
            assert {t["type"] for t in out[k]["data"]} <= PLOTLY_TRACES and out[k]["data"], k
        assert out["error"] is None
    assert "Western" in out["trend_name"]
    assert sum(sum(t["y"]) for t in out["trend"]["data"]) == int(C.by_kind(db, f).n.sum())
    assert any(a["text"].startswith("from") for a in out["trend"]["layout"]["annotations"])  # the partial week


PATHS = ("/calls/trend", "/calls/response", "/calls/categories", "/calls/areas", "/calls/council")


def test_api_json_csv_and_bad_parameters(client, db):
    q = "start=2025-01-01&end=2025-12-31"
    total = int(C.by_kind(db, Filters(date(2025, 1, 1), date(2025, 12, 31))).n.sum())
    for path in PATHS:
        r = client.get(f"/api/v1{path}?{q}")
        assert r.status_code == 200, (path, r.get_json())
        body = r.get_json()
        assert body["rows"] and not set(body["columns"]) & {"block", "lat", "lon", "address"}
        c = client.get(f"/api/v1{path}?{q}&format=csv")
        assert c.status_code == 200 and c.mimetype == "text/csv"
        csv = pd.read_csv(io.StringIO(c.get_data(as_text=True)))
        assert len(csv) == len(body["rows"]), path
    cats = client.get(f"/api/v1/calls/categories?{q}").get_json()
    assert sum(r["calls"] for r in cats["rows"]) == total == cats["total"]
    trend = client.get(f"/api/v1/calls/trend?{q}").get_json()
    assert sum(r["calls"] for r in trend["rows"]) == total and trend["grain"] == "month"
    areas = client.get(f"/api/v1/calls/areas?{q}&police_district=Western").get_json()
    assert areas["area_field"] == "neighborhood" and areas["rows"]
    council = client.get(f"/api/v1/calls/council?{q}&police_district=Western").get_json()
    assert all(r["rate_per_1000"] is None for r in council["rows"])
    for bad, param in (("offense=homicide", "offense"), ("police_district=Nowhere", "police_district"),
                       ("format=xml", "format"), ("start=2025-05-01&end=2025-01-01", None)):
        r = client.get(f"/api/v1/calls/areas?{bad}")
        assert r.status_code == 400, bad
        err = r.get_json()
        assert err["error"] and "Traceback" not in err["error"]
        if param:
            assert err["parameter"] == param, err
