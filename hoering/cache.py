"""Rendered fragments, cached under a key that names everything they are made from.

A key is a digest of the fragment's inputs (ids, version, counts, locale, open or not), so an
input that changes makes a new key: nothing is invalidated by hand and a stale fragment is never
served. With HOERING_REDIS_URL the fragments are shared by every worker and host; without it each
process keeps its own few. Either way the cache is only a shortcut: if Redis fails, the fragment
is rendered as if it were not cached.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

import redis
from flask import current_app
from markupsafe import Markup

log = logging.getLogger(__name__)

LOCAL_ENTRIES = 64
REDIS_SECONDS = 24 * 3600

_local: OrderedDict[str, str] = OrderedDict()
_local_lock = threading.Lock()


def key(*parts) -> str:
    """A cache key naming every input of a fragment."""
    return "hoering:fragment:" + hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@functools.cache
def _redis(url: str) -> redis.Redis:
    # Made on first use in each worker, after gunicorn has forked.
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def fragment(cache_key: str, render: Callable[[], str]) -> Markup:
    """The fragment under cache_key, rendered (and stored) only when it is not there yet."""
    url = current_app.config.get("REDIS_URL")
    if url:
        return Markup(_from_redis(_redis(url), cache_key, render))  # noqa: S704 - our own HTML
    with _local_lock:
        html = _local.get(cache_key)
        if html is not None:
            _local.move_to_end(cache_key)
            return Markup(html)  # noqa: S704 - our own rendered template
    html = str(render())
    with _local_lock:
        _local[cache_key] = html
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return Markup(html)  # noqa: S704 - our own rendered template


def _from_redis(client: redis.Redis, cache_key: str, render: Callable[[], str]) -> str:
    try:
        cached = client.get(cache_key)
    except redis.RedisError as error:
        log.warning("fragment cache unavailable: %s", type(error).__name__)
        return str(render())
    if cached is not None:
        return cached.decode("utf-8")
    html = str(render())
    try:
        client.set(cache_key, html.encode("utf-8"), ex=REDIS_SECONDS)
    except redis.RedisError as error:
        log.warning("fragment cache unavailable: %s", type(error).__name__)
    return html
