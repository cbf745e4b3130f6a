"""``psad refresh``: pull what is new from Open Baltimore's ArcGIS FeatureServer layers.

For each dataset (crime, arrests; 911 calls when asked for) the layer URL is a setting
(``PSAD_ARCGIS_CRIME_URL``, ``PSAD_ARCGIS_ARRESTS_URL``, ``PSAD_ARCGIS_CALLS_URL``). The client reads the layer's JSON metadata for its
``maxRecordCount`` and object-id field, asks for the count of matching features (for the progress
bar), then pages through ``/query`` with ``resultOffset``/``resultRecordCount`` ordered by the
object id until a page comes back short or without ``exceededTransferLimit``. Every request is
retried with exponential backoff on network errors, HTTP 429/5xx and ArcGIS ``error`` bodies
with those codes.

Incremental: ``where`` selects records on or after the last loaded record date minus
``PSAD_REFRESH_OVERLAP_DAYS`` (late additions and corrections inside that window arrive; the keys
make re-fetched records update in place instead of counting twice). With nothing loaded yet the
whole layer is fetched. Dates arrive as epoch milliseconds (UTC) and are converted to
America/New_York like any UTC export. All features of one refresh are loaded in one transaction
through the same pipeline as ``psad ingest``.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import text

from data_access.db import Database
from data_access.ingest.reader import IngestError, Table, norm_header

DATASETS = {
    # dataset: (settings field, date field, layout, table, date column)
    "crime": ("arcgis_crime_url", "CrimeDateTime", "part1_2021", "victim", "occurred_date"),
    "arrests": ("arcgis_arrests_url", "ArrestDateTime", "arrests_2021", "arrest", "arrest_date"),
    "calls": ("arcgis_calls_url", "callDateTime", "calls", "call_for_service", "call_date"),
}
RETRY_HTTP = {429, 500, 502, 503, 504}


class ArcGISClient:
    def __init__(self, url: str, *, timeout: float = 60.0, retries: int = 5, backoff: float = 1.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retries = max(1, retries)
        self.backoff = backoff
        self.requests = 0

    def _get(self, path: str, params: dict) -> dict:
        q = urllib.parse.urlencode({**params, "f": "json"})
        full = f"{self.url}{path}?{q}"
        last = ""
        for attempt in range(self.retries):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            self.requests += 1
            try:
                with urllib.request.urlopen(full, timeout=self.timeout) as resp:
                    body = json.loads(resp.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                if exc.code in RETRY_HTTP:
                    continue
                raise IngestError(f"{self.url}: the server answered {last}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                last = str(getattr(exc, "reason", exc))
                continue
            except (json.JSONDecodeError, UnicodeDecodeError):
                last = "a response that is not JSON"
                continue
            if isinstance(body, dict) and "error" in body:
                err = body["error"] or {}
                last = f"ArcGIS error {err.get('code')}: {err.get('message')}"
                if err.get("code") in RETRY_HTTP:
                    continue
                raise IngestError(f"{self.url}: {last}")
            return body
        raise IngestError(f"{self.url}: gave up after {self.retries} attempts ({last}); nothing was loaded")

    def metadata(self) -> dict:
        return self._get("", {})

    def count(self, where: str) -> int | None:
        body = self._get("/query", {"where": where, "returnCountOnly": "true"})
        return body.get("count")

    def features(self, where: str, progress=None):
        meta = self.metadata()
        page = int(meta.get("maxRecordCount") or 1000)
        oid = meta.get("objectIdField") or "OBJECTID"
        offset = 0
        while True:
            body = self._get("/query", {
                "where": where, "outFields": "*", "orderByFields": f"{oid} ASC", "returnGeometry": "true",
                "outSR": 4326, "resultOffset": offset, "resultRecordCount": page})
            feats = body.get("features") or []
            yield from feats
            if progress is not None:
                progress(len(feats))
            offset += len(feats)
            if not feats or (not body.get("exceededTransferLimit") and len(feats) < page):
                break
            if not body.get("exceededTransferLimit") and len(feats) == page:
                # Some servers omit the flag; one more (possibly empty) page settles it.
                continue


def features_table(feats: list[dict], name: str, date_field: str) -> Table:
    """ArcGIS features -> the same string table a CSV export gives (epoch ms -> ISO UTC)."""
    rows = []
    for f in feats:
        a = dict(f.get("attributes") or {})
        g = f.get("geometry") or {}
        if "x" in g and "y" in g:
            a.setdefault("Longitude", g["x"])
            a.setdefault("Latitude", g["y"])
        rows.append(a)
    df = pd.DataFrame(rows)
    if date_field in df.columns:
        ms = pd.to_numeric(df[date_field], errors="coerce")
        iso = pd.to_datetime(ms, unit="ms", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        df[date_field] = iso.where(ms.notna(), df[date_field].astype("str").where(df[date_field].notna(), ""))
    df.columns = [norm_header(c) for c in df.columns]
    df = df.astype("str").fillna("")
    df = df.replace({"None": "", "nan": ""})
    # JSON may carry a NUL character (``\u0000``), which no PostgreSQL text can hold and which means
    # nothing in a record: dropped, so one such record cannot fail a whole refresh.
    df = df.apply(lambda c: c.str.replace("\x00", "", regex=False))
    lines = [f"(ArcGIS features from {name})"] + [json.dumps(r, default=str) for r in rows]
    return Table(name, list(df.columns), df.reset_index(drop=True), pd.Series(range(2, len(df) + 2), dtype="int64"),
                 lines, [])


def since_date(db: Database, dataset: str, overlap_days: int) -> date | None:
    _, _, _, table, col = DATASETS[dataset]
    last = db.execute(text(f"SELECT max({col}) FROM {table} WHERE source <> 'demo'")).scalar()
    return None if last is None else last - timedelta(days=overlap_days)


def where_clause(date_field: str, since: date | None) -> str:
    return "1=1" if since is None else f"{date_field} >= timestamp '{since.isoformat()} 00:00:00'"


def refresh(db: Database, settings, *, datasets=None, since: date | None = None, progress_bar: bool = False,
            backoff: float = 1.0) -> list:
    from data_access.ingest.arrests import load_arrests_table
    from data_access.ingest.calls import load_calls_table
    from data_access.ingest.crime import load_crime_table

    out = []
    for ds in datasets or ("crime", "arrests"):
        field, date_field, layout, _, _ = DATASETS[ds]
        url = getattr(settings, field)
        start = since if since is not None else since_date(db, ds, settings.refresh_overlap_days)
        where = where_clause(date_field, start)
        client = ArcGISClient(url, timeout=settings.arcgis_timeout, retries=settings.arcgis_retries, backoff=backoff)
        total = client.count(where)
        bar = None
        if progress_bar:
            from tqdm import tqdm
            bar = tqdm(total=total, desc=f"refresh {ds}", unit="rec", file=sys.stderr, leave=False, disable=None)
        feats = list(client.features(where, progress=bar.update if bar else None))
        if bar:
            bar.close()
        table = features_table(feats, url, date_field)
        loader = {"crime": load_crime_table, "arrests": load_arrests_table, "calls": load_calls_table}[ds]
        label = f"{url} where {where}"
        s = loader(db, table, layout, source="bpd_arcgis", label=label, settings=settings)
        s.notes = [*getattr(s, "notes", []), f"{len(feats):,} features in {client.requests} requests ({where})"]
        out.append(s)
    return out
