"""chain the journal change log

Revision ID: 12abc361f9e9
Revises: 8f9eaada8e37
Create Date: 2026-11-21 23:49:35.716469

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '12abc361f9e9'
down_revision = '8f9eaada8e37'
branch_labels = None
depends_on = None


def upgrade():
    # No code wrote journal_changes before this revision, so the NOT NULL columns need no backfill.
    with op.batch_alter_table('journal_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_journal_changes_agency_id_year_seq'), ['agency_id', 'year', 'seq'])
        batch_op.create_foreign_key(batch_op.f('fk_journal_changes_agency_id_agencies'), 'agencies', ['agency_id'], ['id'])

    with op.batch_alter_table('journal_counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_change_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_change_hash', sa.String(length=64), server_default='0000000000000000000000000000000000000000000000000000000000000000', nullable=False))


def downgrade():
    with op.batch_alter_table('journal_counters', schema=None) as batch_op:
        batch_op.drop_column('last_change_hash')
        batch_op.drop_column('last_change_seq')

    with op.batch_alter_table('journal_changes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_journal_changes_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_journal_changes_agency_id_year_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('year')
        batch_op.drop_column('agency_id')
