"""``/openapi.json``: an OpenAPI 3.1 description of the API, built from the same ``Endpoint`` and
``Param`` declarations that validate each request (and that ``psad docs`` writes into the README),
so it cannot drift from what is served: every path, every parameter with its allowed values, default
and meaning, the one error shape, ETag / 304 revalidation and the CSV media type where ``format=csv``
is offered. ``tests/test_openapi.py`` checks it against the Flask routes.
"""

from __future__ import annotations

import re

from flask import jsonify, request

from app.api.params import PAGE_NUMBER, PREFIX, Endpoint, endpoint
from app.reference import version

OPENAPI = Endpoint(
    "/openapi.json",
    "This API described as an OpenAPI 3.1 document: every endpoint, its parameters (allowed values, defaults, "
    "meaning), its answers (JSON, CSV where `format=csv` is offered, the error shape, 304 on a matching "
    "`If-None-Match`).",
    filters=False, offense="never", http_cache=False,
)

ERROR = {"$ref": "#/components/responses/Error"}
DATES_DOC = ("An ISO date `YYYY-MM-DD`, inclusive, from 2000-01-01 to 2099-12-31. Default: 1 January of the latest "
             "data year (start) to the data-as-of date (end).")
DESCRIPTION = (
    "The numbers behind every chart and table of the Baltimore Public Safety Accountability Dashboard. Every "
    "filtered endpoint takes the page URL's filter parameters; a link copied from a page works here. Answers "
    "are JSON (`columns`, `rows`, the `filters` applied, `data_as_of`, `is_demo`); where `format=csv` is offered "
    "the same rows come as a CSV download named `<dataset>-<chart>_<area>_<start>_<end>.csv` (for example "
    "`victims-by-offense_council-7_2026-01-01_2026-11-24.csv`), its header row in the "
    "request's language (`lang`). Privacy as on the pages: no names, no exact addresses, no points for sexual "
    "offenses, demographic cells of 1–4 people withheld. Every error, whatever its status, is "
    "`{\"error\", \"parameter\", \"value\"}`.")


def openapi_path(spec: Endpoint) -> str:
    """The endpoint's path in OpenAPI's spelling: ``/cases/<number>`` -> ``/cases/{number}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", spec.path)


def _schema_for(param) -> dict:
    if param.kind == PAGE_NUMBER:
        schema: dict = {"type": "integer", "minimum": 1}
        if param.default is not None:
            schema["default"] = int(param.default)
        return schema
    schema = {"type": "string"}
    if param.allowed is not None:
        schema["enum"] = list(param.allowed)
    if param.default is not None:
        schema["default"] = param.default
    return schema


def filter_parameters(spec: Endpoint) -> list[dict]:
    """The page URL's filter parameters this endpoint takes (``app.urlstate.FILTER_PARAMS``), and ``lang``."""
    from app import urlstate
    from app.pages import SITE_PARAMS
    from data_access.filters import FIELD_BY_NAME
    from data_access.vocabulary import OFFENSES

    out = []
    if spec.filters:
        for name in urlstate.FILTER_PARAMS:
            field = FIELD_BY_NAME.get(name)
            if name == "offense" and spec.offense == "never":
                continue
            if name in ("start", "end"):
                out.append({"name": name, "in": "query", "required": False, "description": DATES_DOC,
                            "schema": {"type": "string", "format": "date"}})
            elif field is not None:
                doc = f"{field.label}: {field.values}. Repeatable; values combine with “or”, filters with “and”."
                items: dict = {"type": "string"}
                if name == "offense":
                    items["enum"] = [o.code for o in OFFENSES]
                    if spec.offense != "always":
                        doc += f" Here `offense` {spec.offense}."
                out.append({"name": name, "in": "query", "required": False, "description": doc,
                            "schema": {"type": "array", "items": items}, "style": "form", "explode": True})
            else:  # a filter without a field: the relative range (``range=ytd``), say
                doc = getattr(urlstate, f"{name.upper()}_DOC", None) or f"The page URL's `{name}` filter."
                out.append({"name": name, "in": "query", "required": False, "description": doc,
                            "schema": {"type": "string"}})
    for q in SITE_PARAMS:
        out.append({"name": q.name, "in": "query", "required": False,
                    "description": q.values + ("; the CSV header row and the error messages" if q.name == "lang" else ""),
                    "schema": {"type": "string", **({"default": q.default} if q.default else {})}})
    return out


def json_schema(spec: Endpoint) -> dict:
    """The JSON answer's shape: for a chart's endpoint its ``columns`` and the keys of its ``rows``
    (``app.api.export.rows_of``), besides what every filtered answer says."""
    from app.api.export import ROW_COLUMNS

    columns = ROW_COLUMNS.get(spec.path)
    if columns is None:
        return {"type": "object"}
    return {"type": "object", "required": ["columns", "rows"], "properties": {
        "columns": {"type": "array", "items": {"type": "string"}, "const": list(columns),
                    "description": "The rows' keys in order: the CSV's columns."},
        "rows": {"type": "array", "items": {"type": "object", "required": list(columns),
                                            "properties": {c: {} for c in columns}}},
        "filters": {"type": "object", "description": "The filters applied (a relative range as its dates)."},
        "data_as_of": {"type": ["string", "null"], "format": "date"},
        "is_demo": {"type": "boolean"},
    }}


def operation(spec: Endpoint) -> dict:
    params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
              for n in re.findall(r"\{([^}]+)\}", openapi_path(spec))]
    params += filter_parameters(spec)
    params += [{"name": p.name, "in": "query", "required": False, "description": p.doc, "schema": _schema_for(p)}
               for p in spec.params]
    csv = any(p.name == "format" and p.allowed and "csv" in p.allowed for p in spec.params)
    content: dict = {"application/json": {"schema": json_schema(spec)}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string",
                                          "description": "With `format=csv`: the same rows, as a download "
                                                         "(`Content-Disposition: attachment; filename=…`)."}}
    ok: dict = {"description": spec.returns, "content": content}
    responses: dict = {"200": ok, "400": ERROR, "404": ERROR, "405": ERROR, "500": ERROR,
                       "503": {"$ref": "#/components/responses/Unavailable"}}
    if spec.http_cache:
        params.append({"$ref": "#/components/parameters/IfNoneMatch"})
        ok["headers"] = {"ETag": {"$ref": "#/components/headers/ETag"},
                         "Cache-Control": {"$ref": "#/components/headers/CacheControl"},
                         "Last-Modified": {"$ref": "#/components/headers/LastModified"}}
        if csv:
            ok["headers"]["Content-Disposition"] = {"description": "For `format=csv`: `attachment; "
                                                                   "filename=<dataset>-<chart>_<area>_<start>_<end>.csv`.",
                                                    "schema": {"type": "string"}}
        responses["304"] = {"description": "Not Modified: `If-None-Match` named the current ETag (the data has not "
                                           "changed since); no body, no query run.",
                            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}}
    first = spec.returns.split(". ")[0].split(": ")[0]
    return {"operationId": "get_" + re.sub(r"[^a-z0-9]+", "_", spec.path.lower()).strip("_"),
            "summary": first[:120], "description": spec.returns, "parameters": params,
            "responses": dict(sorted(responses.items()))}


def document(specs: tuple[Endpoint, ...] | None = None, server: str = PREFIX) -> dict:
    """The OpenAPI 3.1 document for ``specs`` (default: every endpoint served)."""
    if specs is None:
        from app.api import endpoints

        specs = endpoints()
    error_schema = {
        "type": "object", "required": ["error", "parameter", "value"], "additionalProperties": False,
        "properties": {"error": {"type": "string", "description": "What went wrong, in the request's language."},
                       "parameter": {"type": ["string", "null"], "description": "The parameter at fault, if any."},
                       "value": {"type": ["string", "null"],
                                 "description": "The value at fault (cut to 40 characters), if any."}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Baltimore Public Safety Accountability Dashboard API", "version": version(),
                 "description": DESCRIPTION, "license": {"name": "See the project's LICENSE"}},
        "servers": [{"url": server}],
        "paths": {openapi_path(s): {"get": operation(s)} for s in specs},
        "components": {
            "schemas": {"Error": error_schema},
            "responses": {
                "Error": {"description": "An error: a bad parameter (400, naming it), an unknown path (404), a method "
                                         "other than GET (405), a fault of ours (500).",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "Unavailable": {"description": "The database cannot answer now; try again later.",
                                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
            "parameters": {"IfNoneMatch": {
                "name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                "description": "An ETag from an earlier answer: 304 without a body while the data is unchanged."}},
            "headers": {
                "ETag": {"description": "Weak; changes with the package version and every data load (and names the "
                                        "language of a CSV).", "schema": {"type": "string"}},
                "CacheControl": {"description": "`public, max-age=PSAD_API_MAX_AGE`.", "schema": {"type": "string"}},
                "LastModified": {"description": "When the data was last loaded.", "schema": {"type": "string"}},
            },
        },
    }


@endpoint(OPENAPI)
def openapi():
    response = jsonify(document())
    response.set_etag(f"openapi-{version()}", weak=True)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response.make_conditional(request)
