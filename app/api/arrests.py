"""``/arrests/clearance``: homicide and shooting arrests by year, and how many incidents they clear."""

from __future__ import annotations

from flask import jsonify

from app.api.params import Endpoint, endpoint, filters, meta
from app.context import services
from data_access import arrests as A

CLEARANCE = Endpoint(
    "/arrests/clearance",
    "Per calendar year and offense (homicide, shooting): `incidents`, `cleared_same_year`, "
    "`cleared_by_now`, and arrests by `same_year`, `earlier_year`, `unlinked`.",
    offense="never",
)


@endpoint(CLEARANCE)
def clearance():
    f, state = filters(CLEARANCE, offense_ok=False)
    df = A.clearance(services().db, f)
    return jsonify({"rows": [{k: int(v) if k != "offense" else v for k, v in r.items()}
                             for r in df.to_dict(orient="records")], **meta(f, state)})
