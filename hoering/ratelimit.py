"""Flask-Limiter's in-memory storage (no Redis configured) without a thread per hit.

limits' `MemoryStorage` forgets expired hits on a `threading.Timer` it starts 10 ms after a hit
whenever the last timer has finished: under steady traffic, a new thread for nearly every
limited request. Here the same sweep runs on the request's own thread, at most once every
`SWEEP_SECONDS`. Counting never waits for a sweep (every check already skips expired hits);
the sweep only keeps memory bounded.
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

STORAGE_URI = "hoering+memory://"


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["hoering+memory"]  # noqa: RUF012 - how limits registers a storage
    SWEEP_SECONDS = 10.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._sweeping = threading.Lock()
        self._last_sweep = time.monotonic()

    # limits calls this (a private method of MemoryStorage) on every hit to start its timer.
    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the name limits calls
        now = time.monotonic()
        if now - self._last_sweep < self.SWEEP_SECONDS or not self._sweeping.acquire(
            blocking=False
        ):
            return
        try:
            self._last_sweep = now
            self._MemoryStorage__expire_events()
        finally:
            self._sweeping.release()
