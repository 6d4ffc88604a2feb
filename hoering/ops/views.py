"""/healthz (the process answers) and /readyz (it can serve: database reachable and migrated).

Plain text, no session, no rate limit: a load balancer polls these every few seconds.
"""

from __future__ import annotations

from flask import Blueprint

from hoering.extensions import limiter
from hoering.ops.services import readiness_problem

bp = Blueprint("ops", __name__)

_PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/healthz")
@limiter.exempt
def healthz():
    return "ok\n", 200, _PLAIN


@bp.route("/readyz")
@limiter.exempt
def readyz():
    problem = readiness_problem()
    if problem is not None:
        return f"not ready: {problem}\n", 503, {**_PLAIN, "Retry-After": "5"}
    return "ready\n", 200, _PLAIN
