"""GET /healthz (the process answers) and GET /readyz (it can serve)."""

from flask import jsonify

from app.ops import bp, health


@bp.get("/healthz")
def healthz():
    """For the process supervisor: up, without touching any service."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """For the load balancer and monitoring: database, search, queue reachable."""
    ready, checks = health.readiness()
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return jsonify(body), 200 if ready else 503
