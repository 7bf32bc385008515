"""The venue repository's contract, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time

import pytest

from engine.errors import Conflict, NotFound
from engine.venue import UnitSystem, Venue
from storage.database import Database
from tests.storage.samples import new_venue


async def add(database: Database, slug: str, *, name: str = "A bar") -> Venue:
    async with database.unit_of_work() as uow:
        venue = await uow.venues.add(new_venue(slug, name=name))
        await uow.commit()
    return venue


async def test_an_added_venue_reads_back_with_its_defaults(database: Database) -> None:
    added = await add(database, "downtown", name="Downtown")

    async with database.unit_of_work() as uow:
        found = await uow.venues.get("downtown")

    assert found == added
    assert found.id > 0
    assert (found.slug, found.name, found.timezone, found.currency, found.units) == (
        "downtown",
        "Downtown",
        "America/New_York",
        "USD",
        UnitSystem.US,
    )
    assert found.day_cutoff == time(4, 0)
    assert found.restock_refunds is False


async def test_ids_are_assigned_by_the_database(database: Database) -> None:
    first, second = await add(database, "one"), await add(database, "two")

    assert second.id > first.id > 0


async def test_venues_are_listed_by_slug(database: Database) -> None:
    for slug in ("uptown", "downtown", "midtown"):
        await add(database, slug)

    async with database.unit_of_work() as uow:
        listed = await uow.venues.list()

    assert [venue.slug for venue in listed] == ["downtown", "midtown", "uptown"]


async def test_no_venues_lists_nothing(database: Database) -> None:
    async with database.unit_of_work() as uow:
        assert list(await uow.venues.list()) == []


async def test_the_webhook_secret_is_kept(database: Database) -> None:
    await add(database, "downtown")

    async with database.unit_of_work() as uow:
        assert await uow.venues.webhook_secret("downtown") == "whsec_downtown"


async def test_a_taken_slug_conflicts_and_the_transaction_lives_on(database: Database) -> None:
    await add(database, "downtown", name="First")

    async with database.unit_of_work() as uow:
        with pytest.raises(Conflict, match="downtown"):
            await uow.venues.add(new_venue("downtown", name="Second"))
        # The refused insert did not poison the transaction (PostgreSQL aborts on errors).
        await uow.venues.add(new_venue("uptown"))
        await uow.commit()

    async with database.unit_of_work() as uow:
        assert (await uow.venues.get("downtown")).name == "First"
        assert [venue.slug for venue in await uow.venues.list()] == ["downtown", "uptown"]


async def test_unknown_slugs_are_not_found(database: Database) -> None:
    async with database.unit_of_work() as uow:
        with pytest.raises(NotFound, match="nowhere"):
            await uow.venues.get("nowhere")
        with pytest.raises(NotFound, match="nowhere"):
            await uow.venues.webhook_secret("nowhere")
