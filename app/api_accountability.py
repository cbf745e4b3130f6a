"""JSON (and CSV) API for the Demographics, Arrests, Case outcomes and Case lookup pages.

Same query parameters as the page URL; every demographic number passes through the same
suppression as the page (``data_access.suppression``), in JSON and in CSV alike. Bad parameters
are HTTP 400 naming the parameter; a database problem is a 503.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify, request

from app.context import load_choices, services
from app.urlstate import BadParameter, parse
from data_access import arrests as A
from data_access import cases as C
from data_access import demographics as D
from data_access.db import DataError

blueprint = Blueprint("api_accountability", __name__, url_prefix="/api/v1")


def _one(param: str, default: str | None, allowed: tuple[str, ...] | None = None) -> str | None:
    values = request.args.getlist(param)
    if len(values) > 1:
        raise BadParameter(param, f"“{param}” may be given only once.")
    value = values[0] if values else default
    if allowed is not None and value not in allowed:
        raise BadParameter(param, f"{param}=“{value}” is not one of: {', '.join(allowed)}.")
    return value


def _filters(extra: tuple[str, ...], *, offense_ok: bool):
    choices, _, state = load_choices(services().db)
    if not offense_ok and request.args.getlist("offense"):
        raise BadParameter("offense", "offense filters do not apply here (arrests and cases are not "
                                      "Part 1 offense categories).")
    f, _ = parse(request.args.to_dict(flat=False), choices, strict=True, extra=extra)
    return f, state


def _meta(f, state) -> dict:
    as_of = state["data_as_of"]
    return {"filters": f.as_dict(), "data_as_of": as_of.isoformat() if as_of else None,
            "is_demo": bool(state["is_demo"])}


def _guard(view):
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except BadParameter as exc:
            return jsonify({"error": exc.message, "parameter": exc.param}), 400
        except C.BadCaseQuery as exc:
            return jsonify({"error": str(exc)}), 400
        except DataError as exc:
            return jsonify({"error": exc.user_message}), 503
    wrapped.__name__ = view.__name__
    return wrapped


@blueprint.get("/demographics")
@_guard
def demographics():
    dataset = _one("dataset", "victims", D.DATASETS)
    fmt = _one("format", "json", ("json", "csv"))
    f, state = _filters(("dataset", "format"), offense_ok=dataset == "victims")
    demo = D.demographics(services().db, f, dataset)
    rows = [{"dimension": dim, "category": c.category, "count": c.value, "label": c.label,
             "withheld": c.reason} for dim, t in demo.tables.items() for c in t.cells]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=["dimension", "category", "count", "label", "withheld"])
        w.writeheader()
        w.writerows(rows)
        return Response(buf.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={dataset}-demographics.csv"})
    return jsonify({"dataset": dataset, "years": [demo.first_year, demo.last_year],
                    "total": demo.total, "rows": rows, **_meta(f, state)})


@blueprint.get("/arrests/clearance")
@_guard
def clearance():
    f, state = _filters((), offense_ok=False)
    df = A.clearance(services().db, f)
    return jsonify({"rows": [{k: int(v) if k != "offense" else v for k, v in r.items()}
                             for r in df.to_dict(orient="records")], **_meta(f, state)})


@blueprint.get("/cases/outcomes")
@_guard
def outcomes():
    f, state = _filters((), offense_ok=False)
    db = services().db
    from layouts.cases import mix_rows, outcome_summary  # pure helpers shared with the page

    mix = mix_rows(C.disposition_mix(db, f))
    summary = outcome_summary(C.case_status(db, f))
    return jsonify({"dispositions": [{"gun": g == "gun", "disposition": d, "charges": int(n)}
                                     for g, d, n, _ in mix.itertuples(index=False)],
                    "cases": summary, **_meta(f, state)})


@blueprint.get("/cases")
@_guard
def case_search():
    f, state = _filters(("case", "charge", "page"), offense_ok=False)
    case = C.normalize_case_number(_one("case", None))
    charge = _one("charge", None)
    page_raw = _one("page", "1")
    if not page_raw.isdigit():
        raise BadParameter("page", f"page=“{page_raw}” is not a page number.")
    page = C.search(services().db, f, case, charge or None, int(page_raw))
    rows = [{"case_number": r.case_number, "filed_date": r.filed_date.isoformat(), "court": r.court,
             "police_district": r.police_district, "neighborhood": r.neighborhood, "charges": int(r.charges),
             "first_charge": r.first_charge, "gun": bool(r.gun), "status": r.status}
            for r in page.rows.itertuples(index=False)]
    return jsonify({"rows": rows, "page": page.page, "page_size": C.PAGE_SIZE, "has_next": page.has_next,
                    "total": page.total, "total_is_lower_bound": page.total_capped, **_meta(f, state)})


@blueprint.get("/cases/<number>")
@_guard
def case_detail(number: str):
    n = C.normalize_case_number(number)
    detail = C.case_detail(services().db, n) if n else None
    if detail is None:
        return jsonify({"error": f"There is no case numbered “{number[:40]}”."}), 404
    charges = [{"seq": int(r.seq), "statute": r.statute, "description": r.description, "severity": r.severity,
                "gun": bool(r.is_gun_charge), "disposition": r.disposition,
                "disposition_date": r.disposition_date.isoformat() if r.disposition_date is not None
                and r.disposition_date == r.disposition_date else None,
                "sentence": r.sentence_summary} for r in detail["charges"].itertuples(index=False)]
    return jsonify({"case_number": detail["case_number"], "filed_date": detail["filed_date"].isoformat(),
                    "court": detail["court"], "arrest_date": detail["arrest_date"].isoformat()
                    if detail["arrest_date"] else None, "police_district": detail["police_district"],
                    "neighborhood": detail["neighborhood"], "charges": charges})
