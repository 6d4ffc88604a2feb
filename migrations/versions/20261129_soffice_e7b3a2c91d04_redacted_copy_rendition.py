"""a moderator's redacted copy gets its own PDF/A rendition, made by the conversion job on the
attachment's row like the file's own

Revision ID: e7b3a2c91d04
Revises: 8d4b2f6a1c93
Create Date: 2026-11-29 20:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3a2c91d04'
down_revision = '8d4b2f6a1c93'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, never a batch copy of the table (other tables point at attachments);
    # SQLite takes the reference in the column's definition.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE attachments ADD COLUMN redacted_rendition_sha256 VARCHAR(64) '
                   'REFERENCES blobs (sha256)')
    else:
        op.add_column('attachments', sa.Column('redacted_rendition_sha256', sa.String(length=64), nullable=True))
        op.create_foreign_key(op.f('fk_attachments_redacted_rendition_sha256_blobs'), 'attachments',
                              'blobs', ['redacted_rendition_sha256'], ['sha256'])
    # Redacted copies published so far were served as they were: the job converts them now.
    attachments = sa.table('attachments', sa.column('redacted_sha256'), sa.column('conversion_status'),
                           sa.column('conversion_attempts'), sa.column('conversion_started_at'))
    op.execute(
        attachments.update()
        .where(attachments.c.redacted_sha256.is_not(None))
        .values(conversion_status='pending', conversion_attempts=0, conversion_started_at=None)
    )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops no column that a reference uses: the table is copied without it.
        with op.batch_alter_table('attachments', schema=None) as batch_op:
            batch_op.drop_column('redacted_rendition_sha256')
        return
    op.drop_constraint(op.f('fk_attachments_redacted_rendition_sha256_blobs'), 'attachments',
                       type_='foreignkey')
    op.drop_column('attachments', 'redacted_rendition_sha256')
