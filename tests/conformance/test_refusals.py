"""Deliveries barback must refuse at the door, storing nothing, or store and set aside
(webhooks.md: 401 for a bad or stale signature, 413 over 1 MiB, an unknown account as the POS's
section says)."""

from __future__ import annotations

import pytest

from tests.conformance.adapter import Delivery, PosAdapter
from tests.conformance.bar import Bar
from tests.conformance.night import EXPECTED

MAX_BODY_BYTES = 1024 * 1024


async def test_a_forged_signature_is_401_and_stores_nothing(bar: Bar, pos: PosAdapter) -> None:
    order = bar.night.orders[0]
    for delivery in pos.sale(order):
        status, answer = await bar.post(pos.forge(delivery))
        assert (status, answer.get("error")) == (401, "signature_invalid")
    assert await bar.stored() == 0
    rejected = await bar.metric("barback_webhook_events_rejected_total", provider=pos.name)
    assert rejected == len(pos.sale(order))


@pytest.mark.needs("signed_time")
async def test_a_stale_signature_is_401_and_stores_nothing(bar: Bar, pos: PosAdapter) -> None:
    status, answer = await bar.post(pos.stale(bar.night.orders[0]))
    assert (status, answer.get("error")) == (401, "signature_invalid")
    assert await bar.stored() == 0


async def test_a_body_over_1_mib_is_413_and_stores_nothing(bar: Bar, pos: PosAdapter) -> None:
    delivery = pos.sale(bar.night.orders[0])[0]
    padded = delivery.body + b" " * (MAX_BODY_BYTES + 1 - len(delivery.body))
    status, answer = await bar.post(Delivery(delivery.path, padded, delivery.headers))
    assert (status, answer.get("error")) == (413, "too_large")
    assert await bar.stored() == 0


async def test_an_unknown_account_is_answered_as_promised_and_books_nothing(
    bar: Bar, pos: PosAdapter
) -> None:
    status, _ = await bar.post(pos.foreign(bar.night.orders[0]))
    assert status == pos.unknown_account
    await bar.settled()
    if status == 200:  # stored with no venue, set aside with the reason, replayable later
        [event] = await bar.events()
        assert (event.venue_id, event.state.value) == (None, "skipped")
        assert "not connected" in (event.last_error or "")
    else:
        assert await bar.stored() == 0
    books = await bar.books()
    assert (books.receipts, books.lines, books.net_sales) == (0, 0, 0)


async def test_refused_deliveries_leave_the_night_untouched(bar: Bar, pos: PosAdapter) -> None:
    orders = bar.night.orders
    forged = [pos.forge(delivery) for order in orders for delivery in pos.sale(order)]
    assert set(await bar.post_all(forged)) == {401}
    good = [d for order in orders for d in pos.sale(order)]
    good += [d for refund in bar.night.refunds for d in pos.refund(refund)]
    assert set(await bar.post_all(good)) == {200}
    await bar.settled()
    assert await bar.books() == EXPECTED
