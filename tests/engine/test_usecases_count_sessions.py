"""Count sessions and drafts as use cases, on SQLite and PostgreSQL: one instant for every product,
one audit entry, alerts from the session's transaction, all or nothing, drafts merged per page.

The bar (`usecases_world.bar`): Tito's, Milagro, Cointreau (750 ml; $22.50, $30.00, $36.00; par 6,
reorder 2), each counted 3 bottles at T0 + 1 min.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from engine.catalog import ProductId
from engine.count_sheets import CountEntry
from engine.errors import InvalidEntries, InvalidInput
from engine.usecases import catalog, catalog_life, count_sessions, ledger, settings
from engine.usecases.inputs import TypedQuantity
from storage.database import Database
from storage.tables import audit_log, counts, outbox
from storage.tables import count_sessions as sessions_table
from tests.engine.usecases_world import ACTOR, World, bar, make_world, q


@pytest.fixture
async def counted(database: Database) -> World:
    world = await bar(await make_world(database))
    for name in ("tito", "milagro", "cointreau"):
        await ledger.record_count(
            world.db.unit_of_work,
            world.clock,
            world.venue,
            product=name,
            amount=q("3"),
            actor=ACTOR,
        )
    world.clock.advance(minutes=30)
    return world


async def ids(world: World) -> dict[str, ProductId]:
    sheet = await count_sessions.count_sheet(world.db.unit_of_work, world.clock, world.venue)
    return {line.product.name: line.product.id for line in sheet.lines}


async def table_rows(world: World, table: object) -> int:
    async with world.db.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_session_counts_at_one_instant_and_answers_its_variance(counted: World) -> None:
    w = counted
    entries = [
        CountEntry("line 2", "tito", q("2.5")),  # 375,000 µl lost x 0.003 c = $11.25
        CountEntry("line 3", "Cointreau", q("2250 ml")),  # none lost
        CountEntry("line 4", "milagro", TypedQuantity(Fraction(1))),
    ]
    session = await count_sessions.record_count_session(
        w.db.unit_of_work, w.clock, w.venue, entries=entries, actor=ACTOR, source="import"
    )
    assert session.at == w.clock.now() and session.id == 1
    assert [c.product.name for c in session.counted] == [
        "Cointreau",
        "Milagro Blanco",
        "Tito's Vodka",
    ]
    # Biggest loss first: Milagro 2 bottles x $30 = $60.00, then Tito's $11.25, Cointreau $0.
    assert [(r.product.name, r.variance.cost.to_money().display()) for r in session.variances] == [
        ("Milagro Blanco", "$60.00"),
        ("Tito's Vodka", "$11.25"),
        ("Cointreau", "$0.00"),
    ]
    async with w.db.engine.connect() as connection:
        stamps = {
            row.counted_at
            for row in await connection.execute(
                select(counts.c.counted_at).where(counts.c.session_id == session.id)
            )
        }
    assert stamps == {w.clock.now()}
    assert await table_rows(w, sessions_table) == 1
    assert session.change.action == "count.session"


async def test_one_bad_entry_refuses_all_of_them_each_named(counted: World) -> None:
    w = counted
    before = await table_rows(w, audit_log), await table_rows(w, counts)
    entries = [
        CountEntry("line 2", "tito", q("2")),
        CountEntry("line 3", "gin", q("1")),
        CountEntry("line 4", "tito", q("1")),
        CountEntry("line 5", "milagro", q("10001")),
        CountEntry("line 6", "cointreau", q("2 glugs")),
    ]
    with pytest.raises(InvalidEntries) as caught:
        await count_sessions.record_count_session(
            w.db.unit_of_work,
            w.clock,
            w.venue,
            entries=entries,
            actor=ACTOR,
            source="import",
            refused=[("line 7", "5 cells for 2 columns")],
        )
    wheres = [where for where, _ in caught.value.problems]
    assert wheres == ["line 7", "line 3", "line 4", "line 5", "line 6"]
    assert "counted twice (also line 2)" in caught.value.problems[2][1]
    assert (await table_rows(w, audit_log), await table_rows(w, counts)) == before
    with pytest.raises(InvalidInput, match="nothing to count"):
        await count_sessions.record_count_session(
            w.db.unit_of_work, w.clock, w.venue, entries=[], actor=ACTOR, source="slack"
        )
    problems = await count_sessions.check_count_entries(
        w.db.unit_of_work, w.clock, w.venue, entries
    )
    assert [where for where, _ in problems] == ["line 3", "line 4", "line 5", "line 6"]


async def test_a_removed_product_drops_out_of_the_sheet_and_is_refused(counted: World) -> None:
    w = counted
    known = await ids(w)
    await catalog.unmap_item(w.db.unit_of_work, w.clock, w.venue, pos_item="Margarita", actor=ACTOR)
    await catalog_life.remove_product(
        w.db.unit_of_work, w.clock, w.venue, product="cointreau", actor=ACTOR
    )
    assert set(await ids(w)) == {"Milagro Blanco", "Tito's Vodka"}
    with pytest.raises(InvalidEntries) as caught:
        await count_sessions.record_count_session(
            w.db.unit_of_work,
            w.clock,
            w.venue,
            entries=[CountEntry("Cointreau", known["Cointreau"], q("1"))],
            actor=ACTOR,
            source="slack",
        )
    assert caught.value.problems == (("Cointreau", "this product is no longer in the catalog"),)


async def test_crossings_of_a_session_share_one_low_stock_message(counted: World) -> None:
    w = counted
    uow, clock, v = w.db.unit_of_work, w.clock, w.venue
    await settings.set_alert_channel(uow, clock, v, channel="C0ALERTS", actor=ACTOR)
    await settings.set_variance_alert(uow, clock, v, pct=Decimal(10), actor=ACTOR)
    entries = [CountEntry(n, n, q("1")) for n in ("tito", "milagro")]  # 3 -> 1: below reorder 2
    await count_sessions.record_count_session(
        uow, clock, v, entries=entries, actor=ACTOR, source="import"
    )
    async with w.db.engine.connect() as connection:
        kinds = sorted(row.kind for row in await connection.execute(select(outbox.c.kind)))
    assert kinds == ["low_stock", "variance", "variance"]


async def test_drafts_keep_each_page_until_saved_or_discarded(counted: World) -> None:
    w = counted
    uow, clock, v = w.db.unit_of_work, w.clock, w.venue
    known = await ids(w)
    tito, milagro, cointreau = known["Tito's Vodka"], known["Milagro Blanco"], known["Cointreau"]
    first = await count_sessions.keep_count_draft(
        uow, clock, v, owner="slack:U1", typed={tito: " 2 ", milagro: "1"}, page=2
    )
    assert (first.entries, first.page, first.revision) == ({tito: "2", milagro: "1"}, 2, 1)
    second = await count_sessions.keep_count_draft(
        uow, clock, v, owner="slack:U1", typed={milagro: "", cointreau: "0.5"}, page=1
    )
    assert second.entries == {tito: "2", cointreau: "0.5"} and second.revision == 2
    other = await count_sessions.count_draft(uow, v, "slack:U2")
    assert other is None  # a draft is one person's
    with pytest.raises(InvalidInput, match="longer than 50 characters"):
        await count_sessions.keep_count_draft(
            uow, clock, v, owner="slack:U1", typed={tito: "1" * 51}, page=1
        )

    await count_sessions.record_count_session(
        uow,
        clock,
        v,
        entries=[CountEntry("Tito's Vodka", tito, q("2"))],
        actor="slack:U1",
        source="slack",
        draft_owner="slack:U1",
    )
    assert await count_sessions.count_draft(uow, v, "slack:U1") is None
    await count_sessions.keep_count_draft(
        uow, clock, v, owner="slack:U1", typed={tito: "1"}, page=1
    )
    assert await count_sessions.discard_count_draft(uow, v, "slack:U1") is True
    assert await count_sessions.discard_count_draft(uow, v, "slack:U1") is False
