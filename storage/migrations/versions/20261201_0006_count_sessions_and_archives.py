"""Count sessions and drafts, and a catalog that can change: a count sheet saved at one instant
(`count_sessions`, `counts.session_id`), half-filled sheets kept per person and venue
(`count_drafts`), a product's shelf position and archive time, and a venue's archive time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import storage.types

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = storage.types.UtcDateTime()
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('count_sessions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('counted_at', INSTANT, nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('products', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint("source IN ('slack', 'import')", name=op.f('ck_count_sessions_source')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_count_sessions_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_count_sessions'))
    )
    op.create_index(op.f('ix_count_sessions_venue_id_counted_at'), 'count_sessions', ['venue_id', 'counted_at'], unique=False)
    op.create_table('count_drafts',
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('entries', JSON, nullable=False),
    sa.Column('page', sa.Integer(), server_default='1', nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', INSTANT, nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_count_drafts_venue_id_venues')),
    sa.PrimaryKeyConstraint('venue_id', 'owner', name=op.f('pk_count_drafts'))
    )
    with op.batch_alter_table('counts') as batch:
        batch.add_column(sa.Column('session_id', ID, nullable=True))
        batch.create_foreign_key(op.f('fk_counts_session_id_count_sessions'), 'count_sessions', ['session_id'], ['id'])
    with op.batch_alter_table('products') as batch:
        batch.add_column(sa.Column('shelf', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('archived_at', INSTANT, nullable=True))
    with op.batch_alter_table('venues') as batch:
        batch.add_column(sa.Column('archived_at', INSTANT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('venues') as batch:
        batch.drop_column('archived_at')
    with op.batch_alter_table('products') as batch:
        batch.drop_column('archived_at')
        batch.drop_column('shelf')
    with op.batch_alter_table('counts') as batch:
        batch.drop_constraint(op.f('fk_counts_session_id_count_sessions'), type_='foreignkey')
        batch.drop_column('session_id')
    op.drop_table('count_drafts')
    op.drop_index(op.f('ix_count_sessions_venue_id_counted_at'), table_name='count_sessions')
    op.drop_table('count_sessions')
