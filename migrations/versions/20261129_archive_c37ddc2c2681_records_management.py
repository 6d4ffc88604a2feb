"""archive: avskrivning, the journal's last registration time, prepared exports, archive settings, the arkivmelding outbox

Revision ID: c37ddc2c2681
Revises: b3c1d2e4f5a6
Create Date: 2026-11-29 17:15:23.639667

"""
from alembic import op
import sqlalchemy as sa

import hoering.db


# revision identifiers, used by Alembic.
revision = 'c37ddc2c2681'
down_revision = 'b3c1d2e4f5a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('prepared_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('started_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_prepared_exports_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_prepared_exports_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prepared_exports'))
    )
    with op.batch_alter_table('prepared_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prepared_exports_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_prepared_exports_status'), ['status'], unique=False)

    op.create_table('archive_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_archive_deliveries_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_archive_deliveries_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_deliveries')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_archive_deliveries_entry_id')),
    sa.UniqueConstraint('message_id', name=op.f('uq_archive_deliveries_message_id'))
    )
    with op.batch_alter_table('archive_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_deliveries_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_deliveries_status'), ['status'], unique=False)

    op.create_table('journal_avskrivninger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('by_entry_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('avskrevet_on', sa.Date(), nullable=False),
    sa.Column('avskrevet_by', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['by_entry_id'], ['journal_entries.id'], name=op.f('fk_journal_avskrivninger_by_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_journal_avskrivninger_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_avskrivninger')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_journal_avskrivninger_entry_id'))
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_screening_basis', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('disposal_decision', sa.String(length=20), server_default='Bevares', nullable=False))
        batch_op.add_column(sa.Column('disposal_authority', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), server_default='25', nullable=False))
        batch_op.add_column(sa.Column('classification_title', sa.String(length=200), server_default='Arkivnøkkel', nullable=False))
        batch_op.add_column(sa.Column('class_id', sa.String(length=40), server_default='HØRING', nullable=False))
        batch_op.add_column(sa.Column('class_title', sa.String(length=200), server_default='Høringer', nullable=False))

    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archive_case_number', sa.String(length=40), nullable=True))

    with op.batch_alter_table('journal_counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_registered_at', hoering.db.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('journal_counters', schema=None) as batch_op:
        batch_op.drop_column('last_registered_at')

    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_column('archive_case_number')

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('class_title')
        batch_op.drop_column('class_id')
        batch_op.drop_column('classification_title')
        batch_op.drop_column('retention_years')
        batch_op.drop_column('disposal_authority')
        batch_op.drop_column('disposal_decision')
        batch_op.drop_column('name_screening_basis')

    op.drop_table('journal_avskrivninger')
    with op.batch_alter_table('archive_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_deliveries_status'))
        batch_op.drop_index(batch_op.f('ix_archive_deliveries_consultation_id'))

    op.drop_table('archive_deliveries')
    with op.batch_alter_table('prepared_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prepared_exports_status'))
        batch_op.drop_index(batch_op.f('ix_prepared_exports_consultation_id'))

    op.drop_table('prepared_exports')
