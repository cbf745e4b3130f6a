"""What every chart's endpoint shares: the ``format`` parameter, the answer as JSON or CSV, the
CSV's header row in the reader's language and the download's file name.

A chart's endpoint builds flat ``rows`` (dicts whose values are numbers, text, booleans or null)
and names their ``columns`` in order; ``answer`` sends them as ``{"columns", "rows", ...}`` JSON or,
with ``format=csv``, as a CSV of the same rows: only the header row is translated, every value is
written as the JSON has it (``true``/``false``, an empty cell for null), so a script reads either.

The file name carries the dataset, the area and the dates (``file_name``):
``victims-by-offense_council-7_2026-01-01_2026-11-24.csv``. It is plain ASCII without spaces, so
it needs no quoting in ``Content-Disposition``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, jsonify

from app.api.params import Param
from app.i18n import pgettext
from data_access.filters import GEO_FIELDS, Filters

FORMAT = Param("format", "`csv`: the same rows as a CSV download, the header row in the request's language "
                         "(`lang`), the values as in the JSON, named `<dataset>-<chart>_<area>_<start>_<end>.csv`.",
                default="json", allowed=("json", "csv"))

# the area part of a file name: a filter's short name, then its values
AREA_PREFIX = {"police_district": "police", "neighborhood": "neighborhood", "council_district": "council",
               "legislative_district": "legislative"}
MAX_LISTED = 3  # more values than this in one filter are counted ("neighborhood-12-areas"), not listed
MAX_AREA_CHARS = 60


# endpoint path -> the columns of its rows, in order (the JSON's ``columns``, the CSV's header, and the
# row schema of ``/openapi.json``)
ROW_COLUMNS: dict[str, tuple[str, ...]] = {}


def rows_of(spec, columns: Sequence[str]) -> tuple[str, ...]:
    """Declare the columns of ``spec``'s rows (at import, beside the ``Endpoint``); returns them."""
    ROW_COLUMNS[spec.path] = tuple(columns)
    return tuple(columns)


def slug(text: str, limit: int = 40) -> str:
    """``text`` as lowercase ASCII letters, digits and dashes ("Coldstream Homestead Montebello" ->
    "coldstream-homestead-montebello", "Peña" -> "pena"), at most ``limit`` characters."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return out or "x"


def area_part(f: Filters) -> str:
    """The filters' geography in a file name: ``city`` when there is none, ``council-7``,
    ``police-western``, ``council-7+9`` (several values), ``neighborhood-12-areas`` (many);
    several filters joined by a dot (``council-7.police-western``)."""
    parts, counted = [], []
    for name in GEO_FIELDS:
        values = getattr(f, name)
        if not values:
            continue
        prefix = AREA_PREFIX.get(name, slug(name))
        counted.append(f"{prefix}-{len(values)}-areas" if len(values) > 1 else f"{prefix}-{slug(values[0], 40)}")
        if len(values) > MAX_LISTED:
            parts.append(counted[-1])
        else:
            parts.append(prefix + "-" + "+".join(slug(v, 40) for v in values))
    text = ".".join(parts)
    if len(text) > MAX_AREA_CHARS:
        text = ".".join(counted)[:MAX_AREA_CHARS].strip("-.")
    return text or "city"


def file_name(what: str, f: Filters, start: date | None = None, end: date | None = None) -> str:
    """``<what>_<area>_<start>_<end>.csv``; ``what`` is the dataset and the chart
    ("victims-by-offense"); ``start``/``end`` default to the filters' dates (the goal chart, which
    ignores them, gives the years it covers)."""
    first, last = start or f.start, end or f.end
    return f"{slug(what, 60)}_{area_part(f)}_{first.isoformat()}_{last.isoformat()}.csv"


def column_labels() -> dict[str, str]:
    """Every CSV column of the chart endpoints, in the request's language (English: the JSON key).
    A column not listed here keeps its JSON key."""
    return {
        "key": pgettext("CSV column", "key"),
        "card": pgettext("CSV column", "card"),
        "title": pgettext("CSV column", "title"),
        "current": pgettext("CSV column", "current"),
        "prior": pgettext("CSV column", "prior"),
        "change": pgettext("CSV column", "change"),
        "change_pct": pgettext("CSV column", "change_pct"),
        "note": pgettext("CSV column", "note"),
        "verdict": pgettext("CSV column", "verdict"),
        "p_value": pgettext("CSV column", "p_value"),
        "ratio": pgettext("CSV column", "ratio"),
        "ratio_low": pgettext("CSV column", "ratio_low"),
        "ratio_high": pgettext("CSV column", "ratio_high"),
        "period_start": pgettext("CSV column", "period_start"),
        "period_end": pgettext("CSV column", "period_end"),
        "complete": pgettext("CSV column", "complete"),
        "average": pgettext("CSV column", "average"),
        "victims": pgettext("CSV column", "victims"),
        "offense": pgettext("CSV column", "offense"),
        "offense_label": pgettext("CSV column", "offense_label"),
        "group": pgettext("CSV column", "group"),
        "weekday": pgettext("CSV column", "weekday"),
        "weekday_name": pgettext("CSV column", "weekday_name"),
        "hour": pgettext("CSV column", "hour"),
        "year": pgettext("CSV column", "year"),
        "actual": pgettext("CSV column", "actual"),
        "target": pgettext("CSV column", "target"),
        "partial": pgettext("CSV column", "partial"),
        "vs_target_pct": pgettext("CSV column", "vs_target_pct"),
        "status": pgettext("CSV column", "status"),
        "standing": pgettext("CSV column", "standing"),
        "code": pgettext("CSV column", "code"),
        "name": pgettext("CSV column", "name"),
        "population": pgettext("CSV column", "population"),
        "rate_per_1000": pgettext("CSV column", "rate_per_1000"),
        "rate_shown": pgettext("CSV column", "rate_shown"),
        "chosen": pgettext("CSV column", "chosen"),
        "in_filter": pgettext("CSV column", "in_filter"),
        "lon": pgettext("CSV column", "lon"),
        "lat": pgettext("CSV column", "lat"),
        "date": pgettext("CSV column", "date"),
        "block": pgettext("CSV column", "block"),
        "weapon": pgettext("CSV column", "weapon"),
        "incidents": pgettext("CSV column", "incidents"),
        "id": pgettext("CSV column", "id"),
        "program_type": pgettext("CSV column", "program_type"),
        "operator": pgettext("CSV column", "operator"),
        "services": pgettext("CSV column", "services"),
        "hours": pgettext("CSV column", "hours"),
        "phone": pgettext("CSV column", "phone"),
        "url": pgettext("CSV column", "url"),
        "started": pgettext("CSV column", "started"),
        "address": pgettext("CSV column", "address"),
        "area_served": pgettext("CSV column", "area_served"),
        "police_district": pgettext("CSV column", "police_district"),
        "neighborhood": pgettext("CSV column", "neighborhood"),
        "council_district": pgettext("CSV column", "council_district"),
        "legislative_district": pgettext("CSV column", "legislative_district"),
        "csa": pgettext("CSV column", "csa"),
        "shootings_nearby": pgettext("CSV column", "shootings_nearby"),
        "charge_category": pgettext("CSV column", "charge_category"),
        "arrests": pgettext("CSV column", "arrests"),
        "share": pgettext("CSV column", "share"),
        "area": pgettext("CSV column", "area"),
        "statute": pgettext("CSV column", "statute"),
        "charge_description": pgettext("CSV column", "charge_description"),
        "cases": pgettext("CSV column", "cases"),
        "pending": pgettext("CSV column", "pending"),
        "pending_share": pgettext("CSV column", "pending_share"),
        "median_days": pgettext("CSV column", "median_days"),
        "p75_days": pgettext("CSV column", "p75_days"),
        "timed": pgettext("CSV column", "timed"),
        "disposition": pgettext("CSV column", "disposition"),
        "charges": pgettext("CSV column", "charges"),
        "days": pgettext("CSV column", "days"),
        "days_from": pgettext("CSV column", "days_from"),
        "days_to": pgettext("CSV column", "days_to"),
        "cleared_same_year": pgettext("CSV column", "cleared_same_year"),
        "cleared_by_now": pgettext("CSV column", "cleared_by_now"),
        "same_year": pgettext("CSV column", "same_year"),
        "earlier_year": pgettext("CSV column", "earlier_year"),
        "unlinked": pgettext("CSV column", "unlinked"),
        "case_number": pgettext("CSV column", "case_number"),
        "filed_date": pgettext("CSV column", "filed_date"),
        "court": pgettext("CSV column", "court"),
        "first_charge": pgettext("CSV column", "first_charge"),
        "gun": pgettext("CSV column", "gun"),
        # the demographics table's (their Spanish is in data.po)
        "dimension": pgettext("CSV column", "dimension"),
        "category": pgettext("CSV column", "category"),
        "count": pgettext("CSV column", "count"),
        "label": pgettext("CSV column", "label"),
        "withheld": pgettext("CSV column", "withheld"),
        # issue 15's pages (their Spanish is in api_charts.po)
        "age": pgettext("CSV column", "age"),
        "agency": pgettext("CSV column", "agency"),
        "arrest": pgettext("CSV column", "arrest"),
        "bench": pgettext("CSV column", "bench"),
        "body_attachment": pgettext("CSV column", "body_attachment"),
        "probation_violation": pgettext("CSV column", "probation_violation"),
        "other": pgettext("CSV column", "other"),
        "bnia_rate": pgettext("CSV column", "bnia_rate"),
        "own_rate": pgettext("CSV column", "own_rate"),
        "calls": pgettext("CSV column", "calls"),
        "category_label": pgettext("CSV column", "category_label"),
        "city_value": pgettext("CSV column", "city_value"),
        "definition": pgettext("CSV column", "definition"),
        "demo": pgettext("CSV column", "demo"),
        "firearm_type": pgettext("CSV column", "firearm_type"),
        "first_value": pgettext("CSV column", "first_value"),
        "first_year": pgettext("CSV column", "first_year"),
        "last_year": pgettext("CSV column", "last_year"),
        "flow": pgettext("CSV column", "flow"),
        "geography": pgettext("CSV column", "geography"),
        "guns": pgettext("CSV column", "guns"),
        "indicator": pgettext("CSV column", "indicator"),
        "issued": pgettext("CSV column", "issued"),
        "served": pgettext("CSV column", "served"),
        "outstanding": pgettext("CSV column", "outstanding"),
        "outstanding_per_1000": pgettext("CSV column", "outstanding_per_1000"),
        "warrants": pgettext("CSV column", "warrants"),
        "measure": pgettext("CSV column", "measure"),
        "method": pgettext("CSV column", "method"),
        "normalization_source": pgettext("CSV column", "normalization_source"),
        "owner": pgettext("CSV column", "owner"),
        "period": pgettext("CSV column", "period"),
        "pillar": pgettext("CSV column", "pillar"),
        "result": pgettext("CSV column", "result"),
        "population_source": pgettext("CSV column", "population_source"),
        "priority": pgettext("CSV column", "priority"),
        "priority_label": pgettext("CSV column", "priority_label"),
        "rank": pgettext("CSV column", "rank"),
        "recovery_type": pgettext("CSV column", "recovery_type"),
        "relationship": pgettext("CSV column", "relationship"),
        "relationship_label": pgettext("CSV column", "relationship_label"),
        "response_type": pgettext("CSV column", "response_type"),
        "without_police": pgettext("CSV column", "without_police"),
        "section": pgettext("CSV column", "section"),
        "source": pgettext("CSV column", "source"),
        "trend": pgettext("CSV column", "trend"),
        "unit": pgettext("CSV column", "unit"),
        "value": pgettext("CSV column", "value"),
        "value_label": pgettext("CSV column", "value_label"),
        "wording": pgettext("CSV column", "wording"),
        "years_available": pgettext("CSV column", "years_available"),
        "area_name": pgettext("CSV column", "area_name"),
    }


def json_value(value: Any) -> Any:
    """A value as the JSON answer holds it: dates as ISO text, NumPy scalars as Python numbers, an
    infinite or missing number as null."""
    if value is None or (not isinstance(value, (str, bytes)) and value != value):  # NaN, NaT
        return None
    if isinstance(value, datetime):  # a pandas Timestamp too: these are days
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def number(value: Any, digits: int = 6) -> float | None:
    """A number rounded to ``digits`` places for an answer; a missing (None, NaN) or infinite one
    is None (``json_value``)."""
    value = json_value(value)
    return None if value is None else round(float(value), digits)


def csv_value(value: Any) -> str:
    """A JSON value in a CSV cell: null empty, booleans ``true``/``false``, numbers as JSON writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(columns: Sequence[str], rows: Iterable[dict]) -> str:
    labels = column_labels()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([labels.get(c, c) for c in columns])
    w.writerows([csv_value(r.get(c)) for c in columns] for r in rows)
    return buf.getvalue()


def csv_response(columns: Sequence[str], rows: Iterable[dict], name: str) -> Response:
    return Response(csv_text(columns, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def clean_rows(columns: Sequence[str], rows: Iterable[dict]) -> list[dict]:
    """The rows with only ``columns``, every value as JSON holds it."""
    return [{c: json_value(r.get(c)) for c in columns} for r in rows]


def answer(fmt: str, columns: Sequence[str], rows: Iterable[dict], name: str, **extra):
    """The rows as JSON (``columns``, ``rows`` and ``extra``: the filters, the data's date …) or, for
    ``fmt == "csv"``, as the CSV download ``name``."""
    rows = clean_rows(columns, rows)
    if fmt == "csv":
        return csv_response(columns, rows, name)
    return jsonify({"columns": list(columns), "rows": rows, **extra})


__all__ = ["FORMAT", "ROW_COLUMNS", "rows_of", "answer", "area_part", "clean_rows", "column_labels", "csv_response",
           "csv_text", "csv_value", "file_name", "json_value", "slug"]
