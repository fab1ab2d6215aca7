"""The JSON API: importing this module attaches every route to the blueprint."""

from app.api import defis, members, openapi  # noqa: F401  (routes register on import)
