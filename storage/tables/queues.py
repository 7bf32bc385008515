"""Work waiting to be done: the webhook inbox, the outbox, scheduled job runs, and the POS
connections and OAuth states the pollers and consent flows use."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from storage.tables.base import (
    Json,
    instant,
    metadata,
    one_of,
    venue_id,
)
from storage.types import id_column

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
    # Revision 0008: when the body and headers of a booked event were emptied (retention).
    instant("pruned_at", nullable=True),
    UniqueConstraint("provider", "dedupe_key"),
    Index(None, "state", "next_attempt_at"),
    # What the daily prune reads: finished events (processed_at is set for done and skipped
    # only) whose body is still there; rows leave the index once pruned.
    Index(
        "ix_webhook_events_unpruned",
        "processed_at",
        sqlite_where=text("pruned_at IS NULL"),
        postgresql_where=text("pruned_at IS NULL"),
    ),
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
    # Revision 0008: the POS revoked barback's access, or a manager disconnected it; no polling
    # then, and the tokens are forgotten. A new consent clears it.
    instant("revoked_at", nullable=True),
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
