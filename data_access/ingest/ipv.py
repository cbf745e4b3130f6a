"""``psad ingest ipv FILE`` (issue 15): being built."""

from __future__ import annotations

from data_access.ingest.reader import IngestError


def load_ipv_file(db, path, *, progress=None, **_):
    raise IngestError("`psad ingest ipv` is not built yet")
