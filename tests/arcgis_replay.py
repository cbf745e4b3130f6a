"""A local HTTP server that answers like an ArcGIS FeatureServer layer, from features we hold.

Written from the ArcGIS REST API documentation of ``Layer`` (``?f=json`` metadata with
``maxRecordCount`` and ``objectIdField``) and ``Query (Feature Service/Layer)``:
``where``, ``outFields``, ``orderByFields``, ``resultOffset``, ``resultRecordCount``,
``returnCountOnly``, ``f=json``; responses ``{"features": [{"attributes": {...}, "geometry":
{"x": …, "y": …}}], "exceededTransferLimit": true}`` with date fields as epoch milliseconds (UTC),
and errors as HTTP 200 with ``{"error": {"code": …, "message": …}}``. Nothing here reaches the
internet; tests and ``bench/bench_ingest.py`` start it in-process on a free port.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd

WHERE_TS = re.compile(r"^(\w+)\s*>=\s*timestamp\s*'([^']+)'$", re.I)


class Layer:
    def __init__(self, features: list[dict], date_field: str, max_records: int = 2000):
        self.features = features
        self.date_field = date_field
        self.max_records = max_records


class ReplayServer:
    def __init__(self):
        self.layers: dict[str, Layer] = {}
        self.requests: list[dict] = []
        self.fail_next = 0  # answer this many coming requests with HTTP 503
        self.error_next = 0  # ... or with an ArcGIS error body (code 500)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base}/arcgis/rest/services/{name}/FeatureServer/0"

    def start(self) -> "ReplayServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, path: str, q: dict) -> tuple[int, dict | None]:
        self.requests.append({"path": path, **q})
        if self.fail_next > 0:
            self.fail_next -= 1
            return 503, None
        if self.error_next > 0:
            self.error_next -= 1
            return 200, {"error": {"code": 500, "message": "Unable to complete operation.", "details": []}}
        m = re.match(r"^/arcgis/rest/services/([^/]+)/FeatureServer/0(/query)?$", path)
        if not m or m.group(1) not in self.layers:
            return 200, {"error": {"code": 400, "message": "Invalid URL", "details": []}}
        layer = self.layers[m.group(1)]
        if not m.group(2):
            return 200, {"currentVersion": 11.1, "name": m.group(1), "type": "Feature Layer",
                         "objectIdField": "OBJECTID", "maxRecordCount": layer.max_records,
                         "fields": [{"name": k, "type": "esriFieldTypeDate" if k == layer.date_field
                                     else "esriFieldTypeString"} for k in layer.features[0]["attributes"]]
                         if layer.features else []}
        feats = layer.features
        where = q.get("where", "1=1").strip()
        if where != "1=1":
            w = WHERE_TS.match(where)
            if not w:
                return 200, {"error": {"code": 400, "message": "'Invalid query' parameters", "details": [where]}}
            ms = pd.Timestamp(w.group(2), tz="UTC").value // 1_000_000
            feats = [f for f in feats if (f["attributes"].get(w.group(1)) or 0) >= ms]
        if q.get("returnCountOnly") == "true":
            return 200, {"count": len(feats)}
        feats = sorted(feats, key=lambda f: f["attributes"]["OBJECTID"])
        off = int(q.get("resultOffset", 0))
        n = min(int(q.get("resultRecordCount", layer.max_records)), layer.max_records)
        page = feats[off:off + n]
        return 200, {"objectIdFieldName": "OBJECTID", "geometryType": "esriGeometryPoint",
                     "spatialReference": {"wkid": 4326, "latestWkid": 4326}, "features": page,
                     "exceededTransferLimit": off + n < len(feats)}

    def _handler(self):
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                u = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(u.query).items()}
                code, body = outer._answer(u.path, q)
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return H


def _ms(ts: pd.Series) -> list:
    v = pd.DatetimeIndex(ts).tz_convert("UTC").as_unit("ms").asi8
    return v.tolist()


def crime_features(victims: pd.DataFrame, first_oid: int = 1) -> list[dict]:
    """Demo victims as Part1_Crime features (the 2021+ attribute names)."""
    from data_access.demo.export import crime_frame

    df = crime_frame(victims, "part1_2021", first_row_id=first_oid)
    df["CrimeDateTime"] = _ms(victims["occurred_at"])
    lon, lat = df.pop("Longitude").tolist(), df.pop("Latitude").tolist()
    df.insert(0, "OBJECTID", np.arange(first_oid, first_oid + len(df)))
    recs = df.astype(object).where(df.notna(), None).to_dict("records")
    return [{"attributes": r, "geometry": {"x": x, "y": y}} for r, x, y in zip(recs, lon, lat)]


def arrest_features(arrests: pd.DataFrame, first_oid: int = 1) -> list[dict]:
    from data_access.demo.export import arrest_frame

    df = arrest_frame(arrests, "arrests_2021", first_row_id=first_oid)
    df["ArrestDateTime"] = _ms(arrests["arrested_at"])
    lon, lat = df.pop("Longitude").tolist(), df.pop("Latitude").tolist()
    df.insert(0, "OBJECTID", np.arange(first_oid, first_oid + len(df)))
    recs = df.astype(object).where(df.notna(), None).to_dict("records")
    return [{"attributes": r, "geometry": {"x": x, "y": y}} for r, x, y in zip(recs, lon, lat)]
