"""Venues, their settings and audit log, and the catalog: products and their costs, serving sizes,
POS items and modifiers, mappings and modifier rules (versioned: `valid_from`/`valid_to`)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    false,
    true,
)

from storage.tables.base import (
    DIMENSIONS,
    Json,
    amount,
    created_by,
    instant,
    metadata,
    one_of,
    ref,
    venue_id,
    versioned,
)
from storage.types import id_column

venues = Table(
    "venues",
    metadata,
    id_column(),
    Column("slug", String(48), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("units", String(8), nullable=False),
    Column("day_cutoff_minutes", Integer, nullable=False, server_default="240"),
    Column("restock_refunds", Boolean, nullable=False, server_default=false()),
    Column("webhook_secret", String(100), nullable=False),
    instant("created_at"),
    one_of("units", ("us", "metric", "imperial")),
)

venue_settings = Table(
    "venue_settings",
    metadata,
    venue_id(primary_key=True),
    Column("alert_channel", String(64)),
    Column("low_stock_alerts", Boolean, nullable=False, server_default=true()),
    amount("variance_alert_pct", nullable=True),  # milli-percent
    amount("variance_alert_min", nullable=True),  # minor units
    Column("summary_time", String(5)),  # HH:MM, venue-local
    Column("summary_channel", String(64)),
    Column("slack_team_id", String(32)),
)

products = Table(
    "products",
    metadata,
    id_column(),
    venue_id(),
    Column("name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("dimension", String(8), nullable=False),
    amount("container_size"),  # base sub-units
    amount("cost_per_container"),  # minor units
    amount("par", nullable=True),  # milli-containers
    amount("reorder_at", nullable=True),  # milli-containers
    Column("category", String(100)),
    instant("created_at"),
    Column("vendor", String(100)),  # revision 0005: who supplies it (product import)
    UniqueConstraint("venue_id", "name_key"),
    one_of("dimension", DIMENSIONS),
)

product_costs = Table(
    "product_costs",
    metadata,
    id_column(),
    ref("product_id", "products"),
    *versioned(),
    amount("cost_per_container"),
    amount("container_size"),
    Index(None, "product_id", "valid_from"),
)

serving_sizes = Table(
    "serving_sizes",
    metadata,
    id_column(),
    venue_id(),
    Column("name", String(100), nullable=False),
    Column("name_key", String(100), nullable=False),
    Column("dimension", String(8), nullable=False),
    amount("quantity"),
    *versioned(),
    Index(None, "venue_id", "name_key", "valid_from"),
    one_of("dimension", DIMENSIONS),
)


def pos_catalog_table(name: str) -> Table:
    """POS items and POS modifiers: what the POS sells, keyed by the POS's own id.

    Revision 0005: `name_key` (the name casefolded, spaces collapsed) finds things by name;
    `by_name` marks a placeholder a manager mapped by a name no POS had sent yet, which the first
    POS item or modifier arriving with that name adopts (engine/identity.py); `category` and
    `on_menu` come from the POS's menu (a catalog sync or `menu import`)."""
    return Table(
        name,
        metadata,
        id_column(),
        venue_id(),
        Column("provider", String(32), nullable=False),
        Column("external_id", String(255), nullable=False),
        Column("name", String(255), nullable=False),
        instant("first_seen"),
        instant("last_seen"),
        Column("name_key", String(255), nullable=False, server_default=""),
        Column("by_name", Boolean, nullable=False, server_default=false()),
        Column("category", String(200)),
        Column("on_menu", Boolean, nullable=False, server_default=false()),
        UniqueConstraint("venue_id", "provider", "external_id"),
        Index(None, "venue_id", "name_key"),
    )


pos_items = pos_catalog_table("pos_items")
pos_modifiers = pos_catalog_table("pos_modifiers")

mappings = Table(
    "mappings",
    metadata,
    id_column(),
    venue_id(),
    ref("pos_item_id", "pos_items"),
    *versioned(),
    created_by(),
    Index(None, "pos_item_id", "valid_from"),
)

mapping_items = Table(
    "mapping_items",
    metadata,
    id_column(),
    ref("mapping_id", "mappings"),
    ref("product_id", "products"),
    amount("quantity"),
    Column("serving_name", String(100)),
    Index(None, "mapping_id"),
)

modifier_rules = Table(
    "modifier_rules",
    metadata,
    id_column(),
    venue_id(),
    ref("pos_modifier_id", "pos_modifiers"),
    Column("kind", String(16), nullable=False),
    amount("factor", nullable=True),  # milli: x2 = 2,000
    ref("product_id", "products", nullable=True),
    amount("quantity", nullable=True),
    Column("serving_name", String(100)),
    ref("swap_from_product_id", "products", nullable=True),
    ref("swap_to_product_id", "products", nullable=True),
    *versioned(),
    created_by(),
    Index(None, "pos_modifier_id", "valid_from"),
    one_of("kind", ("multiply", "add", "swap", "price_only")),
)


audit_log = Table(
    "audit_log",
    metadata,
    id_column(),
    venue_id(nullable=True),
    instant("at"),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(255), nullable=False),
    Column("old", Json),
    Column("new", Json),
    Index(None, "venue_id", "at"),
)
