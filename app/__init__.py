"""The Dash application: factory, settings, component ids, URL state, API and CLI."""

from app.factory import create_app

__all__ = ["create_app"]
