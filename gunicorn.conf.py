"""gunicorn settings for Høring: `gunicorn -c gunicorn.conf.py` from the repository root.

Every setting can be changed from the environment; the defaults suit one machine behind a TLS
proxy (nginx, HAProxy, a cloud load balancer) that buffers slow clients.
"""

import multiprocessing
import os

wsgi_app = "wsgi:app"
bind = os.environ.get("HOERING_BIND", "127.0.0.1:8000")
# Sync workers: the app is CPU-bound and the proxy in front buffers slow clients.
workers = int(os.environ.get("HOERING_WORKERS", 2 * multiprocessing.cpu_count()))
# Never preload: each worker opens its own database connections after the fork.
preload_app = False
# A request that takes longer than this is stuck; its worker is killed and replaced.
timeout = int(os.environ.get("HOERING_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, jittered so they never all restart at once.
max_requests = 10_000
max_requests_jitter = 1_000
# The app logs one line per request itself (with its request id, without query strings).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("HOERING_LOG_LEVEL", "info")
# Addresses of the proxies whose X-Forwarded-* headers gunicorn may trust (HOERING_PROXY_HOPS
# tells the app how many hops to trust). Comma-separated; "*" only on a private network.
forwarded_allow_ips = os.environ.get("HOERING_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request-line and header limits (bytes); bodies are limited by the app's MAX_CONTENT_LENGTH.
limit_request_line = 8190
limit_request_field_size = 8190

# Several gunicorns may share a host (blue/green, tests); none needs the runtime control socket.
control_socket_disable = True

# Logging, all to stderr with UTC offsets: gunicorn's own messages, and the app's "hoering"
# loggers with one line per request (request id, no query string). gunicorn's access log stays
# off: it would log query strings, which may carry what people searched for.
_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": _FORMAT, "datefmt": "%Y-%m-%dT%H:%M:%S%z"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        "hoering": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
    },
}
