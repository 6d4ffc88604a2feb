"""analysis: a case officer's request to find the campaigns again, with its state, run by the
task queue

Revision ID: d2f8c6a4e1b7
Revises: b5d3e8a1c627
Create Date: 2026-11-29 22:30:00

"""
from alembic import op
import sqlalchemy as sa

import hoering.db


# revision identifiers, used by Alembic.
revision = "d2f8c6a4e1b7"
down_revision = "b5d3e8a1c627"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaign_detections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("campaigns_found", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_at", hoering.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", hoering.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", hoering.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_campaign_detections_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_campaign_detections_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_detections")),
    )
    with op.batch_alter_table("campaign_detections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_detections_consultation_id"), ["consultation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_campaign_detections_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("campaign_detections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_detections_status"))
        batch_op.drop_index(batch_op.f("ix_campaign_detections_consultation_id"))

    op.drop_table("campaign_detections")
