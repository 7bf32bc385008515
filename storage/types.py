"""Column types shared by every table: aware UTC instants and integer surrogate keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Identity, Integer, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

# SQLite only aliases the rowid (and so numbers rows itself) for a column declared exactly
# `INTEGER PRIMARY KEY`; a BIGINT primary key there would need explicit ids.
IdType: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")


def id_column(name: str = "id") -> Column[int]:
    """A surrogate key: `INTEGER PRIMARY KEY` on SQLite, `BIGINT` identity on PostgreSQL."""
    # The SQLite dialect renders no IDENTITY clause, so one definition serves both.
    return Column(name, IdType, Identity(), primary_key=True)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant.

    PostgreSQL keeps it as `TIMESTAMPTZ`. SQLite has no date type, so it is ISO 8601 text in one
    fixed shape (`2024-05-01T22:30:00.000000+00:00`): every value has the same width and offset, so
    comparing the text compares the instants and range queries can use an index. Naive datetimes
    are refused rather than guessed at: a wrong offset would book a sale on the wrong day.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UtcDateTime expects a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: pass an aware instant")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.isoformat(timespec="microseconds")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        instant = datetime.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(instant, datetime):
            raise TypeError(f"UtcDateTime read a {type(value).__name__}")
        if instant.tzinfo is None:
            # Only rows written behind our back can be naive; they were meant as UTC.
            return instant.replace(tzinfo=UTC)
        return instant.astimezone(UTC)

    @property
    def python_type(self) -> type[datetime]:
        return datetime
