"""The JSON API: importing this module attaches every route to the blueprint."""

from app.api import (  # noqa: F401  (routes register on import)
    channels,
    defis,
    members,
    mentoring,
    notifications,
    openapi,
    questions,
    resources,
    search,
)
