"""Marks for the translation catalog, usable below the app layer (``data_access`` imports nothing
from ``app``). They return their arguments unchanged; the code that shows the text translates it
(``app.i18n.gettext`` / ``ngettext``), and ``app.i18n_catalog`` extracts what they mark."""

from __future__ import annotations


def N_(message: str) -> str:
    """A constant shown to users: translated where it is shown, with ``_(message)``."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """A constant with a plural form: shown with ``ngettext(singular, plural, n)``."""
    return singular, plural


__all__ = ["N_", "Nn_"]
