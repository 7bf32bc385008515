"""`SqlAuditLog`: who changed what, with the values before and after, in `audit_log`."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import audit_log

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


class SqlAuditLog:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def record(
        self,
        *,
        venue_id: int | None,
        actor: str,
        action: str,
        target: str,
        old: object,
        new: object,
        at: datetime,
    ) -> None:
        await self._connection.execute(
            insert(audit_log).values(
                venue_id=venue_id,
                at=at,
                actor=actor,
                action=action,
                target=target,
                old=to_json(old),
                new=to_json(new),
            )
        )


# Field names whose values never reach the audit log: it is read by people who may not see them.
SECRET_MARKERS = ("secret", "token", "password")
REDACTED = "[redacted]"


def to_json(value: object) -> JsonValue:
    """The engine's values (dataclasses, enums, instants, decimals) as plain JSON data."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        # A string keeps every digit; a float would not.
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: field_to_json(field.name, getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(key): field_to_json(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(item) for item in value]
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def field_to_json(name: str, value: object) -> JsonValue:
    if value is not None and any(marker in name.lower() for marker in SECRET_MARKERS):
        return REDACTED
    return to_json(value)
