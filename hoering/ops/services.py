"""Readiness: the database answers and its schema is at the migrations' head."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from hoering.config import PROJECT_ROOT
from hoering.extensions import db

MIGRATIONS = PROJECT_ROOT / "migrations"


@cache
def migration_heads(directory: Path = MIGRATIONS) -> frozenset[str]:
    """The head revisions this code expects; read from disk once per process."""
    config = Config()
    config.set_main_option("script_location", str(directory))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def readiness_problem() -> str | None:
    """None when the database is reachable and migrated to head, else what is wrong (no secrets)."""
    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        return f"database unreachable ({type(error).__name__})"
    if current != migration_heads():
        return (
            "database schema is not at the migrations' head (run: flask --app hoering db upgrade)"
        )
    return None
