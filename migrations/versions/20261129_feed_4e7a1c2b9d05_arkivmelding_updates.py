"""archive deliveries: updates to what was delivered (a change record, an avskrivning, the case
closed) are arkivmeldinger too: a kind, and several messages per journal entry or none

Revision ID: 4e7a1c2b9d05
Revises: e4b7a2c91d05
Create Date: 2026-11-29 20:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e7a1c2b9d05'
down_revision = "e4b7a2c91d05"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('archive_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='journalpost', nullable=False))
        batch_op.alter_column('entry_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('uq_archive_deliveries_entry_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_archive_deliveries_entry_id'), ['entry_id'], unique=False)


def downgrade():
    bind = op.get_bind()
    deliveries = sa.table('archive_deliveries', sa.column('kind'), sa.column('entry_id'))
    # Only one message per entry fits the old table: the updates go.
    bind.execute(sa.delete(deliveries).where(deliveries.c.kind != 'journalpost'))
    with op.batch_alter_table('archive_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_deliveries_entry_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_archive_deliveries_entry_id'), ['entry_id'])
        batch_op.alter_column('entry_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('kind')
