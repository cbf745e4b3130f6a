"""``psad refresh`` against a local server replaying ArcGIS FeatureServer responses."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.settings import Settings
from data_access import aggregates
from data_access.ingest import IngestError
from data_access.ingest.arcgis import refresh
from tests.arcgis_replay import Layer, ReplayServer, arrest_features, crime_features
from tests.ingest_support import snapshot


@pytest.fixture()
def server():
    s = ReplayServer().start()
    yield s
    s.stop()


def _settings(server, **kw) -> Settings:
    return dataclasses.replace(Settings.from_env({}), arcgis_crime_url=server.url("Part1_Crime_Beta"),
                               arcgis_arrests_url=server.url("BPD_Arrests"), arcgis_retries=3,
                               arcgis_timeout=5.0, **kw)


def test_full_then_incremental_refresh(synth_db, demo_small, server):
    v = demo_small.victims.sort_values("occurred_at").reset_index(drop=True)
    v["occurred_date"] = v.occurred_date.dt.date
    cut = v.occurred_date.max() - timedelta(days=7)
    old, new = v[v.occurred_date <= cut], v[v.occurred_date > cut]
    feats = crime_features(old)
    server.layers["Part1_Crime_Beta"] = Layer(feats, "CrimeDateTime", max_records=250)
    server.layers["BPD_Arrests"] = Layer(arrest_features(demo_small.arrests), "ArrestDateTime", max_records=300)
    settings = _settings(server)

    s_crime, s_arr = refresh(synth_db, settings, backoff=0.0)
    assert s_crime.rows_loaded == len(old) and s_crime.rows_rejected == 0
    assert s_arr.rows_loaded == len(demo_small.arrests)
    pages = [r for r in server.requests if r["path"].endswith("/query") and "resultOffset" in r
             and "Part1" in r["path"]]
    assert len(pages) == -(-len(old) // 250)  # paged at the layer's maxRecordCount
    assert [int(p["resultOffset"]) for p in pages] == list(range(0, len(old), 250))
    assert all(p["where"] == "1=1" for p in pages)
    by_day = dict(synth_db.execute(text("SELECT occurred_date, count(*) FROM victim GROUP BY 1")).rows)
    assert by_day == old.groupby("occurred_date").size().to_dict()  # epoch ms UTC -> local days

    # A week later: new records, and one older record corrected inside the overlap window.
    fixed = crime_features(old.tail(1), first_oid=len(old))
    fixed[0]["attributes"]["Weapon"] = "Revolver"
    fixed[0]["attributes"]["Description"] = "SHOOTING"
    fixed[0]["attributes"]["CrimeCode"] = "9S"
    server.layers["Part1_Crime_Beta"].features = feats[:-1] + fixed + crime_features(new, first_oid=len(old) + 1)
    server.requests.clear()
    server.fail_next = 1  # the first request fails: retried
    (s2,) = refresh(synth_db, settings, datasets=["crime"], backoff=0.0)
    overlap = settings.refresh_overlap_days
    since = (cut - timedelta(days=overlap)).isoformat()
    wheres = {r.get("where") for r in server.requests if "where" in r}
    assert wheres == {f"CrimeDateTime >= timestamp '{since} 00:00:00'"}
    assert s2.rows_loaded == len(new) and s2.rows_updated == 1
    assert synth_db.execute(text("SELECT count(*) FROM victim")).scalar() == len(v)
    assert synth_db.execute(text("SELECT count(*) FROM victim WHERE offense = 'shooting'")).scalar() == (
        (v.offense == "shooting").sum() + (old.tail(1).offense != "shooting").sum())
    log = synth_db.frame(text("SELECT dataset, status, source, rows_loaded FROM load_log ORDER BY id"))
    assert log.iloc[-1].status == "ok" and "Part1_Crime_Beta" in log.iloc[-1].source
    # The days-only aggregate rebuild equals a full rebuild.
    def aggs():  # every pre-aggregate, in a fixed order
        out = {}
        for t in sorted({a.table for a in aggregates.AGGREGATES}):
            rows = synth_db.execute(text(f"SELECT * FROM {t}")).rows
            out[t] = sorted(rows, key=repr)
        return out
    incremental = aggs()
    with synth_db.begin() as conn:
        aggregates.refresh(conn)
    assert aggs() == incremental
    # Again: nothing new, nothing changes.
    (s3,) = refresh(synth_db, settings, datasets=["crime"], backoff=0.0)
    assert (s3.rows_loaded, s3.rows_updated) == (0, 0)


def test_refresh_gives_up_cleanly(synth_db, demo_small, server):
    server.layers["Part1_Crime_Beta"] = Layer(crime_features(demo_small.victims.head(100)), "CrimeDateTime", 40)
    settings = _settings(server)
    before = snapshot(synth_db)
    server.error_next = 3  # three ArcGIS error bodies: all retries used up
    with pytest.raises(IngestError, match="gave up after 3 attempts"):
        refresh(synth_db, settings, datasets=["crime"], backoff=0.0)
    assert snapshot(synth_db) == before
    bad = dataclasses.replace(settings, arcgis_crime_url=server.url("No_Such_Layer"))
    with pytest.raises(IngestError, match="Invalid URL"):
        refresh(synth_db, bad, datasets=["crime"], backoff=0.0)
    assert snapshot(synth_db) == before
