"""The task queue queues work only once its transaction commits, and a worker runs it in the
app's context."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from hoering import tasks
from hoering.extensions import db

runs: list[int] = []


@tasks.task()
def _count_agencies(marker: int) -> None:
    runs.append(marker)
    # Runs with a database session of its own, inside the app's context.
    db.session.execute(text("SELECT 1"))


@pytest.fixture
def queued(app):
    """The real queue (not immediate) for one test, emptied before and after."""
    runs.clear()
    app.config["TASKS_IMMEDIATE"] = False
    tasks.huey.flush()
    yield tasks.huey
    tasks.huey.flush()
    app.config["TASKS_IMMEDIATE"] = True


def test_a_task_is_queued_at_commit_and_run_by_the_worker(queued):
    tasks.after_commit(_count_agencies, 7)
    assert queued.pending_count() == 0
    db.session.commit()
    assert queued.pending_count() == 1

    queued.execute(queued.dequeue())
    assert runs == [7]
    assert queued.pending_count() == 0


def test_a_rolled_back_transaction_queues_nothing(queued):
    db.session.execute(text("SELECT 1"))
    tasks.after_commit(_count_agencies, 8)
    db.session.rollback()
    db.session.commit()
    assert queued.pending_count() == 0


def test_a_savepoint_rolled_back_keeps_what_its_transaction_queued(queued):
    db.session.execute(text("SELECT 1"))
    tasks.after_commit(_count_agencies, 10)
    with db.session.begin_nested() as savepoint:
        savepoint.rollback()
    db.session.commit()
    assert queued.pending_count() == 1
    assert runs == []


def test_immediate_mode_runs_the_task_at_commit():
    runs.clear()
    tasks.after_commit(_count_agencies, 9)
    assert runs == []
    db.session.commit()
    assert runs == [9]


def test_the_worker_command_refuses_in_immediate_mode(runner):
    result = runner.invoke(args=["tasks", "worker"])
    assert result.exit_code != 0
    assert "immediate" in str(result.exception)


def test_a_released_savepoint_queues_nothing_until_the_transaction_commits(queued):
    db.session.execute(text("SELECT 1"))
    tasks.after_commit(_count_agencies, 11)
    with db.session.begin_nested():
        db.session.execute(text("SELECT 1"))
    assert queued.pending_count() == 0
    db.session.commit()
    assert queued.pending_count() == 1
