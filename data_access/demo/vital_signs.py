"""Demo rows of the Neighborhood Stat page's datasets (issue 15), loaded inside the demo's transaction."""

from __future__ import annotations


def load_demo(conn, data, summary, *, scale: float, seed: int, progress) -> int:
    """Load this dataset's demo rows on ``conn`` (``data`` is the generated ``DemoData``: its
    geography, dates and victims); return the rows loaded."""
    return 0
