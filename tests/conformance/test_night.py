"""The night, delivered as each POS delivers it, books exactly as worked by hand in `night.py`:
in order, twice over, racing, newest version first, and with the refund before its sale."""

from __future__ import annotations

from tests.conformance.adapter import Delivery, PosAdapter
from tests.conformance.bar import Bar
from tests.conformance.night import EXPECTED


def sales(pos: PosAdapter, bar: Bar) -> list[Delivery]:
    return [delivery for order in bar.night.orders for delivery in pos.sale(order)]


def refunds(pos: PosAdapter, bar: Bar) -> list[Delivery]:
    return [delivery for refund in bar.night.refunds for delivery in pos.refund(refund)]


async def test_the_night_books_as_worked_by_hand(bar: Bar, pos: PosAdapter) -> None:
    deliveries = sales(pos, bar) + refunds(pos, bar)
    assert set(await bar.post_all(deliveries)) == {200}
    await bar.settled()
    assert await bar.books() == EXPECTED
    states = {event.state.value for event in await bar.events()}
    assert states <= {"done", "skipped"}, states
    assert await bar.metric("barback_webhook_events_received_total", provider=pos.name) == len(
        deliveries
    )


async def test_every_delivery_twice_books_the_same(bar: Bar, pos: PosAdapter) -> None:
    deliveries = sales(pos, bar) + refunds(pos, bar)
    first = [await bar.post(delivery) for delivery in deliveries]
    await bar.settled()
    again = [await bar.post(delivery) for delivery in deliveries]
    assert {status for status, _ in first + again} == {200}
    assert {answer["status"] for _, answer in again} == {"duplicate"}
    await bar.settled()
    assert await bar.stored() == len(deliveries)
    assert await bar.books() == EXPECTED


async def test_concurrent_deliveries_of_one_order_book_it_once(bar: Bar, pos: PosAdapter) -> None:
    for order in bar.night.orders:
        assert set(await bar.race(pos.sale(order) * 3)) == {200}
    await bar.settled()
    assert set(await bar.post_all(refunds(pos, bar))) == {200}
    await bar.settled()
    assert await bar.books() == EXPECTED


async def test_versions_newest_first_book_as_the_newest(bar: Bar, pos: PosAdapter) -> None:
    for order in bar.night.orders:
        versions = pos.versions(order)
        assert len(versions) >= 2
        assert set(await bar.post_all(versions[::-1])) == {200}
    await bar.settled()
    assert set(await bar.post_all(refunds(pos, bar))) == {200}
    await bar.settled()
    assert await bar.books() == EXPECTED


async def test_a_refund_before_its_sale_waits_for_it(bar: Bar, pos: PosAdapter) -> None:
    assert set(await bar.post_all(refunds(pos, bar))) == {200}
    assert set(await bar.post_all(sales(pos, bar))) == {200}
    await bar.settled()
    assert await bar.books() == EXPECTED
    assert {event.state.value for event in await bar.events()} <= {"done", "skipped"}
