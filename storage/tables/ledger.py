"""What happened to the stock and the till: receipts, sale lines, depletions, refunds, counts,
receivings, waste, the unmapped tally, the daily rollups and low-stock arming."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from engine import bounds
from storage.tables.base import (
    Json,
    amount,
    created_by,
    instant,
    metadata,
    one_of,
    ref,
    venue_id,
)
from storage.types import IdType, id_column

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
    # Revision 0007: a correction (what a newer version of the receipt changed, booked forward,
    # `<line key>@v<version>`) points at the line's first row; NULL on a first booking.
    ref("corrects", "sale_lines", nullable=True),
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
    # Revision 0007: the refund row that put this back on the shelf (NULL: a sale's depletion;
    # restocks booked before 0007 are the line's negative rows).
    ref("refund_id", "refunds", nullable=True),
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
    # Revision 0007: what the refund line asked for (NULL: what it booked); its excess over what
    # the line had left was refused, and is let back if a newer version raises the line.
    Column("requested_quantity", BigInteger),
    Column("requested_amount", BigInteger),
    UniqueConstraint("venue_id", "source_key"),
    # Refunds come off sales on their own business day (revision 0002).
    Index(None, "venue_id", "business_day"),
    # Revision 0007: a line's refunds, summed to keep them within what it sold.
    Index(None, "sale_line_id"),
)


def bounded(column: str, limit: int) -> CheckConstraint:
    """A rollup cell within `engine.bounds` (revision 0007): the booking that would pass it is
    refused with its reason instead of overflowing 64 bits (docs/limits.md)."""
    return CheckConstraint(f"{column} BETWEEN {-limit} AND {limit}", name=f"{column}_bound")


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


# A count session (revision 0006): every product of a count sheet counted at one instant, typed
# in Slack's count sheet or imported from a CSV file; its counts carry its id. A spot count
# (`count tito 3`) has none.
count_sessions = Table(
    "count_sessions",
    metadata,
    id_column(),
    venue_id(),
    instant("counted_at"),
    Column("source", String(16), nullable=False),
    amount("products"),
    created_by(),
    Index(None, "venue_id", "counted_at"),
    one_of("source", ("slack", "import")),
)

counts = stock_movement_table(
    "counts", "counted_at", amount("quantity"), ref("session_id", "count_sessions", nullable=True)
)

# A half-filled count sheet (revision 0006), one per person and venue, kept until it is submitted
# or discarded: what was typed per product id (`{"12": "3.4"}`), and the page last shown.
count_drafts = Table(
    "count_drafts",
    metadata,
    venue_id(primary_key=True),
    Column("owner", String(200), primary_key=True),
    Column("entries", Json, nullable=False),
    Column("page", Integer, nullable=False, server_default="1"),
    Column("revision", Integer, nullable=False, server_default="1"),
    instant("updated_at"),
)
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
    bounded("quantity", bounds.MAX_CELL_QUANTITY),
    bounded("net_amount", bounds.MAX_CELL_AMOUNT),
    bounded("cogs", bounds.MAX_CELL_COGS),
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
    bounded("quantity", bounds.MAX_CELL_QUANTITY),
    bounded("cogs", bounds.MAX_CELL_COGS),
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
