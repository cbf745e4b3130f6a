"""``psad ingest warrants FILE`` (issue 15): being built."""

from __future__ import annotations

from data_access.ingest.reader import IngestError


def load_warrants_file(db, path, *, progress=None, **_):
    raise IngestError("`psad ingest warrants` is not built yet")
