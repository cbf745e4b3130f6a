"""Dispatch ``psad ingest KIND FILE...`` to the loader of that kind."""

from __future__ import annotations

from data_access.db import Database
from data_access.ingest.base import Progress, _noop
from data_access.ingest.reader import IngestError
from data_access.loading import LoadSummary


def ingest(db: Database, kind: str, paths: list[str], *, settings=None, layer: str | None = None,
           progress: Progress = _noop) -> LoadSummary:
    if kind == "boundaries":
        from data_access.ingest.boundaries import load_boundaries
        return load_boundaries(db, paths, layer=layer, progress=progress)
    if len(paths) != 1:
        raise IngestError(f"give one file to `psad ingest {kind}` (got {len(paths)})")
    path = paths[0]
    if kind == "population":
        from data_access.ingest.boundaries import load_population
        return load_population(db, path, progress=progress)
    if kind == "crime":
        from data_access.ingest.crime import load_crime_file
        return load_crime_file(db, path, settings=settings, progress=progress)
    if kind == "arrests":
        from data_access.ingest.arrests import load_arrests_file
        return load_arrests_file(db, path, settings=settings, progress=progress)
    if kind == "cvi":
        from data_access.ingest.cvi import load_cvi_file
        return load_cvi_file(db, path, progress=progress)
    if kind == "cases":
        from data_access.ingest.cases import load_cases_file
        return load_cases_file(db, path, settings=settings, progress=progress)
    raise IngestError(f"unknown dataset {kind!r}")
