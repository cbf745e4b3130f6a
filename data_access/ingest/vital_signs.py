"""``psad ingest vital-signs FILE`` (issue 15): being built."""

from __future__ import annotations

from data_access.ingest.reader import IngestError


def load_vital_signs_file(db, path, *, progress=None, **_):
    raise IngestError("`psad ingest vital-signs` is not built yet")
