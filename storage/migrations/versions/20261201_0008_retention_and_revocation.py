"""Retention and revocation: when a booked event's body was pruned (with a partial index on the
events still holding one), and when a POS connection was revoked or disconnected.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

INSTANT = storage.types.UtcDateTime()

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_events') as batch:
        batch.add_column(sa.Column('pruned_at', INSTANT, nullable=True))
    op.create_index(
        'ix_webhook_events_unpruned',
        'webhook_events',
        ['processed_at'],
        sqlite_where=sa.text('pruned_at IS NULL'),
        postgresql_where=sa.text('pruned_at IS NULL'),
    )
    with op.batch_alter_table('pos_connections') as batch:
        batch.add_column(sa.Column('revoked_at', INSTANT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pos_connections') as batch:
        batch.drop_column('revoked_at')
    op.drop_index('ix_webhook_events_unpruned', table_name='webhook_events')
    with op.batch_alter_table('webhook_events') as batch:
        batch.drop_column('pruned_at')
