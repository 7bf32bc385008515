"""Every table of docs/data-model.md, in SQLAlchemy Core. No ORM: rows map to engine dataclasses
through explicit functions in the repository modules.

Quantities and money are `BigInteger` (base sub-units, minor or micro-minor units; see the data
model's conventions): SQLite keeps `Numeric` as floating point. Enumerated text columns carry a
CHECK, so a typo in a repository cannot store a state nobody reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.dialects import postgresql

from storage.types import IdType, UtcDateTime, id_column

# Explicit constraint names keep Alembic autogenerate stable and let a later migration drop a
# constraint by name on both dialects (SQLite batch mode needs names to recreate tables).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# JSONB on PostgreSQL (indexable, compact); JSON text on SQLite. `none_as_null` stores Python None
# as SQL NULL rather than the JSON literal `null`, so "no old value" is one thing.
Json = JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

DIMENSIONS = ("volume", "count", "mass")


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


def venue_id(*, nullable: bool = False, primary_key: bool = False) -> Column[int]:
    return Column(
        "venue_id", IdType, ForeignKey("venues.id"), nullable=nullable, primary_key=primary_key
    )


def ref(name: str, table: str, *, nullable: bool = False) -> Column[int]:
    return Column(name, IdType, ForeignKey(f"{table}.id"), nullable=nullable)


def amount(name: str, *, nullable: bool = False) -> Column[int]:
    return Column(name, BigInteger, nullable=nullable)


def instant(name: str, *, nullable: bool = False) -> Column[datetime]:
    return Column(name, UtcDateTime(), nullable=nullable)


def versioned() -> tuple[Column[datetime], Column[datetime]]:
    """`valid_from` inclusive, `valid_to` exclusive (NULL: in effect now)."""
    return instant("valid_from"), instant("valid_to", nullable=True)


def created_by() -> Column[str]:
    return Column("created_by", String(200), nullable=False)


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
    """POS items and POS modifiers: what the POS sells, keyed by the POS's own id."""
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
        UniqueConstraint("venue_id", "provider", "external_id"),
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

receipts = Table(
    "receipts",
    metadata,
    id_column(),
    venue_id(),
    Column("provider", String(32), nullable=False),
    Column("external_id", String(255), nullable=False),
    Column("version", String(64)),
    instant("closed_at"),
    Column("business_day", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    instant("booked_at"),
    UniqueConstraint("venue_id", "provider", "external_id"),
)

sale_lines = Table(
    "sale_lines",
    metadata,
    id_column(),
    venue_id(),
    ref("receipt_id", "receipts"),
    Column("source_key", String(512), nullable=False),  # provider + receipt id + line id
    ref("pos_item_id", "pos_items"),
    ref("mapping_id", "mappings"),
    amount("quantity"),  # milli-units
    amount("net_amount"),  # minor units
    amount("cogs"),  # micro-minor units
    instant("closed_at"),
    Column("business_day", Date, nullable=False),
    Column("modifiers", Text),  # JSON text, shown in the ledger
    UniqueConstraint("venue_id", "source_key"),
    Index(None, "venue_id", "business_day"),
    Index(None, "venue_id", "closed_at"),
)

depletions = Table(
    "depletions",
    metadata,
    id_column(),
    venue_id(),
    ref("sale_line_id", "sale_lines"),
    ref("product_id", "products"),
    amount("quantity"),  # base sub-units
    amount("cogs"),  # micro-minor units
    instant("closed_at"),
    Column("business_day", Date, nullable=False),
    Index(None, "venue_id", "product_id", "closed_at"),
    # A restocking refund finds the line's depletions.
    Index(None, "sale_line_id"),
)

refunds = Table(
    "refunds",
    metadata,
    id_column(),
    venue_id(),
    ref("sale_line_id", "sale_lines"),
    Column("source_key", String(512), nullable=False),
    amount("quantity"),  # milli-units
    amount("amount"),  # minor units
    # COGS reversed by a restocked refund, micro-minor units; 0 otherwise (revision 0002).
    Column("cogs", BigInteger, nullable=False, server_default="0"),
    instant("refunded_at"),
    Column("business_day", Date, nullable=False),
    Column("restocked", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("venue_id", "source_key"),
    # Refunds come off sales on their own business day (revision 0002).
    Index(None, "venue_id", "business_day"),
)


def stock_movement_table(name: str, at: str, *extra: Column[Any]) -> Table:
    """Counts, receivings and waste: a product's quantity at an instant, typed by someone.

    Indexed by (venue, product, instant): on-hand reads the last count and everything after it.
    """
    return Table(
        name,
        metadata,
        id_column(),
        venue_id(),
        ref("product_id", "products"),
        instant(at),
        *extra,
        created_by(),
        Index(None, "venue_id", "product_id", at),
    )


counts = stock_movement_table("counts", "counted_at", amount("quantity"))
receivings = stock_movement_table(
    "receivings",
    "received_at",
    amount("containers"),  # milli-containers
    amount("quantity"),
    amount("cost_per_container", nullable=True),
)
waste = stock_movement_table(
    "waste", "wasted_at", amount("quantity"), Column("reason", String(200))
)

unmapped_tallies = Table(
    "unmapped_tallies",
    metadata,
    id_column(),
    venue_id(),
    Column("kind", String(8), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("external_id", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    amount("seen"),
    instant("first_seen"),
    instant("last_seen"),
    instant("alerted_at", nullable=True),
    UniqueConstraint("venue_id", "kind", "provider", "external_id"),
    one_of("kind", ("item", "modifier")),
)

daily_item_sales = Table(
    "daily_item_sales",
    metadata,
    venue_id(),
    Column("business_day", Date, nullable=False),
    ref("pos_item_id", "pos_items"),
    amount("quantity"),
    amount("net_amount"),
    amount("cogs"),
    amount("lines"),
    PrimaryKeyConstraint("venue_id", "business_day", "pos_item_id"),
)

# Product depleted per business day (restocked refunds netted): the trailing usage behind days to
# stockout, read without scanning depletions (revision 0002).
daily_product_usage = Table(
    "daily_product_usage",
    metadata,
    venue_id(),
    Column("business_day", Date, nullable=False),
    ref("product_id", "products"),
    amount("quantity"),  # base sub-units
    amount("cogs"),  # micro-minor units
    PrimaryKeyConstraint("venue_id", "business_day", "product_id"),
)

# Lines processed without a mapping: their keys make the unmapped tally idempotent, as the unique
# source key of `sale_lines` does for booked lines (revision 0002).
unmapped_lines = Table(
    "unmapped_lines",
    metadata,
    id_column(),
    venue_id(),
    Column("source_key", String(512), nullable=False),
    instant("seen_at"),
    UniqueConstraint("venue_id", "source_key"),
)

daily_receipts = Table(
    "daily_receipts",
    metadata,
    venue_id(primary_key=True),
    Column("business_day", Date, primary_key=True),
    amount("receipts"),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    id_column(),
    Column("provider", String(32), nullable=False),
    Column("dedupe_key", String(255), nullable=False),
    venue_id(nullable=True),
    instant("received_at"),
    Column("headers", Json, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("state", String(8), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    instant("next_attempt_at"),  # set to received_at on insert, so the claim index covers it
    instant("lease_until", nullable=True),
    Column("lease_owner", String(100)),
    Column("last_error", Text),
    instant("processed_at", nullable=True),
    UniqueConstraint("provider", "dedupe_key"),
    Index(None, "state", "next_attempt_at"),
    one_of("state", ("pending", "done", "failed", "skipped")),
)

outbox = Table(
    "outbox",
    metadata,
    id_column(),
    venue_id(),
    Column("kind", String(32), nullable=False),
    Column("dedupe_key", String(255), nullable=False),
    Column("payload", Json, nullable=False),
    instant("created_at"),
    Column("state", String(8), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    instant("next_attempt_at"),
    instant("lease_until", nullable=True),
    Column("last_error", Text),
    instant("sent_at", nullable=True),
    Column("slack_ts", String(32)),
    Column("lease_owner", String(100)),  # revision 0004: who holds the lease (as the inbox)
    UniqueConstraint("kind", "dedupe_key"),
    Index(None, "state", "next_attempt_at"),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("job", String(64), primary_key=True),
    venue_id(primary_key=True),
    Column("day", Date, primary_key=True),
    instant("started_at"),
    instant("finished_at", nullable=True),
    # Revision 0004: the lease and the steps taken, so a crashed run resumes without repeating a
    # post (engine/summary.py). `lease_until` doubles as the retry time of a released run.
    Column("phase", String(16), nullable=False, server_default="claimed"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("lease_owner", String(100)),
    instant("lease_until", nullable=True),
    Column("slack_ts", String(32)),
    Column("note", Text),
)

# Low-stock arming per product (revision 0004): `low_since` NULL = armed; set when an alert fires,
# cleared when the product is seen above its reorder point again. `alert_id` is the outbox row
# that reported it, whose Slack thread takes the follow-ups.
stock_alerts = Table(
    "stock_alerts",
    metadata,
    venue_id(primary_key=True),
    Column("product_id", IdType, ForeignKey("products.id"), primary_key=True),
    instant("low_since", nullable=True),
    Column("crossings", Integer, nullable=False, server_default="0"),
    Column("alert_id", IdType, ForeignKey("outbox.id")),
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

pos_connections = Table(
    "pos_connections",
    metadata,
    id_column(),
    venue_id(),
    Column("provider", String(32), nullable=False),
    Column("merchant_id", String(255), nullable=False),
    Column("location_ids", Json, nullable=False),
    Column("access_token", Text, nullable=False),  # encrypted
    Column("refresh_token", Text),  # encrypted
    instant("expires_at", nullable=True),
    Column("cursor", Text),
    instant("created_at"),
    instant("updated_at"),
    UniqueConstraint("provider", "merchant_id"),
)

oauth_states = Table(
    "oauth_states",
    metadata,
    Column("state", String(128), primary_key=True),
    Column("provider", String(32), nullable=False),
    venue_id(),
    instant("created_at"),
    instant("used_at", nullable=True),
)

slack_bindings = Table(
    "slack_bindings",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    venue_id(),
)

slack_managers = Table(
    "slack_managers",
    metadata,
    venue_id(primary_key=True),
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
)

# slack-bolt's installation store (slack_sdk.oauth.installation_store.sqlalchemy) reads and writes
# these through its own Table objects; the columns copy its `build_*_table` exactly, plain
# `DateTime` included, because slack_sdk owns the data. Kept here so migrations create them.
slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

# slack-bolt's OAuth state store (slack_sdk.oauth.state_store.sqlalchemy): one row per install
# attempt, consumed by the callback. Its columns copy `build_oauth_states_table` exactly.
slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
