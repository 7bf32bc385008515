"""Every table of docs/data-model.md, in SQLAlchemy Core, split by what the tables hold.

No ORM: rows map to engine dataclasses through explicit functions in the repository modules.
Importing this package registers every table on `metadata`, which Alembic compares against.
"""

from storage.tables.base import Json, metadata
from storage.tables.catalog import (
    audit_log,
    mapping_items,
    mappings,
    modifier_rules,
    pos_items,
    pos_modifiers,
    product_costs,
    products,
    serving_sizes,
    venue_settings,
    venues,
)
from storage.tables.ledger import (
    count_drafts,
    count_sessions,
    counts,
    daily_item_sales,
    daily_product_usage,
    daily_receipts,
    depletions,
    receipts,
    receivings,
    refunds,
    sale_lines,
    stock_alerts,
    unmapped_lines,
    unmapped_tallies,
    waste,
)
from storage.tables.queues import (
    job_runs,
    oauth_states,
    outbox,
    pos_connections,
    webhook_events,
)
from storage.tables.slack import (
    slack_bindings,
    slack_bots,
    slack_installations,
    slack_managers,
    slack_oauth_states,
)

__all__ = [
    "Json",
    "audit_log",
    "count_drafts",
    "count_sessions",
    "counts",
    "daily_item_sales",
    "daily_product_usage",
    "daily_receipts",
    "depletions",
    "job_runs",
    "mapping_items",
    "mappings",
    "metadata",
    "modifier_rules",
    "oauth_states",
    "outbox",
    "pos_connections",
    "pos_items",
    "pos_modifiers",
    "product_costs",
    "products",
    "receipts",
    "receivings",
    "refunds",
    "sale_lines",
    "serving_sizes",
    "slack_bindings",
    "slack_bots",
    "slack_installations",
    "slack_managers",
    "slack_oauth_states",
    "stock_alerts",
    "unmapped_lines",
    "unmapped_tallies",
    "venue_settings",
    "venues",
    "waste",
    "webhook_events",
]
