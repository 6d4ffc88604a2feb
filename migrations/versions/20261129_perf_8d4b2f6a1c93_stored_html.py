"""submissions and agency replies keep their text rendered to sanitized HTML, made once when the
text is stored, so no page parses Markdown of user text while serving a request

Revision ID: 8d4b2f6a1c93
Revises: 5c1e0d9a7b21
Create Date: 2026-11-29 18:15:00

"""
from alembic import op
import sqlalchemy as sa

from hoering.text import render_markdown


# revision identifiers, used by Alembic.
revision = '8d4b2f6a1c93'
down_revision = '5c1e0d9a7b21'
branch_labels = None
depends_on = None

_BATCH = 500


def _fill(table, columns):
    """Render each stored text with the renderer the application uses, in batches by id."""
    bind = op.get_bind()
    rows = sa.table(table, sa.column('id'), *(sa.column(c) for c in columns),
                    *(sa.column(f'{c}_html') for c in columns))
    last = 0
    while True:
        batch = bind.execute(
            sa.select(rows.c.id, *(rows.c[c] for c in columns))
            .where(rows.c.id > last).order_by(rows.c.id).limit(_BATCH)
        ).all()
        if not batch:
            return
        for row in batch:
            values = {
                f'{c}_html': None if getattr(row, c) is None else str(render_markdown(getattr(row, c)))
                for c in columns
            }
            bind.execute(sa.update(rows).where(rows.c.id == row.id).values(**values))
        last = batch[-1].id


def upgrade():
    # Plain ADD/DROP COLUMN, never a batch copy of the table: SQLite refuses to drop a table
    # that other rows point at, and submissions are pointed at from many tables.
    op.add_column('submissions', sa.Column('body_html', sa.Text(), nullable=True))
    op.add_column('submissions', sa.Column('public_body_html', sa.Text(), nullable=True))
    op.add_column('agency_replies', sa.Column('body_html', sa.Text(), nullable=True))
    _fill('submissions', ('body', 'public_body'))
    _fill('agency_replies', ('body',))


def downgrade():
    op.drop_column('agency_replies', 'body_html')
    op.drop_column('submissions', 'public_body_html')
    op.drop_column('submissions', 'body_html')
