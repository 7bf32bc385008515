"""Rollups for reports: daily product usage, processed unmapped lines, refunds by business day
with the COGS a restock reversed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = storage.types.UtcDateTime()

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('daily_product_usage',
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('cogs', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_daily_product_usage_product_id_products')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_daily_product_usage_venue_id_venues')),
    sa.PrimaryKeyConstraint('venue_id', 'business_day', 'product_id', name=op.f('pk_daily_product_usage'))
    )
    op.create_table('unmapped_lines',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('source_key', sa.String(length=512), nullable=False),
    sa.Column('seen_at', INSTANT, nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_unmapped_lines_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unmapped_lines')),
    sa.UniqueConstraint('venue_id', 'source_key', name=op.f('uq_unmapped_lines_venue_id_source_key'))
    )
    with op.batch_alter_table('refunds') as batch:
        batch.add_column(sa.Column('cogs', sa.BigInteger(), server_default='0', nullable=False))
    op.create_index(op.f('ix_refunds_venue_id_business_day'), 'refunds', ['venue_id', 'business_day'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_refunds_venue_id_business_day'), table_name='refunds')
    with op.batch_alter_table('refunds') as batch:
        batch.drop_column('cogs')
    op.drop_table('unmapped_lines')
    op.drop_table('daily_product_usage')
