"""The POS's API misbehaving: an outage, a lost webhook, reconciliation through an outage."""

from __future__ import annotations

import pytest

from tests.conformance.adapter import PosAdapter
from tests.conformance.bar import Bar
from tests.conformance.night import MARGARITA_COGS, SHOT

EXTRA = (1, 2, 2000, SHOT + MARGARITA_COGS)
"""The extra order's books: one receipt, Tito's Shot $8.00 and Margarita $12.00."""


async def totals(bar: Bar) -> tuple[int, int, int, int]:
    books = await bar.books()
    return books.receipts, books.lines, books.net_sales, books.cogs


@pytest.mark.needs("fetch")
async def test_an_api_outage_delays_a_webhook_then_it_books(bar: Bar, pos: PosAdapter) -> None:
    pos.outage(3)
    assert set(await bar.post_all(pos.sale(bar.night.extra)[:1])) == {200}
    await bar.settled()
    assert await totals(bar) == EXTRA
    [event] = await bar.events()
    assert event.state.value == "done" and event.attempts >= 1  # failed, retried, booked


@pytest.mark.needs("reconcile")
async def test_a_missed_webhook_is_caught_by_reconciliation(bar: Bar, pos: PosAdapter) -> None:
    pos.hold(bar.night.extra)
    await pos.reconcile(bar)
    assert await totals(bar) == EXTRA
    await pos.reconcile(bar)  # the overlap sees it again: nothing more
    late = pos.sale(bar.night.extra)  # the webhook turns up after all
    assert set(await bar.post_all(late)) == {200}
    await bar.settled()
    assert await totals(bar) == EXTRA


@pytest.mark.needs("reconcile")
async def test_reconciliation_through_an_outage_books_on_the_next_run(
    bar: Bar, pos: PosAdapter
) -> None:
    pos.hold(bar.night.extra)
    pos.outage(1000)
    await pos.reconcile(bar)  # fails, logged; its window is kept
    assert (await totals(bar))[0] == 0
    pos.outage(0)
    await pos.reconcile(bar)
    assert await totals(bar) == EXTRA


@pytest.mark.needs("reconcile")
async def test_a_rate_limit_is_waited_out_and_counted(bar: Bar, pos: PosAdapter) -> None:
    pos.hold(bar.night.extra)
    pos.rate_limit(1, retry_after=1)
    for _ in range(3):  # a POS client may wait the Retry-After out, or fail the run and retry
        await pos.reconcile(bar)
        if (await totals(bar))[0]:
            break
    assert await totals(bar) == EXTRA
    assert await bar.metric("barback_pos_api_rate_limited_total", provider=pos.name) == 1
    assert await bar.metric("barback_pos_orders_fetched_total", provider=pos.name) >= 1
