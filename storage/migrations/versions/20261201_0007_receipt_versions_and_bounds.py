"""Receipts that stay right under reordered and odd data (issue 11): corrections of a line point
at its first row, restocks at the refund that made them, refunds keep what they asked for, a
line's refunds are indexed, and the daily rollups carry CHECK bounds (docs/limits.md).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CELL_QUANTITY = 10**15
CELL_AMOUNT = 10**15
CELL_COGS = 10**18
ITEM_BOUNDS = (("quantity", CELL_QUANTITY), ("net_amount", CELL_AMOUNT), ("cogs", CELL_COGS))
USAGE_BOUNDS = (("quantity", CELL_QUANTITY), ("cogs", CELL_COGS))


def upgrade() -> None:
    with op.batch_alter_table('sale_lines') as batch:
        batch.add_column(sa.Column('corrects', ID, nullable=True))
        batch.create_foreign_key(
            op.f('fk_sale_lines_corrects_sale_lines'), 'sale_lines', ['corrects'], ['id']
        )
    with op.batch_alter_table('refunds') as batch:
        batch.add_column(sa.Column('requested_quantity', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('requested_amount', sa.BigInteger(), nullable=True))
        batch.create_index(op.f('ix_refunds_sale_line_id'), ['sale_line_id'], unique=False)
    with op.batch_alter_table('depletions') as batch:
        batch.add_column(sa.Column('refund_id', ID, nullable=True))
        batch.create_foreign_key(
            op.f('fk_depletions_refund_id_refunds'), 'refunds', ['refund_id'], ['id']
        )
    for table, limits in (('daily_item_sales', ITEM_BOUNDS), ('daily_product_usage', USAGE_BOUNDS)):
        with op.batch_alter_table(table) as batch:
            for column, limit in limits:
                batch.create_check_constraint(
                    op.f(f'ck_{table}_{column}_bound'), f'{column} BETWEEN {-limit} AND {limit}'
                )


def downgrade() -> None:
    for table, limits in (('daily_product_usage', USAGE_BOUNDS), ('daily_item_sales', ITEM_BOUNDS)):
        with op.batch_alter_table(table) as batch:
            for column, _ in limits:
                batch.drop_constraint(op.f(f'ck_{table}_{column}_bound'), type_='check')
    with op.batch_alter_table('depletions') as batch:
        batch.drop_constraint(op.f('fk_depletions_refund_id_refunds'), type_='foreignkey')
        batch.drop_column('refund_id')
    with op.batch_alter_table('refunds') as batch:
        batch.drop_index(op.f('ix_refunds_sale_line_id'))
        batch.drop_column('requested_amount')
        batch.drop_column('requested_quantity')
    with op.batch_alter_table('sale_lines') as batch:
        batch.drop_constraint(op.f('fk_sale_lines_corrects_sale_lines'), type_='foreignkey')
        batch.drop_column('corrects')
