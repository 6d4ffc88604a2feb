"""outcome: the høringsoppsummering's documents (DOCX, ODT, PDF/A), prepared by the task queue

Revision ID: e7a2c4b9d150
Revises: e7b3a2c91d04
Create Date: 2026-11-29 20:30:00

"""
from alembic import op
import sqlalchemy as sa

import hoering.db


# revision identifiers, used by Alembic.
revision = 'e7a2c4b9d150'
down_revision = "e7b3a2c91d04"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('prepared_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('blob_sha256', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], name=op.f('fk_prepared_summaries_blob_sha256_blobs')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_prepared_summaries_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_prepared_summaries_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prepared_summaries'))
    )
    with op.batch_alter_table('prepared_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prepared_summaries_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_prepared_summaries_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('prepared_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prepared_summaries_status'))
        batch_op.drop_index(batch_op.f('ix_prepared_summaries_consultation_id'))

    op.drop_table('prepared_summaries')
