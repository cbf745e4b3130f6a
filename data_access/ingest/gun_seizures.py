"""``psad ingest gun-seizures FILE`` (issue 15): being built."""

from __future__ import annotations

from data_access.ingest.reader import IngestError


def load_gun_seizures_file(db, path, *, progress=None, **_):
    raise IngestError("`psad ingest gun-seizures` is not built yet")
