"""journal entries: index for the last entry of each journal day

Revision ID: 5c1e9a7d2b43
Revises: 6a50ef53ea50
Create Date: 2026-11-29 17:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c1e9a7d2b43'
down_revision = '6a50ef53ea50'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_journal_entries_agency_day', ['agency_id', 'journal_date', 'seq'], unique=False
        )


def downgrade():
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_entries_agency_day')
