import pytest

from hoering import tasks


@pytest.fixture
def queued(app):
    """The real queue for one test: conversions wait for a worker instead of running at commit."""
    app.config["TASKS_IMMEDIATE"] = False
    tasks.huey.flush()
    yield tasks.huey
    tasks.huey.flush()
    app.config["TASKS_IMMEDIATE"] = True
