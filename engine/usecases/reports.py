"""The reading commands: stock, sales, variance, unmapped, mappings, products, history, why,
simulate. Each reads in one unit of work, sums in the database (`Queries`) and adds the derived
figures with the pure engine (`engine.forecast`, `engine.money`). Nothing is written.

Decisions where the rules are silent:
- `sales` of a single business day is charted per venue-local hour (the hour of the day each sale
  closed, refunds at their refund time); longer periods per business day.
- `variance` with a range uses, per product, its first and last counts taken within the range's
  business days; without a range, its last two counts.
- `why` lists the latest 50 depletions since the count (and how many more there were).
- `simulate` books one sale at now against the catalog in effect now, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from engine.alerts import RecipeGuess, guess_recipe
from engine.catalog import ModifierId, PosItemId, Product
from engine.depletion import book
from engine.errors import InvalidInput, NotFound
from engine.forecast import WINDOW_DAYS, days_to_stockout, is_low, suggested_order
from engine.money import Cost, Money
from engine.ports import Clock, UnitOfWorkFactory
from engine.receipt import ModifierLine, Receipt, ReceiptLine, business_day
from engine.records import PosKind
from engine.reports import (
    HistoryReport,
    MappingsReport,
    ProductsReport,
    SalesBucket,
    SalesReport,
    SalesSlot,
    SimulationReport,
    StockReport,
    StockRow,
    UnmappedReport,
    VarianceReport,
    VarianceRow,
    WhyReport,
)
from engine.units import Dimension
from engine.usecases.common import VenueRef, find_any_product, find_product, load_venue
from engine.usecases.finding import find_modifiers, find_pos
from engine.usecases.periods import Period, PeriodLike, resolve_period, today
from engine.venue import UnitSystem, Venue

TOP_ITEMS = 10
WHY_LIMIT = 50


async def stock(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, product: str | None = None
) -> StockReport:
    """`stock [<product>]`: on-hand, low flag, days to stockout, suggested order."""
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        product_id = None
        if product is not None:
            product_id = find_product(
                await uow.catalog.products(place.id, archived=True), product
            ).id
        figures = await uow.queries.on_hand(place.id, product_id)
        day = today(place, now)
        usage = await uow.queries.daily_usage(
            place.id, day - timedelta(days=WINDOW_DAYS), day - timedelta(days=1)
        )
    rows = []
    for f in figures:
        p = f.product
        created = business_day(f.created_at, place.zone, place.day_cutoff)
        rows.append(
            StockRow(
                product=p,
                on_hand=f.on_hand,
                last_count_at=f.last_count_at,
                low=is_low(f.on_hand, p.container_size, p.reorder_at),
                days_to_stockout=days_to_stockout(f.on_hand, usage.get(p.id, {}), day, created),
                suggested_order=suggested_order(f.on_hand, p.container_size, p.par),
            )
        )
    return StockReport(place, now, day, tuple(rows))


async def sales(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    period: PeriodLike | None = None,
    *,
    top: int = TOP_ITEMS,
) -> SalesReport:
    """`sales [today|yesterday|week|month|<date>|<date>..<date>]` (default today)."""
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        first, last = resolve_period(period or Period("today"), today(place, now))
        figures = await uow.queries.sales(place.id, place.currency, first, last, top=top)
        if first == last:
            slots = await uow.queries.sales_by_quarter_hour(place.id, place.currency, first)
            buckets = _hours(place, first, slots)
        else:
            slots = await uow.queries.sales_by_day(place.id, place.currency, first, last)
            buckets = _days(place, first, last, slots)
    return SalesReport(
        venue=place,
        first=first,
        last=last,
        net_sales=figures.net_sales,
        refunds=figures.refunds,
        cogs=figures.cogs,
        receipts=figures.receipts,
        lines=figures.lines,
        items=figures.items,
        granularity="hour" if first == last else "day",
        buckets=buckets,
    )


def day_start(place: Venue, day: date) -> datetime:
    """The instant business day `day` begins: its cutoff, venue-local, as UTC."""
    local = datetime.combine(day, place.day_cutoff).replace(tzinfo=place.zone)
    return local.astimezone(UTC)


def _hours(place: Venue, day: date, slots: Sequence[SalesSlot]) -> tuple[SalesBucket, ...]:
    """Every hour of the business day (23 or 25 across a DST change), from the cutoff."""
    start, end = day_start(place, day), day_start(place, day + timedelta(days=1))
    hours = int((end - start).total_seconds()) // 3600
    totals = [[0, 0] for _ in range(hours)]
    for slot in slots:
        assert isinstance(slot.start, datetime)
        index = int((slot.start - start).total_seconds()) // 3600
        index = min(max(index, 0), hours - 1)
        totals[index][0] += slot.net_sales.minor
        totals[index][1] += slot.cogs.micro
    return tuple(
        SalesBucket(
            day,
            (start + timedelta(hours=i)).astimezone(place.zone),
            Money(net, place.currency),
            Cost(cogs, place.currency),
        )
        for i, (net, cogs) in enumerate(totals)
    )


def _days(
    place: Venue, first: date, last: date, slots: Sequence[SalesSlot]
) -> tuple[SalesBucket, ...]:
    """Every business day of the period, zero where nothing sold."""
    by_day = {slot.start: slot for slot in slots}
    buckets = []
    day = first
    while day <= last:
        slot = by_day.get(day)
        buckets.append(
            SalesBucket(
                day,
                datetime.combine(day, place.day_cutoff).replace(tzinfo=place.zone),
                slot.net_sales if slot else Money.zero(place.currency),
                slot.cogs if slot else Cost.zero(place.currency),
            )
        )
        day += timedelta(days=1)
    return tuple(buckets)


async def variance(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    product: str | None = None,
    period: PeriodLike | None = None,
) -> VarianceReport:
    """`variance [<product>] [<date>..<date>]` (rule 8)."""
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        # Removed products keep their variance: history stays as it was reported.
        products = list(await uow.catalog.products(place.id, archived=True))
        if product is not None:
            products = [find_any_product(products, product)]
        window = first = last = None
        if period is not None:
            first, last = resolve_period(period, today(place, now))
            window = (day_start(place, first), day_start(place, last + timedelta(days=1)))
        product_id = products[0].id if product is not None else None
        found = await uow.queries.variances(place.id, product_id, window)
    by_id = {p.id: p for p in products}
    rows = tuple(VarianceRow(by_id[v.product_id], v) for v in found if v.product_id in by_id)
    seen = {row.product.id for row in rows}
    without = tuple(p for p in products if p.id not in seen and p.archived_at is None)
    return VarianceReport(place, first, last, rows, without)


async def unmapped(
    uow_factory: UnitOfWorkFactory,
    venue: VenueRef,
    clock: Clock | None = None,
    *,
    menu: bool = False,
) -> UnmappedReport:
    """`unmapped [--all]`: POS items and modifiers seen without a mapping, most frequent first, each
    with the best guess at what it pours, given a `clock` (`guess_recipe`; the venue's first
    product when no name matches, so the suggested command always names a real product); with
    `menu`, also what is on the POS's menu and never sold."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        sightings = await uow.queries.unmapped(place.id)
        never = await uow.queries.never_sold(place.id) if menu else ()
        products = await uow.catalog.products(place.id)
        servings = [] if clock is None else await uow.catalog.servings(place.id, clock.now())
    guesses = {}
    for s in sightings if clock is not None else ():
        found = guess_recipe(s.name, products, servings) or guess_recipe(
            products[0].name if products else "", products[:1], servings
        )
        guesses[s.name.casefold()] = tuple(
            RecipeGuess(g.product, g.quantity or _some(place, products, g.product)) for g in found
        )
    return UnmappedReport(
        place,
        tuple(s for s in sightings if s.kind is PosKind.ITEM),
        tuple(s for s in sightings if s.kind is PosKind.MODIFIER),
        tuple(never),
        guesses,
    )


def _some(place: Venue, products: Sequence[Product], name: str) -> str:
    """A typical pour of a product for a guess that found no serving: 1 oz (30 ml), 1 each, 10 g."""
    product = next(p for p in products if p.name == name)
    if product.dimension is Dimension.COUNT:
        return "1 each"
    if product.dimension is Dimension.MASS:
        return "10 g"
    return "30 ml" if place.units is UnitSystem.METRIC else "1 oz"


async def mappings(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, pos_item: str | None = None
) -> MappingsReport:
    """`mappings [<pos item>]`: what each POS item depletes now, and the modifier rules."""
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        row_id = None
        if pos_item is not None:
            things = await uow.catalog.pos_things(place.id, PosKind.ITEM)
            row_id = find_pos(things, pos_item, PosKind.ITEM).id
        items, rules = await uow.queries.mappings(place.id, now, row_id)
        names = {p.id: p.name for p in await uow.catalog.products(place.id, archived=True)}
        servings = {s.name: s.quantity for s in await uow.catalog.servings(place.id, now)}
    return MappingsReport(place, tuple(items), tuple(rules), names, servings)


async def products(uow_factory: UnitOfWorkFactory, venue: VenueRef) -> ProductsReport:
    """`products`: the product list."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        return ProductsReport(place, tuple(await uow.catalog.products(place.id)))


async def history(uow_factory: UnitOfWorkFactory, venue: VenueRef, n: int = 20) -> HistoryReport:
    """`history [<n>]`: the latest changes, newest first."""
    if n < 1:
        raise InvalidInput(f"history {n} shows nothing", hint="e.g. history 20")
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        return HistoryReport(place, tuple(await uow.queries.history(place.id, n)))


async def why(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, product: str
) -> WhyReport:
    """`why "<product>"`: the ledger behind on-hand since the last count."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        found = find_any_product(await uow.catalog.products(place.id, archived=True), product)
        figures = await uow.queries.ledger(place.id, found.id, WHY_LIMIT)
    return WhyReport(
        venue=place,
        product=found,
        on_hand=figures.on_hand,
        count=figures.count,
        receivings=figures.receivings,
        waste=figures.waste,
        sales=figures.sales,
        depleted=figures.depleted,
        omitted=figures.omitted,
    )


async def simulate(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    pos_item: str,
    modifiers: Sequence[str] = (),
) -> SimulationReport:
    """`simulate "<pos item>" [with "<modifier>" ...]`: what one sale would deplete and cost."""
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        item = find_pos(
            await uow.catalog.pos_things(place.id, PosKind.ITEM), pos_item, PosKind.ITEM
        )
        known = await uow.catalog.pos_things(place.id, PosKind.MODIFIER)
        mods = find_modifiers(known, modifiers)
        catalog = await uow.catalog.view_at(
            place.id,
            item.provider,
            now,
            {PosItemId(item.external_id)},
            {ModifierId(m.external_id) for m in mods},
        )
        if catalog.recipe(PosItemId(item.external_id)) is None:
            raise NotFound(f"{item.name!r} is not mapped", hint=f'map "{item.name}" = ...')
        names = {p.id: p.name for p in await uow.catalog.products(place.id, archived=True)}
    line = ReceiptLine(
        "1",
        PosItemId(item.external_id),
        item.name,
        1000,
        0,
        tuple(ModifierLine(ModifierId(m.external_id), m.name) for m in mods),
    )
    receipt = Receipt(item.provider, "simulate", 1, now, place.currency, (line,))
    booking = book(receipt, catalog, frozenset(), venue=place)
    return SimulationReport(
        venue=place,
        pos_item=item,
        modifiers=mods,
        at=now,
        movements=booking.lines[0].movements,
        product_names=names,
        unmapped=booking.unmapped,
    )
