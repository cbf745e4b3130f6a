"""Synthetic demo dataset: a made-up city shaped like Baltimore and realistic-looking records.

``geography`` builds the areas (city outline, neighborhoods and every district layer);
``generate`` builds victims, arrests, State's Attorney cases and CVI sites over that geography.
Both are pure and deterministic (no database or network I/O); the demo loader writes the result.
"""
