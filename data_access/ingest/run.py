"""Dispatch ``psad ingest KIND FILE...`` to the loader of that kind."""

from __future__ import annotations

import importlib

from data_access.db import Database
from data_access.ingest.base import Progress, _noop
from data_access.ingest.reader import IngestError
from data_access.loading import LoadSummary

# kind -> (module under data_access.ingest, its loader, whether the loader takes settings); imported
# on use. ``psad ingest``'s choices are these kinds.
LOADERS = {
    "population": ("boundaries", "load_population", False),
    "crime": ("crime", "load_crime_file", True),
    "arrests": ("arrests", "load_arrests_file", True),
    "cvi": ("cvi", "load_cvi_file", False),
    "cases": ("cases", "load_cases_file", True),
    "vital-signs": ("vital_signs", "load_vital_signs_file", False),
    "kpi": ("kpi", "load_kpi_file", False),
    "calls": ("calls", "load_calls_file", True),
    "gun-seizures": ("gun_seizures", "load_gun_seizures_file", True),
    "warrants": ("warrants", "load_warrants_file", True),
    "ipv": ("ipv", "load_ipv_file", True),
}
KINDS = ("boundaries", *LOADERS)


def ingest(db: Database, kind: str, paths: list[str], *, settings=None, layer: str | None = None,
           indicators: str | None = None, progress: Progress = _noop) -> LoadSummary:
    if kind == "boundaries":  # several files at once: one per layer
        from data_access.ingest.boundaries import load_boundaries
        return load_boundaries(db, paths, layer=layer, progress=progress)
    if kind not in LOADERS:
        raise IngestError(f"unknown dataset {kind!r}")
    if len(paths) != 1:
        raise IngestError(f"give one file to `psad ingest {kind}` (got {len(paths)})")
    module, name, takes_settings = LOADERS[kind]
    load = getattr(importlib.import_module(f"data_access.ingest.{module}"), name)
    extra = {"settings": settings} if takes_settings else {}
    if indicators is not None:
        if kind != "vital-signs":
            raise IngestError("--indicators goes with `psad ingest vital-signs` only")
        extra["indicators"] = indicators
    return load(db, paths[0], progress=progress, **extra)
