"""the høringsbrev journalpost: its recipients (the invited høringsinstanser) and the agency's
documents it carries, the kind of an outgoing entry of the agency's own; a class of the
arkivnøkkel per consultation

Revision ID: 4a7c2e9b1d53
Revises: e7a2c4b9d150
Create Date: 2026-11-29 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4a7c2e9b1d53'
down_revision = "e7a2c4b9d150"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('journal_recipients',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('org_number', sa.String(length=9), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_journal_recipients_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('entry_id', 'position', name=op.f('pk_journal_recipients'))
    )
    op.create_table('journal_attachments',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_journal_attachments_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_journal_attachments_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('entry_id', 'position', name=op.f('pk_journal_attachments')),
    sa.UniqueConstraint('attachment_id', name=op.f('uq_journal_attachments_attachment_id'))
    )
    # Plain columns added in place (no table rebuild on SQLite).
    op.add_column('journal_entries', sa.Column('kind', sa.String(length=20), nullable=True))
    op.add_column('consultations', sa.Column('class_id', sa.String(length=40), nullable=True))
    op.add_column('consultations', sa.Column('class_title', sa.String(length=200), nullable=True))


def downgrade():
    # Dropped in place too: rebuilding these tables on SQLite fails while rows refer to them.
    op.drop_column('consultations', 'class_title')
    op.drop_column('consultations', 'class_id')
    op.drop_column('journal_entries', 'kind')
    op.drop_table('journal_attachments')
    op.drop_table('journal_recipients')
