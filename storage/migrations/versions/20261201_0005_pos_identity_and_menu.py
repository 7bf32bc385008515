"""POS identity and the menu: POS items and modifiers get a name key (to find them by name), a
`by_name` flag (a placeholder mapped by a name no POS had sent yet, adopted by the first POS item
arriving with that name), and the menu's category and `on_menu`; products get a vendor.

Existing rows get their name key computed in Python (casefolded, spaces collapsed, as
`engine.catalog.name_key`). A `generic` item keyed by its own name that never sold, or a
`generic` modifier never tallied, was made by `map`/`modifier` before any receipt named it: it
becomes a placeholder, so the POS's own item now takes its mapping instead of missing it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('pos_items', 'pos_modifiers')


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('name_key', sa.String(length=255), server_default='', nullable=False))
            batch.add_column(sa.Column('by_name', sa.Boolean(), server_default=sa.false(), nullable=False))
            batch.add_column(sa.Column('category', sa.String(length=200), nullable=True))
            batch.add_column(sa.Column('on_menu', sa.Boolean(), server_default=sa.false(), nullable=False))
        op.create_index(op.f(f'ix_{table}_venue_id_name_key'), table, ['venue_id', 'name_key'], unique=False)
    with op.batch_alter_table('products') as batch:
        batch.add_column(sa.Column('vendor', sa.String(length=100), nullable=True))
    connection = op.get_bind()
    for table in TABLES:
        rows = connection.execute(sa.text(f'SELECT id, name FROM {table}')).all()
        for row_id, name in rows:
            connection.execute(
                sa.text(f'UPDATE {table} SET name_key = :key WHERE id = :id'),
                {'key': _name_key(name), 'id': row_id},
            )
    connection.execute(sa.text(
        "UPDATE pos_items SET by_name = true WHERE provider = 'generic' AND external_id = name_key"
        " AND NOT EXISTS (SELECT 1 FROM sale_lines WHERE sale_lines.pos_item_id = pos_items.id)"
        " AND NOT EXISTS (SELECT 1 FROM unmapped_tallies t WHERE t.venue_id = pos_items.venue_id"
        " AND t.kind = 'item' AND t.provider = 'generic' AND t.external_id = pos_items.external_id)"
    ))
    connection.execute(sa.text(
        "UPDATE pos_modifiers SET by_name = true WHERE provider = 'generic'"
        " AND external_id = name_key AND NOT EXISTS (SELECT 1 FROM unmapped_tallies t"
        " WHERE t.venue_id = pos_modifiers.venue_id AND t.kind = 'modifier'"
        " AND t.provider = 'generic' AND t.external_id = pos_modifiers.external_id)"
    ))


def downgrade() -> None:
    with op.batch_alter_table('products') as batch:
        batch.drop_column('vendor')
    for table in TABLES:
        op.drop_index(op.f(f'ix_{table}_venue_id_name_key'), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column('on_menu')
            batch.drop_column('category')
            batch.drop_column('by_name')
            batch.drop_column('name_key')
