"""The Guns and warrants page's endpoints under ``/api/v1`` (issue 15): declared here as ``Endpoint``s."""

from __future__ import annotations
