"""login sessions keep the ID token of a sign-in with ID-porten, encrypted, for the sign-out's
id_token_hint (OpenID Connect RP-Initiated Logout)

Revision ID: 9e3d5a1c7b42
Revises: 4e7a1c2b9d05
Create Date: 2026-11-29 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e3d5a1c7b42'
down_revision = "4e7a1c2b9d05"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('login_sessions', sa.Column('id_token_sealed', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('id_token_sealed')
