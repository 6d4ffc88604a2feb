"""moderation log and journal change records name the file a moderator withheld or redacted

Revision ID: e4b7a2c91d05
Revises: 4a7c2e9b1d53
Create Date: 2026-11-29 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b7a2c91d05'
down_revision = "4a7c2e9b1d53"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_moderation_actions_attachment_id_attachments'), 'attachments', ['attachment_id'], ['id'])

    with op.batch_alter_table('journal_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_journal_changes_attachment_id_attachments'), 'attachments', ['attachment_id'], ['id'])


def downgrade():
    with op.batch_alter_table('journal_changes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_journal_changes_attachment_id_attachments'), type_='foreignkey')
        batch_op.drop_column('attachment_id')

    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_moderation_actions_attachment_id_attachments'), type_='foreignkey')
        batch_op.drop_column('attachment_id')
