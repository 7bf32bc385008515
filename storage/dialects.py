"""Dialect-specific statements that both dialects spell the same way in SQL but SQLAlchemy builds
from different modules: `INSERT ... ON CONFLICT`, which idempotent writes rely on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_for(connection: AsyncConnection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that offers `.on_conflict_do_nothing()` / `.on_conflict_do_update()`."""
    return _insert(connection.dialect.name, table)


T = TypeVar("T")
InsertFor = Callable[[Table], postgresql.Insert | sqlite.Insert]
_PREPARED: dict[tuple[str, Callable[..., Any]], Any] = {}


def prepared(connection: AsyncConnection, build: Callable[[InsertFor], T]) -> T:
    """`build(insert)` once per dialect, then the same statement object every time.

    SQLAlchemy caches the compiled SQL by a statement's structure, but building an ON CONFLICT
    clause (its `excluded` columns above all) costs about a millisecond each time: on the booking
    path, where a batch runs a dozen of them, that was most of the work. `build` must be a
    module-level function: it is the cache key."""
    key = (connection.dialect.name, build)
    found = _PREPARED.get(key)
    if found is None:
        dialect = connection.dialect.name
        found = _PREPARED[key] = build(lambda table: _insert(dialect, table))
    return found


def _insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported dialect {dialect}")
