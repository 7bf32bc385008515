"""What every table shares: the metadata and its naming convention, JSON, and column builders.

Quantities and money are `BigInteger` (base sub-units, minor or micro-minor units; see the data
model's conventions): SQLite keeps `Numeric` as floating point. Enumerated text columns carry a
CHECK, so a typo in a repository cannot store a state nobody reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, ForeignKey, MetaData, String
from sqlalchemy.dialects import postgresql

from storage.types import IdType, UtcDateTime

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
