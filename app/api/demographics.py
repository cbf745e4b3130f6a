"""``/demographics``: victims or arrests by age band, sex, race and ethnicity, as JSON or CSV.

Every number passes through the same suppression as the page (``data_access.suppression``), in
JSON and in CSV alike.
"""

from __future__ import annotations

import csv
import io

from flask import Response, jsonify

from app.api.export import FORMAT, file_name
from app.api.params import Endpoint, Param, endpoint, filters, meta, read
from app.context import services
from app.i18n import pgettext
from data_access import demographics as D

DEMOGRAPHICS = Endpoint(
    "/demographics",
    "One row per dimension (`age_band`, `sex`, `race`, `ethnicity`) and category: `count` (null when "
    "withheld), `label` (`\"<5\"`, `\"withheld\"` or the number) and `withheld` (`small`, `neighbour`, "
    "`complement`, `table` or null), for the whole calendar years of the range, with `years` and "
    "`total`. The same suppression as the page.",
    params=(
        Param("dataset", "`victims` (of Part 1 crime) or `arrests`.", default="victims", allowed=D.DATASETS),
        Param("format", "`csv`: the same rows as a CSV download, the header row in the request's language "
                        "(`lang`), named `<dataset>-demographics_<area>_<start>_<end>.csv`.",
              default="json", allowed=("json", "csv")),
    ),
    offense="only with `dataset=victims`",
)

CSV_FIELDS = ["dimension", "category", "count", "label", "withheld"]


def csv_header() -> list[str]:
    """The CSV's header row in the request's language, in ``CSV_FIELDS`` order (English: the JSON
    keys). Only the header is translated: the values are the JSON's, so a script reads either."""
    labels = {
        "dimension": pgettext("CSV column", "dimension"),
        "category": pgettext("CSV column", "category"),
        "count": pgettext("CSV column", "count"),
        "label": pgettext("CSV column", "label"),
        "withheld": pgettext("CSV column", "withheld"),
    }
    return [labels[k] for k in CSV_FIELDS]


VICTIMS = Endpoint(
    "/demographics/victims",
    "The Demographics page's victims table: the same rows as `/demographics?dataset=victims` (the same "
    "suppression).",
    params=(FORMAT,),
)

ARRESTS = Endpoint(
    "/demographics/arrests",
    "The Demographics page's arrests table: the same rows as `/demographics?dataset=arrests` (the same "
    "suppression).",
    params=(FORMAT,),
    offense="never",
)


def _answer(spec: Endpoint, dataset: str, fmt: str):
    f, state = filters(spec, offense_ok=dataset == "victims")
    demo = D.demographics(services().db, f, dataset)
    rows = [{"dimension": dim, "category": c.category, "count": c.value, "label": c.label,
             "withheld": c.reason} for dim, t in demo.tables.items() for c in t.cells]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(csv_header())
        w.writerows([r[k] for k in CSV_FIELDS] for r in rows)
        name = file_name(f"{dataset}-demographics", f)
        return Response(buf.getvalue(), mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})
    return jsonify({"dataset": dataset, "years": [demo.first_year, demo.last_year],
                    "total": demo.total, "rows": rows, **meta(f, state)})


@endpoint(DEMOGRAPHICS)
def demographics():
    args = read(DEMOGRAPHICS)
    return _answer(DEMOGRAPHICS, args["dataset"], args["format"])


@endpoint(VICTIMS)
def demographics_victims():
    return _answer(VICTIMS, "victims", read(VICTIMS)["format"])


@endpoint(ARRESTS)
def demographics_arrests():
    return _answer(ARRESTS, "arrests", read(ARRESTS)["format"])
