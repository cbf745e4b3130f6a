"""``/counts`` (the numbers behind every chart, grouped) and ``/health``.

It is how journalists get the numbers behind a chart and how tests check them. Nothing here
knows SQL.
"""

from __future__ import annotations

from datetime import date

from flask import jsonify, request

from app.api.export import FORMAT, csv_response, file_name
from app.api.params import Endpoint, Param, bad, endpoint, filters, meta, read
from app.context import load_choices, services
from app.i18n import _, error_text
from data_access import counts as Q
from data_access import status
from data_access.db import DataError

COUNTS = Endpoint(
    "/counts",
    "`rows` of `key` and `count`: victims, arrests or cases per period or area. `week` and `month` "
    "keys are the first day of the period (weeks start on Monday), `year` keys are integers.",
    params=(
        Param("dataset", "`victims` (victims of Part 1 crime), `arrests`, or `cases` (State's Attorney "
                         "cases, by filing date).", default="victims", allowed=Q.DATASETS),
        Param("by", "How rows are grouped; `offense` only with `dataset=victims`.", default="year",
              allowed=Q.BY_VALUES),
        FORMAT,
    ),
    offense="only with `dataset=victims`",
)

HEALTH = Endpoint(
    "/health",
    "`database` (`ok` or `unavailable`, then HTTP 503), `data_version` and `data_as_of`.",
    filters=False, offense="never", http_cache=False,
)


def _json_key(key):
    if isinstance(key, date):
        return key.isoformat()
    if hasattr(key, "item"):
        return key.item()
    return key


@endpoint(COUNTS)
def counts():
    db = services().db
    choices, _options, state = load_choices(db)  # first: a database that is down is a 503 whatever was asked
    args = read(COUNTS)
    dataset, by = args["dataset"], args["by"]
    if not Q.by_supported(dataset, by):
        raise bad("by", _("by={by} is not available for dataset={dataset}.").format(by=by, dataset=dataset))
    if dataset != "victims" and request.args.getlist("offense"):
        raise bad("offense", _("offense filters apply only to dataset=victims, not {dataset}.").format(
            dataset=dataset))
    f, state = filters(COUNTS, loaded=(choices, state))
    df = Q.counts(db, f, by, dataset)
    rows = [{"key": _json_key(k), "count": int(c)} for k, c in zip(df["key"], df["count"])] if len(df) else []
    if args["format"] == "csv":
        return csv_response(["key", "count"], rows, file_name(f"{dataset}-by-{by}", f))
    return jsonify({"rows": rows, "dataset": dataset, "by": by, **meta(f, state)})


@endpoint(HEALTH)
def health():
    try:
        state = status.state(services().db)
    except DataError as exc:
        return jsonify({"database": "unavailable", "error": error_text(exc)}), 503
    return jsonify({"database": "ok", "data_version": state["version"],
                    "data_as_of": state["data_as_of"].isoformat() if state["data_as_of"] else None})
