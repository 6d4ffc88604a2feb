"""The background task queue: huey, on SQLite beside the embedded database or on Redis.

A task only says "look at this work now". The work itself (a conversion, a delivery, an export)
is recorded on a row in the database with its state, so a lost queue loses nothing: each domain
keeps a periodic sweep that re-queues what is still pending, and a CLI command that runs the
pending work by hand. This module is plumbing: it knows no domain.

Tasks are queued only once the transaction that recorded the work has committed
(`after_commit`), so a worker never looks for a row that is not there yet, and a rolled-back
request queues nothing.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from hoering.config import INSTANCE_DIR
from hoering.extensions import db

QUEUE_NAME = "hoering"
log = logging.getLogger(__name__)


def _make_huey() -> Huey:
    """The queue named by HOERING_TASK_QUEUE_URL: redis://… in production, else a SQLite file."""
    url = os.environ.get("HOERING_TASK_QUEUE_URL", "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url)
    path = url.removeprefix("sqlite:///") if url else str(INSTANCE_DIR / "tasks.db")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=path)


huey = _make_huey()
_app: Flask | None = None


def init_app(app: Flask) -> None:
    """The app a worker runs its tasks in. An app with TASKS_IMMEDIATE runs each of its tasks
    in-process as the transaction commits instead of queueing it (a setting per app, so one
    process may hold both kinds, as the test suite does)."""
    global _app
    _app = app


def _in_app_context(fn: Callable) -> Callable:
    """A worker thread has no Flask context: give each task run the app's own (the current
    app's, when a task runs in-process)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        app = current_app._get_current_object() if has_app_context() else _app
        if app is None:
            raise RuntimeError("hoering.tasks.init_app() was not called in this process")
        with app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def task(retries: int = 0, retry_delay: int = 0) -> Callable:
    """Declare a background task (a thin call into a service that works on its own rows)."""

    def decorate(fn: Callable):
        return huey.task(retries=retries, retry_delay=retry_delay, name=fn.__qualname__)(
            _in_app_context(fn)
        )

    return decorate


def periodic(minutes: int) -> Callable:
    """Declare a periodic task, run every `minutes` minutes by the worker (a sweep)."""

    def decorate(fn: Callable):
        return huey.periodic_task(crontab(minute=f"*/{minutes}"), name=fn.__qualname__)(
            _in_app_context(fn)
        )

    return decorate


def after_commit(queued_task: Callable, *args) -> None:
    """Queue `queued_task(*args)` once the current transaction commits; never if it rolls back."""
    session = db.session()
    pending = session.info.setdefault("hoering_tasks", [])
    pending.append((queued_task, args))


@event.listens_for(Session, "after_commit", propagate=True)
def _queue_after_commit(session) -> None:
    # SQLAlchemy also calls this when a savepoint is released; the work is committed only when
    # the outermost transaction is, so wait for that one.
    if session.in_nested_transaction():
        return
    pending = session.info.pop("hoering_tasks", None)
    immediate = has_app_context() and current_app.config["TASKS_IMMEDIATE"]
    for queued_task, args in pending or ():
        if immediate:
            try:
                queued_task.call_local(*args)
            except Exception:  # as a worker does: logged, never the committing request's error
                log.exception("task %s failed", queued_task.name)
        else:
            queued_task(*args)


@event.listens_for(Session, "after_soft_rollback", propagate=True)
def _forget_after_rollback(session, previous_transaction) -> None:
    # A savepoint rolled back inside a larger transaction keeps what the transaction queued.
    if not previous_transaction.nested:
        session.info.pop("hoering_tasks", None)


def run_worker(workers: int) -> None:
    """Consume the queue in this process until stopped (`flask --app hoering tasks worker`)."""
    from huey.consumer import Consumer

    if current_app.config["TASKS_IMMEDIATE"]:
        raise RuntimeError("the task queue is in immediate mode; there is nothing to consume")
    current_app.logger.info("Task worker started with %d thread(s)", workers)
    Consumer(huey, workers=workers, worker_type="thread", periodic=True).run()
