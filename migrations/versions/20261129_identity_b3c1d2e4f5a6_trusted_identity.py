"""trusted identity: two-factor for staff, ID-porten sign-in, Enhetsregisteret, representation requests

Revision ID: b3c1d2e4f5a6
Revises: 5c1e9a7d2b43
Create Date: 2026-11-29 17:30:00

"""
from alembic import op
import sqlalchemy as sa

import hoering.db


# revision identifiers, used by Alembic.
revision = 'b3c1d2e4f5a6'
down_revision = '5c1e9a7d2b43'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pid_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_pid_hash'), ['pid_hash'])

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor_at', hoering.db.UTCDateTime(timezone=True), nullable=True))

    op.create_table('totp_credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('last_counter', sa.Integer(), nullable=False),
    sa.Column('created_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_totp_credentials_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_totp_credentials')),
    sa.UniqueConstraint('user_id', name=op.f('uq_totp_credentials_user_id'))
    )
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('registry_entities',
    sa.Column('org_number', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('form_code', sa.String(length=10), nullable=True),
    sa.Column('form_name', sa.String(length=200), nullable=True),
    sa.Column('is_bankrupt', sa.Boolean(), nullable=False),
    sa.Column('is_winding_up', sa.Boolean(), nullable=False),
    sa.Column('is_deleted', sa.Boolean(), nullable=False),
    sa.Column('imported_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('org_number', name=op.f('pk_registry_entities'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registry_checked_at', hoering.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('representations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', hoering.db.UTCDateTime(timezone=True), nullable=True))
    # A plain ADD COLUMN: batch mode would rebuild the table on SQLite, and a rebuild drops the
    # triggers that keep the full-text index (see the campaigns migration).
    op.add_column('submissions', sa.Column('organisation_verified', sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table('representation_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', hoering.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', hoering.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_representation_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_representation_requests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_representation_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representation_requests'))
    )
    with op.batch_alter_table('representation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_representation_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representation_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_representation_requests_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('representation_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representation_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_representation_requests_status'))
        batch_op.drop_index(batch_op.f('ix_representation_requests_organisation_id'))
    op.drop_table('representation_requests')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('organisation_verified')
    with op.batch_alter_table('representations', schema=None) as batch_op:
        batch_op.drop_column('verified_at')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('registry_checked_at')
    op.drop_table('registry_entities')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    op.drop_table('totp_credentials')
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('second_factor_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_pid_hash'), type_='unique')
        batch_op.drop_column('pid_hash')
