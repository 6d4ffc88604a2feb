import pytest

from hoering import tasks


@pytest.fixture
def queued():
    """The real queue for one test: conversions wait for a worker instead of running at commit."""
    tasks.huey.immediate = False
    tasks.huey.flush()
    yield tasks.huey
    tasks.huey.flush()
    tasks.huey.immediate = True
