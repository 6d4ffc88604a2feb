"""agencies: link to the accessibility statement (tilgjengelighetserklæring) in uustatus;
submissions without findings hold SQL NULL, not JSON null

Revision ID: 3c1e7a9d5b20
Revises: 7134617fb68e
Create Date: 2026-11-29 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1e7a9d5b20'
down_revision = '7134617fb68e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accessibility_url', sa.String(length=500), nullable=True))
    # The moderation queue's "findings first" and its findings filter test IS NOT NULL.
    op.execute("UPDATE submissions SET findings = NULL WHERE CAST(findings AS TEXT) = 'null'")


def downgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('accessibility_url')
