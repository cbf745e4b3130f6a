"""``psad ingest calls FILE`` (issue 15): being built."""

from __future__ import annotations

from data_access.ingest.reader import IngestError


def load_calls_file(db, path, *, progress=None, **_):
    raise IngestError("`psad ingest calls` is not built yet")
