"""Alerts and summaries: low-stock arming per product, the outbox's lease owner, and the steps of
a job run (phase, lease, Slack ts) so a crashed summary resumes without posting twice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = storage.types.UtcDateTime()

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stock_alerts',
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('low_since', INSTANT, nullable=True),
    sa.Column('crossings', sa.Integer(), server_default='0', nullable=False),
    sa.Column('alert_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['outbox.id'], name=op.f('fk_stock_alerts_alert_id_outbox')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_alerts_product_id_products')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_stock_alerts_venue_id_venues')),
    sa.PrimaryKeyConstraint('venue_id', 'product_id', name=op.f('pk_stock_alerts'))
    )
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('lease_owner', sa.String(length=100), nullable=True))
    with op.batch_alter_table('job_runs') as batch:
        batch.add_column(sa.Column('phase', sa.String(length=16), server_default='claimed', nullable=False))
        batch.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('lease_owner', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('lease_until', INSTANT, nullable=True))
        batch.add_column(sa.Column('slack_ts', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('job_runs') as batch:
        batch.drop_column('note')
        batch.drop_column('slack_ts')
        batch.drop_column('lease_until')
        batch.drop_column('lease_owner')
        batch.drop_column('attempts')
        batch.drop_column('phase')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('lease_owner')
    op.drop_table('stock_alerts')
