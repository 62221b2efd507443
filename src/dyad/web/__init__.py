"""``dyad serve``: a read-only FastAPI dashboard and JSON API over a dyad store."""

from __future__ import annotations

from dyad.web.app import create_app

__all__ = ["create_app"]
