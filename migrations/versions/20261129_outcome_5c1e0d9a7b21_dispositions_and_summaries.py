"""outcome: dispositions of innspill, campaigns and themes; the høringsoppsummering;
the text of the agency's own journaled documents

Revision ID: 5c1e0d9a7b21
Revises: c37ddc2c2681
Create Date: 2026-11-29 17:50:00

"""
from alembic import op
import sqlalchemy as sa

import hoering.db


# revision identifiers, used by Alembic.
revision = '5c1e0d9a7b21'
down_revision = 'c37ddc2c2681'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dispositions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_dispositions_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_dispositions_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_dispositions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_dispositions_submission_id_submissions')),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_dispositions_theme_id_themes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispositions')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_dispositions_campaign_id')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_dispositions_submission_id')),
    sa.UniqueConstraint('theme_id', name=op.f('uq_dispositions_theme_id'))
    )
    with op.batch_alter_table('dispositions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispositions_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('disposition_paragraphs',
    sa.Column('disposition_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['disposition_id'], ['dispositions.id'], name=op.f('fk_disposition_paragraphs_disposition_id_dispositions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_disposition_paragraphs_paragraph_id_paragraphs')),
    sa.PrimaryKeyConstraint('disposition_id', 'paragraph_id', name=op.f('pk_disposition_paragraphs'))
    )
    op.create_table('journal_documents',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_journal_documents_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_journal_documents'))
    )
    op.create_table('paragraph_origins',
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_paragraph_origins_decided_by_id_users')),
    sa.ForeignKeyConstraint(['origin_id'], ['paragraphs.id'], name=op.f('fk_paragraph_origins_origin_id_paragraphs')),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_paragraph_origins_paragraph_id_paragraphs')),
    sa.PrimaryKeyConstraint('paragraph_id', name=op.f('pk_paragraph_origins'))
    )
    op.create_table('outcome_summaries',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('updated_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('journal_entry_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_outcome_summaries_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entries.id'], name=op.f('fk_outcome_summaries_journal_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_outcome_summaries_published_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_outcome_summaries_updated_by_id_users')),
    sa.PrimaryKeyConstraint('consultation_id', name=op.f('pk_outcome_summaries'))
    )


def downgrade():
    op.drop_table('outcome_summaries')
    op.drop_table('paragraph_origins')
    op.drop_table('journal_documents')
    op.drop_table('disposition_paragraphs')
    with op.batch_alter_table('dispositions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispositions_consultation_id'))

    op.drop_table('dispositions')
