"""The migrations build exactly the schema the models describe, and can be walked back."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from hoering.db import is_modelled
from hoering.extensions import db


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True, "include_name": is_modelled},
        )
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree():
    assert _differences() == []


def test_every_migration_goes_down_and_up_again():
    downgrade(revision="base")
    with db.engine.connect() as connection:
        remaining = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    upgrade()
    assert _differences() == []
