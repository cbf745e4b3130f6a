"""State's Attorney cases: ``/cases/outcomes``, ``/cases`` (search) and ``/cases/<number>``.

Public court-record facts only (case number, dates, court, area, charges, dispositions), never
a name.
"""

from __future__ import annotations

from flask import jsonify

from app.api.export import FORMAT, clean_rows, csv_response, file_name
from app.api.params import PAGE_NUMBER, ApiError, Endpoint, Param, bad, endpoint, filters, meta, read, short
from app.context import services
from app.i18n import _, error_text
from data_access import cases as C

OUTCOMES = Endpoint(
    "/cases/outcomes",
    "Charges by gun flag and disposition (`dispositions`); cases, pending share and median / "
    "75th-percentile days from arrest to disposition, for all, gun and other cases (`cases`).",
    offense="never",
)

SEARCH = Endpoint(
    "/cases",
    f"One page ({C.PAGE_SIZE}) of cases, newest filing first: `rows`, `page`, `page_size`, `has_next`, "
    f"`total` (stops counting at {C.COUNT_CAP:,}: `total_is_lower_bound`). With `format=csv`, the page's rows.",
    params=(
        Param("case", "An exact case number (spaces and dashes are ignored); the other filters are then "
                      "ignored."),
        Param("charge", "A charge description exactly as listed in the Case lookup's Charge picker."),
        Param("page", f"Results page, 1 … {C.MAX_PAGE}.", default="1", kind=PAGE_NUMBER),
        FORMAT,
    ),
    offense="never",
)

DETAIL = Endpoint(
    "/cases/<number>",
    "One case: dates, court, area and each charge with its disposition, date and sentence "
    "(HTTP 404 when there is no such case).",
    filters=False, offense="never",
)


SEARCH_COLUMNS = ["case_number", "filed_date", "court", "police_district", "neighborhood", "charges", "first_charge",
                  "gun", "status"]


@endpoint(OUTCOMES)
def outcomes():
    f, state = filters(OUTCOMES, offense_ok=False)
    db = services().db
    # Pure helpers shared with the page, imported here so the API loads no layouts at import.
    from layouts.cases import mix_rows, outcome_summary

    mix = mix_rows(C.disposition_mix(db, f))
    summary = outcome_summary(C.case_status(db, f))
    return jsonify({"dispositions": [{"gun": g == "gun", "disposition": d, "charges": int(n)}
                                     for g, d, n, _share in mix.itertuples(index=False)],
                    "cases": summary, **meta(f, state)})


@endpoint(SEARCH)
def case_search():
    f, state = filters(SEARCH, offense_ok=False)
    args = read(SEARCH)
    try:
        case = C.normalize_case_number(args["case"])
    except C.BadCaseQuery as exc:
        raise bad("case", error_text(exc)) from None
    if not 1 <= args["page"] <= C.MAX_PAGE:
        raise bad("page", _("page={page} is out of range: pages run from 1 to {last}.").format(
            page=args["page"], last=C.MAX_PAGE))
    page = C.search(services().db, f, case, args["charge"] or None, args["page"])
    rows = [{"case_number": r.case_number, "filed_date": r.filed_date.isoformat(), "court": r.court,
             "police_district": r.police_district, "neighborhood": r.neighborhood, "charges": int(r.charges),
             "first_charge": r.first_charge, "gun": bool(r.gun), "status": r.status}
            for r in page.rows.itertuples(index=False)]
    if args["format"] == "csv":
        return csv_response(SEARCH_COLUMNS, clean_rows(SEARCH_COLUMNS, rows),
                            file_name(f"cases-page-{args['page']}", f))
    return jsonify({"rows": rows, "page": page.page, "page_size": C.PAGE_SIZE, "has_next": page.has_next,
                    "total": page.total, "total_is_lower_bound": page.total_capped, **meta(f, state)})


@endpoint(DETAIL)
def case_detail(number: str):
    try:
        n = C.normalize_case_number(number)
    except C.BadCaseQuery as exc:
        raise ApiError(400, error_text(exc), "number", number) from None
    detail = C.case_detail(services().db, n) if n else None
    if detail is None:
        raise ApiError(404, _("There is no case numbered “{number}”.").format(number=short(number)), "number", number)
    charges = [{"seq": int(r.seq), "statute": r.statute, "description": r.description, "severity": r.severity,
                "gun": bool(r.is_gun_charge), "disposition": r.disposition,
                "disposition_date": r.disposition_date.isoformat() if r.disposition_date is not None
                and r.disposition_date == r.disposition_date else None,
                "sentence": r.sentence_summary} for r in detail["charges"].itertuples(index=False)]
    return jsonify({"case_number": detail["case_number"], "filed_date": detail["filed_date"].isoformat(),
                    "court": detail["court"], "arrest_date": detail["arrest_date"].isoformat()
                    if detail["arrest_date"] else None, "police_district": detail["police_district"],
                    "neighborhood": detail["neighborhood"], "charges": charges})
