"""Initial schema: every table of docs/data-model.md.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 16:03:51.365146
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sqlalchemy.dialects import postgresql

import storage.types

# The column types as they were when this revision was written, spelled once.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = storage.types.UtcDateTime()
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('slack_bots',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('client_id', sa.String(length=32), nullable=False),
    sa.Column('app_id', sa.String(length=32), nullable=False),
    sa.Column('enterprise_id', sa.String(length=32), nullable=True),
    sa.Column('enterprise_name', sa.String(length=200), nullable=True),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('team_name', sa.String(length=200), nullable=True),
    sa.Column('bot_token', sa.String(length=200), nullable=True),
    sa.Column('bot_id', sa.String(length=32), nullable=True),
    sa.Column('bot_user_id', sa.String(length=32), nullable=True),
    sa.Column('bot_scopes', sa.String(length=1000), nullable=True),
    sa.Column('bot_refresh_token', sa.String(length=200), nullable=True),
    sa.Column('bot_token_expires_at', sa.DateTime(), nullable=True),
    sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
    sa.Column('installed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_bots'))
    )
    op.create_index('slack_bots_idx', 'slack_bots', ['client_id', 'enterprise_id', 'team_id', 'installed_at'], unique=False)

    op.create_table('slack_installations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('client_id', sa.String(length=32), nullable=False),
    sa.Column('app_id', sa.String(length=32), nullable=False),
    sa.Column('enterprise_id', sa.String(length=32), nullable=True),
    sa.Column('enterprise_name', sa.String(length=200), nullable=True),
    sa.Column('enterprise_url', sa.String(length=200), nullable=True),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('team_name', sa.String(length=200), nullable=True),
    sa.Column('bot_token', sa.String(length=200), nullable=True),
    sa.Column('bot_id', sa.String(length=32), nullable=True),
    sa.Column('bot_user_id', sa.String(length=32), nullable=True),
    sa.Column('bot_scopes', sa.String(length=1000), nullable=True),
    sa.Column('bot_refresh_token', sa.String(length=200), nullable=True),
    sa.Column('bot_token_expires_at', sa.DateTime(), nullable=True),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('user_token', sa.String(length=200), nullable=True),
    sa.Column('user_scopes', sa.String(length=1000), nullable=True),
    sa.Column('user_refresh_token', sa.String(length=200), nullable=True),
    sa.Column('user_token_expires_at', sa.DateTime(), nullable=True),
    sa.Column('incoming_webhook_url', sa.String(length=200), nullable=True),
    sa.Column('incoming_webhook_channel', sa.String(length=200), nullable=True),
    sa.Column('incoming_webhook_channel_id', sa.String(length=200), nullable=True),
    sa.Column('incoming_webhook_configuration_url', sa.String(length=200), nullable=True),
    sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
    sa.Column('token_type', sa.String(length=32), nullable=True),
    sa.Column('installed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_installations'))
    )
    op.create_index('slack_installations_idx', 'slack_installations', ['client_id', 'enterprise_id', 'team_id', 'user_id', 'installed_at'], unique=False)

    op.create_table('venues',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.String(length=48), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('units', sa.String(length=8), nullable=False),
    sa.Column('day_cutoff_minutes', sa.Integer(), server_default='240', nullable=False),
    sa.Column('restock_refunds', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('webhook_secret', sa.String(length=100), nullable=False),
    sa.Column('created_at', INSTANT, nullable=False),
    sa.CheckConstraint("units IN ('us', 'metric', 'imperial')", name=op.f('ck_venues_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venues')),
    sa.UniqueConstraint('slug', name=op.f('uq_venues_slug'))
    )
    op.create_table('audit_log',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=True),
    sa.Column('at', INSTANT, nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=255), nullable=False),
    sa.Column('old', JSON, nullable=True),
    sa.Column('new', JSON, nullable=True),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_audit_log_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_venue_id_at'), 'audit_log', ['venue_id', 'at'], unique=False)

    op.create_table('daily_receipts',
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('receipts', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_daily_receipts_venue_id_venues')),
    sa.PrimaryKeyConstraint('venue_id', 'business_day', name=op.f('pk_daily_receipts'))
    )
    op.create_table('job_runs',
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('started_at', INSTANT, nullable=False),
    sa.Column('finished_at', INSTANT, nullable=True),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_job_runs_venue_id_venues')),
    sa.PrimaryKeyConstraint('job', 'venue_id', 'day', name=op.f('pk_job_runs'))
    )
    op.create_table('oauth_states',
    sa.Column('state', sa.String(length=128), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('created_at', INSTANT, nullable=False),
    sa.Column('used_at', INSTANT, nullable=True),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_oauth_states_venue_id_venues')),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_oauth_states'))
    )
    op.create_table('outbox',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('payload', JSON, nullable=False),
    sa.Column('created_at', INSTANT, nullable=False),
    sa.Column('state', sa.String(length=8), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', INSTANT, nullable=False),
    sa.Column('lease_until', INSTANT, nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', INSTANT, nullable=True),
    sa.Column('slack_ts', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_outbox_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('kind', 'dedupe_key', name=op.f('uq_outbox_kind_dedupe_key'))
    )
    op.create_index(op.f('ix_outbox_state_next_attempt_at'), 'outbox', ['state', 'next_attempt_at'], unique=False)

    op.create_table('pos_connections',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('merchant_id', sa.String(length=255), nullable=False),
    sa.Column('location_ids', JSON, nullable=False),
    sa.Column('access_token', sa.Text(), nullable=False),
    sa.Column('refresh_token', sa.Text(), nullable=True),
    sa.Column('expires_at', INSTANT, nullable=True),
    sa.Column('cursor', sa.Text(), nullable=True),
    sa.Column('created_at', INSTANT, nullable=False),
    sa.Column('updated_at', INSTANT, nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_pos_connections_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pos_connections')),
    sa.UniqueConstraint('provider', 'merchant_id', name=op.f('uq_pos_connections_provider_merchant_id'))
    )
    op.create_table('pos_items',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('first_seen', INSTANT, nullable=False),
    sa.Column('last_seen', INSTANT, nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_pos_items_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pos_items')),
    sa.UniqueConstraint('venue_id', 'provider', 'external_id', name=op.f('uq_pos_items_venue_id_provider_external_id'))
    )
    op.create_table('pos_modifiers',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('first_seen', INSTANT, nullable=False),
    sa.Column('last_seen', INSTANT, nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_pos_modifiers_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pos_modifiers')),
    sa.UniqueConstraint('venue_id', 'provider', 'external_id', name=op.f('uq_pos_modifiers_venue_id_provider_external_id'))
    )
    op.create_table('products',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('dimension', sa.String(length=8), nullable=False),
    sa.Column('container_size', sa.BigInteger(), nullable=False),
    sa.Column('cost_per_container', sa.BigInteger(), nullable=False),
    sa.Column('par', sa.BigInteger(), nullable=True),
    sa.Column('reorder_at', sa.BigInteger(), nullable=True),
    sa.Column('category', sa.String(length=100), nullable=True),
    sa.Column('created_at', INSTANT, nullable=False),
    sa.CheckConstraint("dimension IN ('volume', 'count', 'mass')", name=op.f('ck_products_dimension')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_products_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('venue_id', 'name_key', name=op.f('uq_products_venue_id_name_key'))
    )
    op.create_table('receipts',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=True),
    sa.Column('closed_at', INSTANT, nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('booked_at', INSTANT, nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_receipts_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('venue_id', 'provider', 'external_id', name=op.f('uq_receipts_venue_id_provider_external_id'))
    )
    op.create_table('serving_sizes',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_key', sa.String(length=100), nullable=False),
    sa.Column('dimension', sa.String(length=8), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('valid_from', INSTANT, nullable=False),
    sa.Column('valid_to', INSTANT, nullable=True),
    sa.CheckConstraint("dimension IN ('volume', 'count', 'mass')", name=op.f('ck_serving_sizes_dimension')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_serving_sizes_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_serving_sizes'))
    )
    op.create_index(op.f('ix_serving_sizes_venue_id_name_key_valid_from'), 'serving_sizes', ['venue_id', 'name_key', 'valid_from'], unique=False)

    op.create_table('slack_bindings',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_slack_bindings_venue_id_venues')),
    sa.PrimaryKeyConstraint('team_id', 'channel_id', name=op.f('pk_slack_bindings'))
    )
    op.create_table('slack_managers',
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_slack_managers_venue_id_venues')),
    sa.PrimaryKeyConstraint('venue_id', 'team_id', 'user_id', name=op.f('pk_slack_managers'))
    )
    op.create_table('unmapped_tallies',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('seen', sa.BigInteger(), nullable=False),
    sa.Column('first_seen', INSTANT, nullable=False),
    sa.Column('last_seen', INSTANT, nullable=False),
    sa.Column('alerted_at', INSTANT, nullable=True),
    sa.CheckConstraint("kind IN ('item', 'modifier')", name=op.f('ck_unmapped_tallies_kind')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_unmapped_tallies_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unmapped_tallies')),
    sa.UniqueConstraint('venue_id', 'kind', 'provider', 'external_id', name=op.f('uq_unmapped_tallies_venue_id_kind_provider_external_id'))
    )
    op.create_table('venue_settings',
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('alert_channel', sa.String(length=64), nullable=True),
    sa.Column('low_stock_alerts', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('variance_alert_pct', sa.BigInteger(), nullable=True),
    sa.Column('variance_alert_min', sa.BigInteger(), nullable=True),
    sa.Column('summary_time', sa.String(length=5), nullable=True),
    sa.Column('summary_channel', sa.String(length=64), nullable=True),
    sa.Column('slack_team_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_venue_settings_venue_id_venues')),
    sa.PrimaryKeyConstraint('venue_id', name=op.f('pk_venue_settings'))
    )
    op.create_table('webhook_events',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('venue_id', ID, nullable=True),
    sa.Column('received_at', INSTANT, nullable=False),
    sa.Column('headers', JSON, nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('state', sa.String(length=8), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', INSTANT, nullable=False),
    sa.Column('lease_until', INSTANT, nullable=True),
    sa.Column('lease_owner', sa.String(length=100), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('processed_at', INSTANT, nullable=True),
    sa.CheckConstraint("state IN ('pending', 'done', 'failed', 'skipped')", name=op.f('ck_webhook_events_state')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_webhook_events_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_events')),
    sa.UniqueConstraint('provider', 'dedupe_key', name=op.f('uq_webhook_events_provider_dedupe_key'))
    )
    op.create_index(op.f('ix_webhook_events_state_next_attempt_at'), 'webhook_events', ['state', 'next_attempt_at'], unique=False)

    op.create_table('counts',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('counted_at', INSTANT, nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_counts_product_id_products')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_counts_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counts'))
    )
    op.create_index(op.f('ix_counts_venue_id_product_id_counted_at'), 'counts', ['venue_id', 'product_id', 'counted_at'], unique=False)

    op.create_table('daily_item_sales',
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('pos_item_id', ID, nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('net_amount', sa.BigInteger(), nullable=False),
    sa.Column('cogs', sa.BigInteger(), nullable=False),
    sa.Column('lines', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['pos_item_id'], ['pos_items.id'], name=op.f('fk_daily_item_sales_pos_item_id_pos_items')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_daily_item_sales_venue_id_venues')),
    sa.PrimaryKeyConstraint('venue_id', 'business_day', 'pos_item_id', name=op.f('pk_daily_item_sales'))
    )
    op.create_table('mappings',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('pos_item_id', ID, nullable=False),
    sa.Column('valid_from', INSTANT, nullable=False),
    sa.Column('valid_to', INSTANT, nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['pos_item_id'], ['pos_items.id'], name=op.f('fk_mappings_pos_item_id_pos_items')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_mappings_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mappings'))
    )
    op.create_index(op.f('ix_mappings_pos_item_id_valid_from'), 'mappings', ['pos_item_id', 'valid_from'], unique=False)

    op.create_table('modifier_rules',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('pos_modifier_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('factor', sa.BigInteger(), nullable=True),
    sa.Column('product_id', ID, nullable=True),
    sa.Column('quantity', sa.BigInteger(), nullable=True),
    sa.Column('serving_name', sa.String(length=100), nullable=True),
    sa.Column('swap_from_product_id', ID, nullable=True),
    sa.Column('swap_to_product_id', ID, nullable=True),
    sa.Column('valid_from', INSTANT, nullable=False),
    sa.Column('valid_to', INSTANT, nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind IN ('multiply', 'add', 'swap', 'price_only')", name=op.f('ck_modifier_rules_kind')),
    sa.ForeignKeyConstraint(['pos_modifier_id'], ['pos_modifiers.id'], name=op.f('fk_modifier_rules_pos_modifier_id_pos_modifiers')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_modifier_rules_product_id_products')),
    sa.ForeignKeyConstraint(['swap_from_product_id'], ['products.id'], name=op.f('fk_modifier_rules_swap_from_product_id_products')),
    sa.ForeignKeyConstraint(['swap_to_product_id'], ['products.id'], name=op.f('fk_modifier_rules_swap_to_product_id_products')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_modifier_rules_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modifier_rules'))
    )
    op.create_index(op.f('ix_modifier_rules_pos_modifier_id_valid_from'), 'modifier_rules', ['pos_modifier_id', 'valid_from'], unique=False)

    op.create_table('product_costs',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('valid_from', INSTANT, nullable=False),
    sa.Column('valid_to', INSTANT, nullable=True),
    sa.Column('cost_per_container', sa.BigInteger(), nullable=False),
    sa.Column('container_size', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_costs_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_costs'))
    )
    op.create_index(op.f('ix_product_costs_product_id_valid_from'), 'product_costs', ['product_id', 'valid_from'], unique=False)

    op.create_table('receivings',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('received_at', INSTANT, nullable=False),
    sa.Column('containers', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('cost_per_container', sa.BigInteger(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_receivings_product_id_products')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_receivings_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receivings'))
    )
    op.create_index(op.f('ix_receivings_venue_id_product_id_received_at'), 'receivings', ['venue_id', 'product_id', 'received_at'], unique=False)

    op.create_table('waste',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('wasted_at', INSTANT, nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_waste_product_id_products')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_waste_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waste'))
    )
    op.create_index(op.f('ix_waste_venue_id_product_id_wasted_at'), 'waste', ['venue_id', 'product_id', 'wasted_at'], unique=False)

    op.create_table('mapping_items',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('mapping_id', ID, nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('serving_name', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['mapping_id'], ['mappings.id'], name=op.f('fk_mapping_items_mapping_id_mappings')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_mapping_items_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mapping_items'))
    )
    op.create_index(op.f('ix_mapping_items_mapping_id'), 'mapping_items', ['mapping_id'], unique=False)

    op.create_table('sale_lines',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('receipt_id', ID, nullable=False),
    sa.Column('source_key', sa.String(length=512), nullable=False),
    sa.Column('pos_item_id', ID, nullable=False),
    sa.Column('mapping_id', ID, nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('net_amount', sa.BigInteger(), nullable=False),
    sa.Column('cogs', sa.BigInteger(), nullable=False),
    sa.Column('closed_at', INSTANT, nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('modifiers', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['mapping_id'], ['mappings.id'], name=op.f('fk_sale_lines_mapping_id_mappings')),
    sa.ForeignKeyConstraint(['pos_item_id'], ['pos_items.id'], name=op.f('fk_sale_lines_pos_item_id_pos_items')),
    sa.ForeignKeyConstraint(['receipt_id'], ['receipts.id'], name=op.f('fk_sale_lines_receipt_id_receipts')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_sale_lines_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_lines')),
    sa.UniqueConstraint('venue_id', 'source_key', name=op.f('uq_sale_lines_venue_id_source_key'))
    )
    op.create_index(op.f('ix_sale_lines_venue_id_business_day'), 'sale_lines', ['venue_id', 'business_day'], unique=False)
    op.create_index(op.f('ix_sale_lines_venue_id_closed_at'), 'sale_lines', ['venue_id', 'closed_at'], unique=False)

    op.create_table('depletions',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('sale_line_id', ID, nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('cogs', sa.BigInteger(), nullable=False),
    sa.Column('closed_at', INSTANT, nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_depletions_product_id_products')),
    sa.ForeignKeyConstraint(['sale_line_id'], ['sale_lines.id'], name=op.f('fk_depletions_sale_line_id_sale_lines')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_depletions_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_depletions'))
    )
    op.create_index(op.f('ix_depletions_sale_line_id'), 'depletions', ['sale_line_id'], unique=False)
    op.create_index(op.f('ix_depletions_venue_id_product_id_closed_at'), 'depletions', ['venue_id', 'product_id', 'closed_at'], unique=False)

    op.create_table('refunds',
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('venue_id', ID, nullable=False),
    sa.Column('sale_line_id', ID, nullable=False),
    sa.Column('source_key', sa.String(length=512), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('refunded_at', INSTANT, nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('restocked', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['sale_line_id'], ['sale_lines.id'], name=op.f('fk_refunds_sale_line_id_sale_lines')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_refunds_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('venue_id', 'source_key', name=op.f('uq_refunds_venue_id_source_key'))
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    op.drop_table('refunds')
    op.drop_table('depletions')
    op.drop_table('sale_lines')
    op.drop_table('mapping_items')
    op.drop_table('waste')
    op.drop_table('receivings')
    op.drop_table('product_costs')
    op.drop_table('modifier_rules')
    op.drop_table('mappings')
    op.drop_table('daily_item_sales')
    op.drop_table('counts')
    op.drop_table('webhook_events')
    op.drop_table('venue_settings')
    op.drop_table('unmapped_tallies')
    op.drop_table('slack_managers')
    op.drop_table('slack_bindings')
    op.drop_table('serving_sizes')
    op.drop_table('receipts')
    op.drop_table('products')
    op.drop_table('pos_modifiers')
    op.drop_table('pos_items')
    op.drop_table('pos_connections')
    op.drop_table('outbox')
    op.drop_table('oauth_states')
    op.drop_table('job_runs')
    op.drop_table('daily_receipts')
    op.drop_table('audit_log')
    op.drop_table('venues')
    op.drop_table('slack_installations')
    op.drop_table('slack_bots')
