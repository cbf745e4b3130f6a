"""Loading real data: Open Baltimore's CSV exports and ArcGIS layers, boundaries, population,
State's Attorney cases and CVI sites.

``reader`` opens and checks a file, ``normalize`` owns the reference tables and parsers,
``geo`` assigns areas by point-in-polygon, ``base`` is the one transactional load pipeline, and
one module per dataset (``boundaries``, ``crime``, ``arrests``, ``cvi``, ``cases``) turns its
layouts into the schema's columns. ``arcgis`` pulls incremental updates for ``psad refresh``.
"""

from data_access.ingest.reader import IngestError

__all__ = ["IngestError"]
