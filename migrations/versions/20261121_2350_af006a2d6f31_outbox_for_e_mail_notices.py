"""Outbox for e-mail notices: one row per notice, unique per (person, kind, cause).

Revision ID: af006a2d6f31
Revises: 12abc361f9e9
Create Date: 2026-11-21 23:50:54.223901

"""
import sqlalchemy as sa
from alembic import op

import hoering.db


# revision identifiers, used by Alembic.
revision = 'af006a2d6f31'
down_revision = '12abc361f9e9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref', sa.String(length=60), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('sent_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_outbox_messages_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_outbox_messages_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('recipient_id', 'kind', 'ref', name=op.f('uq_outbox_messages_recipient_id_kind_ref'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_pending', ['sent_at', 'claimed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_recipient_id'), ['recipient_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_recipient_id'))
        batch_op.drop_index('ix_outbox_messages_pending')

    op.drop_table('outbox_messages')
