"""The JSON API: ``GET /api/v1/counts`` with the same query parameters as the page URL.

It is how journalists get the numbers behind a chart and how tests check them. A bad parameter
is an HTTP 400 naming the parameter and the reason; a database problem is a 503 with a plain
message. Nothing here knows SQL.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, request

from app.context import load_choices, services
from app.urlstate import BadParameter, parse
from data_access import counts as queries
from data_access import status
from data_access.db import DataError

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
PAGE_PARAMS = ("by", "dataset")


def _bad(param: str, message: str):
    return jsonify({"error": message, "parameter": param}), 400


def _one(param: str, default: str, allowed: tuple[str, ...]) -> str:
    values = request.args.getlist(param)
    if len(values) > 1:
        raise BadParameter(param, f"“{param}” may be given only once.")
    value = values[0] if values else default
    if value not in allowed:
        raise BadParameter(param, f"{param}=“{value}” is not one of: {', '.join(allowed)}.")
    return value


def _json_key(key):
    if isinstance(key, date):
        return key.isoformat()
    if hasattr(key, "item"):
        return key.item()
    return key


@blueprint.get("/counts")
def counts():
    db = services().db
    try:
        choices, _, state = load_choices(db)
        dataset = _one("dataset", "victims", queries.DATASETS)
        by = _one("by", "year", queries.BY_VALUES)
        if not queries.by_supported(dataset, by):
            raise BadParameter("by", f"by={by} is not available for dataset={dataset}.")
        if dataset != "victims" and request.args.getlist("offense"):
            raise BadParameter("offense", f"offense filters apply only to dataset=victims, not {dataset}.")
        f, _ = parse(request.args.to_dict(flat=False), choices, strict=True, extra=PAGE_PARAMS)
        df = queries.counts(db, f, by, dataset)
    except BadParameter as exc:
        return _bad(exc.param, exc.message)
    except DataError as exc:
        return jsonify({"error": exc.user_message}), 503
    rows = [{"key": _json_key(k), "count": int(c)} for k, c in zip(df["key"], df["count"])] if len(df) else []
    as_of = state["data_as_of"]
    return jsonify({
        "rows": rows,
        "filters": f.as_dict(),
        "dataset": dataset,
        "by": by,
        "data_as_of": as_of.isoformat() if as_of else None,
        "is_demo": bool(state["is_demo"]),
    })


@blueprint.get("/health")
def health():
    db = services().db
    try:
        state = status.state(db)
    except DataError as exc:
        return jsonify({"database": "unavailable", "error": exc.user_message}), 503
    return jsonify({"database": "ok", "data_version": state["version"],
                    "data_as_of": state["data_as_of"].isoformat() if state["data_as_of"] else None})


@blueprint.route("/<path:rest>")
def not_found(rest: str):
    # Without this, Dash's catch-all page route would answer unknown API paths with the app's HTML.
    return jsonify({"error": f"There is no API endpoint /api/v1/{rest}. Try /api/v1/counts."}), 404
