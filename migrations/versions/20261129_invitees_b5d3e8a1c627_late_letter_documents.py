"""journal attachments: a høringsbrev sent later to a høringsinstans invited after opening
carries the agency's documents again, so a document may stand in several journalposts

Revision ID: b5d3e8a1c627
Revises: 9e3d5a1c7b42
Create Date: 2026-11-29 21:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5d3e8a1c627'
down_revision = '9e3d5a1c7b42'
branch_labels = None
depends_on = None


def upgrade():
    # journal_attachments is referred to by no other table: rebuilding it on SQLite is safe.
    with op.batch_alter_table('journal_attachments', schema=None) as batch_op:
        batch_op.drop_constraint('uq_journal_attachments_attachment_id', type_='unique')
        batch_op.create_index(
            batch_op.f('ix_journal_attachments_attachment_id'), ['attachment_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('journal_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_attachments_attachment_id'))
        batch_op.create_unique_constraint(
            'uq_journal_attachments_attachment_id', ['attachment_id']
        )
