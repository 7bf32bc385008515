"""The weekly count: a count sheet of every product, drafts kept while it is being filled, and a
count session saved with one timestamp for every product in it (`engine.count_sheets`).

A session is one change: one audit entry (`history` shows it as one line), one transaction for
its counts and their alerts, and the variance of each product counted, between its previous count
and this one, answered at once (the biggest losses in money first). Any refused entry refuses the
whole session, naming every refused entry with the reason; nothing is counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.alerts import Level
from engine.catalog import Product, ProductId
from engine.count_sheets import (
    CountDraft,
    CountEntry,
    SheetLine,
    check_plausible,
    draft_entries,
    in_sheet_order,
)
from engine.errors import EngineError, InvalidEntries, InvalidInput
from engine.inventory import Count
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.quantity import Quantity
from engine.reports import VarianceRow
from engine.usecases.common import (
    Change,
    VenueRef,
    commit_change,
    find_product,
    load_venue,
    require_actor,
)
from engine.usecases.inputs import QuantityLike, resolve_quantity
from engine.usecases.notify import after_counts
from engine.venue import Venue

SOURCES = ("slack", "import")
MAX_ENTRIES = 5_000
"""The most products one session counts (a file's rows): far above any bar's shelf."""


@dataclass(frozen=True, slots=True)
class CountSheet:
    """Every product on the shelf, in the order of the walk, with its expected on-hand now."""

    venue: Venue
    at: datetime
    lines: tuple[SheetLine, ...]


@dataclass(frozen=True, slots=True)
class Counted:
    product: Product
    before: Quantity
    """On-hand as barback expected it just before the count."""
    after: Quantity


@dataclass(frozen=True, slots=True)
class CountSession:
    """A recorded session: its counts in sheet order, and the variance of each product that had
    a count before, the biggest loss in money first."""

    id: int
    at: datetime
    source: str
    counted: tuple[Counted, ...]
    variances: tuple[VarianceRow, ...]
    change: Change

    @property
    def venue(self) -> Venue:
        return self.change.venue


async def count_sheet(uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef) -> CountSheet:
    """The sheet to count on: every product on the shelf with the on-hand expected now."""
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        figures = await uow.queries.on_hand(place.id)
    lines = [SheetLine(f.product, f.on_hand) for f in figures]
    return CountSheet(place, now, in_sheet_order(lines))


async def record_count_session(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    entries: Sequence[CountEntry],
    actor: str,
    source: str,
    refused: Sequence[tuple[str, str]] = (),
    draft_owner: str | None = None,
) -> CountSession:
    """Count every entry at one instant, now. `refused` are entries the front-end could not read
    (a file's malformed rows): they refuse the session too, listed with the engine's own. With
    `draft_owner`, that person's draft is discarded in the same transaction.

    Raises `InvalidEntries` (each refused entry named), `InvalidInput` (nothing to count)."""
    actor = require_actor(actor)
    if source not in SOURCES:
        raise ValueError(f"a count session comes from {SOURCES}, not {source!r}")
    if len(entries) + len(refused) > MAX_ENTRIES:
        raise InvalidInput(f"a count session has at most {MAX_ENTRIES:,} products")
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        counts = await _resolve(uow, place, entries, refused, now)
        before = {f.product.id: f.on_hand for f in await uow.queries.on_hand(place.id)}
        session_id = await uow.ledger.add_count_session(
            place.id, [Count(p.id, now, q) for p, q in counts], source=source, actor=actor
        )
        counted = tuple(
            Counted(p, before.get(p.id, Quantity.zero(p.dimension)), q) for p, q in counts
        )
        levels = [Level(c.product, c.before, c.after) for c in counted]
        await after_counts(uow, place, levels, now, actor=actor)
        variances = await _variances(uow, place, counted, now)
        if draft_owner is not None:
            await uow.ledger.discard_count_draft(place.id, draft_owner)
        change = Change(
            "count.session",
            f"session {session_id}",
            None,
            {"products": str(len(counted)), "source": source},
            actor,
            now,
            place,
        )
        await commit_change(uow, change)
    return CountSession(session_id, now, source, counted, variances, change)


async def check_count_entries(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, entries: Sequence[CountEntry]
) -> tuple[tuple[str, str], ...]:
    """What `record_count_session` would refuse of these entries, (where, why) each; nothing is
    written. A form checks a page with it before turning it."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        try:
            await _resolve(uow, place, entries, (), clock.now())
        except InvalidEntries as error:
            return error.problems
        except InvalidInput:
            return ()  # nothing typed yet: nothing wrong
    return ()


async def _resolve(
    uow: UnitOfWork,
    place: Venue,
    entries: Sequence[CountEntry],
    refused: Sequence[tuple[str, str]],
    now: datetime,
) -> list[tuple[Product, Quantity]]:
    products = await uow.catalog.products(place.id, archived=True)
    by_id = {p.id: p for p in products if p.archived_at is None}
    servings = {s.name: s.quantity for s in await uow.catalog.servings(place.id, now)}
    problems = list(refused)
    chosen: dict[ProductId, tuple[str, Product, Quantity]] = {}
    for entry in entries:
        try:
            if isinstance(entry.product, str):
                product = find_product(products, entry.product)
            elif entry.product in by_id:
                product = by_id[entry.product]
            else:
                raise InvalidInput("this product is no longer in the catalog")
            amount = entry.amount
            if not isinstance(amount, QuantityLike):
                raise InvalidInput("the count is not a quantity")
            quantity = resolve_quantity(
                amount.amount,
                amount.unit,
                place.units,
                servings,
                dimension=product.dimension,
                container=product.container_size,
                allow_zero=True,
                what="count",
            ).quantity
            check_plausible(product, quantity)
            if product.id in chosen:
                raise InvalidInput(
                    f"{product.name!r} is counted twice (also {chosen[product.id][0]})"
                )
            chosen[product.id] = (entry.where, product, quantity)
        except EngineError as error:
            problems.append((entry.where, str(error)))
    if problems:
        n = len(problems)
        raise InvalidEntries(
            f"nothing was counted: {n} {'entry was' if n == 1 else 'entries were'} refused",
            problems,
        )
    if not chosen:
        raise InvalidInput("nothing to count: every product was left blank")
    order = {
        line.product.id: i
        for i, line in enumerate(in_sheet_order([SheetLine(p, q) for _, p, q in chosen.values()]))
    }
    return sorted(((p, q) for _, p, q in chosen.values()), key=lambda pq: order[pq[0].id])


async def _variances(
    uow: UnitOfWork, place: Venue, counted: Sequence[Counted], now: datetime
) -> tuple[VarianceRow, ...]:
    """Each counted product's variance between its previous count and this one (rule 8)."""
    by_id = {c.product.id: c.product for c in counted}
    one = next(iter(by_id)) if len(by_id) == 1 else None
    rows = [
        VarianceRow(by_id[v.product_id], v)
        for v in await uow.queries.variances(place.id, one)
        if v.end.at == now and v.product_id in by_id
    ]
    rows.sort(key=lambda row: (-row.variance.cost.micro, row.product.name.casefold()))
    return tuple(rows)


# --- drafts: a half-filled sheet, kept per person and venue -----------------------------------


async def count_draft(
    uow_factory: UnitOfWorkFactory, venue: VenueRef, owner: str
) -> CountDraft | None:
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        return await uow.ledger.count_draft(place.id, owner)


async def keep_count_draft(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    owner: str,
    typed: Mapping[ProductId, str],
    page: int,
) -> CountDraft:
    """Keep what `owner` typed for these products (a blank clears one) beside what the draft
    already holds for the others; `page` is the page to show next. Nothing is audited: a draft
    changes no figure."""
    owner = require_actor(owner)
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        kept = await uow.ledger.count_draft(place.id, owner)
        entries = {
            pid: text for pid, text in (kept.entries if kept else {}).items() if pid not in typed
        }
        entries.update(draft_entries(typed))
        draft = CountDraft(entries, max(page, 1), (kept.revision + 1) if kept else 1, clock.now())
        await uow.ledger.save_count_draft(place.id, owner, draft)
        await uow.commit()
    return draft


async def discard_count_draft(uow_factory: UnitOfWorkFactory, venue: VenueRef, owner: str) -> bool:
    """Forget `owner`'s half-filled sheet; False when there was none."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        gone = await uow.ledger.discard_count_draft(place.id, owner)
        await uow.commit()
    return gone
