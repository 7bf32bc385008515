"""`CloverClient` against the fake Clover on a real local socket."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from integrations.api_calls import PosApi
from integrations.clover.accounts import Merchant
from integrations.clover.client import ORDER_EXPAND, CloverClient
from integrations.clover.normalize import Normalized, normalize_order
from integrations.errors import NotConnected, UpstreamRejected, UpstreamUnavailable
from tests.integrations.fakes.clover import APP_SECRET, FakeClover
from tests.integrations.fakes.clover_orders import (
    APP_ID,
    MERCHANT_ID,
    make_line,
    make_modification,
    make_order,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
async def clover() -> AsyncIterator[FakeClover]:
    async with FakeClover(now=lambda: NOW) as fake:
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


class Sleeps:
    def __init__(self) -> None:
        self.waited: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waited.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


class Counted:
    """What the client tells `/metrics` (an `ApiObserver`; the app's `WebhookMetrics`)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.orders = 0

    def api_error(self, provider: str, kind: str) -> None:
        assert provider == "clover"
        self.errors.append(kind)

    def fetched(self, provider: str, orders: int) -> None:
        assert provider == "clover"
        self.orders += orders


@pytest.fixture
def counted() -> Counted:
    return Counted()


def make_client(
    clover: FakeClover,
    session: aiohttp.ClientSession,
    *,
    timeout: float = 2,
    sleeps: Sleeps | None = None,
    counted: Counted | None = None,
) -> CloverClient:
    api = PosApi(
        session, clover.base_url + "/", "clover", observer=counted, timeout=timeout,
        sleep=sleeps or Sleeps(),
    )  # fmt: skip
    return CloverClient(api, clover.base_url + "/")


@pytest.fixture
def client(
    clover: FakeClover, session: aiohttp.ClientSession, sleeps: Sleeps, counted: Counted
) -> CloverClient:
    return make_client(clover, session, sleeps=sleeps, counted=counted)


def modified_at(minute: int) -> int:
    return int((NOW - timedelta(hours=1) + timedelta(minutes=minute)).timestamp() * 1000)


def order(order_id: str, minute: int = 0) -> dict[str, object]:
    double = make_modification("M1", "Double", 400, "DBL")
    lines = [make_line("L1", "Old Fashioned", 1200, item_id="OF", modifications=[double])]
    return make_order(order_id, lines=lines, modified=modified_at(minute))


async def test_an_order_comes_with_what_booking_needs(
    clover: FakeClover, client: CloverClient, counted: Counted
) -> None:
    clover.add_order(order("ORD1"))
    fetched = await client.get_order(clover.grant(), MERCHANT_ID, "ORD1")
    [call] = clover.calls("/v3/merchants/")
    assert call.path == f"/v3/merchants/{MERCHANT_ID}/orders/ORD1"
    assert call.query == [("expand", ORDER_EXPAND)]
    assert call.headers["Authorization"].startswith("Bearer fake-access-")
    result = normalize_order(fetched)
    assert isinstance(result, Normalized)
    (line,) = result.booked[0].lines  # type: ignore[union-attr]
    assert (line.net_amount, [m.name for m in line.modifiers]) == (1600, ["Double"])
    assert counted.orders == 1


async def test_a_payment_names_its_order(clover: FakeClover, client: CloverClient) -> None:
    clover.add_order(order("ORD1"))
    assert await client.order_of_payment(clover.grant(), MERCHANT_ID, "PORD1") == "ORD1"


async def test_orders_are_listed_by_modified_time_page_by_page(
    clover: FakeClover, client: CloverClient, counted: Counted
) -> None:
    for minute in range(6):
        clover.add_order(order(f"ORD{minute}", minute))
    token = clover.grant()
    since, before = NOW - timedelta(minutes=59), NOW - timedelta(minutes=55)  # minutes 1 to 4
    pages = [
        await client.list_orders(token, MERCHANT_ID, since, before, offset=offset, limit=3)
        for offset in (0, 3)
    ]
    assert [len(page) for page in pages] == [3, 1]
    assert sorted(o["id"] for page in pages for o in page) == ["ORD1", "ORD2", "ORD3", "ORD4"]
    filters = [v for k, v in clover.calls("/v3/")[0].query if k == "filter"]
    assert filters == [f"modifiedTime>={modified_at(1)}", f"modifiedTime<{modified_at(5)}"]
    assert all("lineItems" in o for page in pages for o in page)  # expanded like one order
    assert counted.orders == 4


async def test_a_short_rate_limit_is_waited_out(
    clover: FakeClover, client: CloverClient, sleeps: Sleeps, counted: Counted
) -> None:
    clover.add_order(order("ORD1"))
    clover.rate_limit(1, retry_after=0.5)
    clover.rate_limit(1, retry_after=2)
    assert (await client.get_order(clover.grant(), MERCHANT_ID, "ORD1"))["id"] == "ORD1"
    assert sleeps.waited == [0.5, 2]
    assert len(clover.calls("/v3/")) == 3
    assert counted.errors == ["rate_limited", "rate_limited"]


async def test_a_long_or_lasting_rate_limit_is_left_to_the_retries(
    clover: FakeClover, client: CloverClient, sleeps: Sleeps
) -> None:
    clover.rate_limit(1, retry_after=60)
    with pytest.raises(UpstreamUnavailable) as long_wait:
        await client.get_order(clover.grant(), MERCHANT_ID, "ORD1")
    assert long_wait.value.retry_after == 60 and sleeps.waited == []
    clover.rate_limit(3, retry_after=0)
    with pytest.raises(UpstreamUnavailable, match="rate limited"):
        await client.get_order(clover.grant(), MERCHANT_ID, "ORD1")
    assert sleeps.waited == [0, 0]
    clover.rate_limit(1, retry_after=None)  # says no time: left to the retries too
    with pytest.raises(UpstreamUnavailable, match="rate limited"):
        await client.get_order(clover.grant(), MERCHANT_ID, "ORD1")


async def test_outages_and_slow_answers_are_unavailable(
    clover: FakeClover, session: aiohttp.ClientSession
) -> None:
    client = make_client(clover, session, timeout=0.2)
    clover.outage(1)
    with pytest.raises(UpstreamUnavailable, match="answered 503"):
        await client.get_order(clover.grant(), MERCHANT_ID, "ORD1")
    clover.stall(1, 1.0)
    with pytest.raises(UpstreamUnavailable, match="TimeoutError"):
        await client.get_order(clover.grant(), MERCHANT_ID, "ORD1")


async def test_bad_expired_or_foreign_tokens_are_not_connected(
    clover: FakeClover, client: CloverClient
) -> None:
    clover.add_order(order("ORD1"))
    for token in (
        "not-a-token",
        clover.grant(lifetime=timedelta(seconds=-1)),
        clover.grant("OTHERMERCHANT"),
    ):
        with pytest.raises(NotConnected):
            await client.get_order(token, MERCHANT_ID, "ORD1")


async def test_an_unknown_order_is_rejected_as_404(
    clover: FakeClover, client: CloverClient
) -> None:
    with pytest.raises(UpstreamRejected) as missing:
        await client.get_order(clover.grant(), MERCHANT_ID, "NOSUCHORDER")
    assert missing.value.status == 404


async def test_a_code_becomes_an_expiring_pair_once(
    clover: FakeClover, client: CloverClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = clover.issue_code()
    token = await client.obtain_token(code, APP_ID, APP_SECRET)
    assert token.access_expires_at == NOW + timedelta(minutes=30)
    assert token.refresh_expires_at == NOW + timedelta(days=365)
    assert clover.access_tokens[token.access_token][0] == MERCHANT_ID
    assert token.access_token not in repr(token)
    with pytest.raises(NotConnected):
        await client.obtain_token(code, APP_ID, APP_SECRET)  # a code is single use
    with pytest.raises(NotConnected):
        await client.obtain_token(clover.issue_code(), APP_ID, "not-the-secret")
    assert token.access_token not in caplog.text and APP_SECRET not in caplog.text
    assert await client.merchant(token.access_token, MERCHANT_ID) == Merchant(
        MERCHANT_ID, "The Fake Tap Room"
    )


async def test_a_refresh_token_is_spent_by_its_refresh(
    clover: FakeClover, client: CloverClient
) -> None:
    first = await client.obtain_token(clover.issue_code(), APP_ID, APP_SECRET)
    assert first.refresh_token is not None
    second = await client.refresh_token(first.refresh_token, APP_ID)
    assert second.refresh_token not in (None, first.refresh_token)
    assert second.access_token != first.access_token
    with pytest.raises(NotConnected):
        await client.refresh_token(first.refresh_token, APP_ID)
