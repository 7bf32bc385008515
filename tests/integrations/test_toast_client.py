"""`ToastClient` and the shared `PosApi`/`ClientCredentialsTokens` against FakeToast."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from app.webhook_metrics import WebhookMetrics
from integrations.api_calls import PosApi
from integrations.client_credentials import ClientCredentialsTokens
from integrations.errors import NotConnected, UpstreamUnavailable
from integrations.toast.client import ToastClient, toast_time
from tests.engine.usecases_world import FakeClock
from tests.integrations.fakes.toast import RESTAURANT, FakeToast
from tests.integrations.fakes.toast_orders import make_check, make_order, make_selection

T0 = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)


class Toast:
    def __init__(self, fake: FakeToast, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.registry = CollectorRegistry()
        self.metrics = WebhookMetrics(self.registry)
        self.waits: list[float] = []

        async def sleep(seconds: float) -> None:
            self.waits.append(seconds)

        api = PosApi(session, fake.base_url, "toast", observer=self.metrics, sleep=sleep)
        self.client = ToastClient(api)

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, {"provider": "toast", **labels}) or 0.0

    async def token(self) -> str:
        return (await self.client.login(self.fake.client_id, self.fake.client_secret, T0)).value


@pytest.fixture
async def toast() -> AsyncIterator[Toast]:
    async with FakeToast() as fake, aiohttp.ClientSession() as session:
        fake.grant(RESTAURANT)
        yield Toast(fake, session)


def order(n: int, modified: datetime) -> dict[str, object]:
    check = make_check(f"check-{n}", [make_selection(f"sel-{n}", "item", "Shot", price=800)],
                       opened=modified, paid=modified, modified=modified)  # fmt: skip
    return make_order(f"order-{n}", [check], opened=modified, modified=modified, paid=modified)


async def test_login_gives_the_machine_clients_token(toast: Toast) -> None:
    token = await toast.client.login(toast.fake.client_id, toast.fake.client_secret, T0)
    assert token.expires_at == T0 + timedelta(seconds=86_400)
    assert token.value in toast.fake.tokens
    assert token.value not in repr(token)
    assert len(toast.fake.calls("/authentication/v1/authentication/login")) == 1
    with pytest.raises(NotConnected, match=r"Toast POST /authentication/v1/authentication/login"):
        await toast.client.login(toast.fake.client_id, "wrong", T0)
    assert toast.metric("barback_pos_api_errors_total", kind="not_connected") == 1


async def test_the_token_is_renewed_in_its_last_minute_and_shared(toast: Toast) -> None:
    clock = FakeClock(T0)
    toast.fake.now = clock.now
    toast.fake.token_seconds = 600

    async def login() -> object:
        return await toast.client.login(toast.fake.client_id, toast.fake.client_secret, clock.now())

    tokens = ClientCredentialsTokens(login, clock.now)  # type: ignore[arg-type]
    first = await asyncio.gather(*(tokens.token() for _ in range(10)))
    assert len(set(first)) == 1 and toast.fake.logins == 1  # one login for ten callers
    clock.advance(seconds=539)  # 61 s left: still good
    assert await tokens.token() == first[0]
    clock.advance(seconds=1)  # 60 s left: Toast asks for a new one in the last minute
    renewed = await tokens.token()
    assert renewed != first[0] and toast.fake.logins == 2
    tokens.forget(first[0])  # an old value does not drop the new token
    assert await tokens.token() == renewed
    tokens.forget(renewed)
    assert await tokens.token() != renewed and toast.fake.logins == 3


async def test_restaurants_lists_those_that_gave_access(toast: Toast) -> None:
    toast.fake.grant("1e2d3c4b-0000-4000-8000-000000000001", "Uptown")
    found = await toast.client.restaurants(await toast.token())
    assert [(r.guid, r.name) for r in found] == [
        (RESTAURANT, "The Fake Tap Room"),
        ("1e2d3c4b-0000-4000-8000-000000000001", "Uptown"),
    ]


async def test_orders_bulk_pages_through_link_headers(toast: Toast) -> None:
    start = T0 - timedelta(hours=3)
    for n in range(230):
        toast.fake.put_order(RESTAURANT, order(n, start + timedelta(seconds=n)))
    toast.fake.put_order(RESTAURANT, order(999, T0 + timedelta(hours=1)))  # outside the window
    token = await toast.token()
    seen, pages, page = [], [], 1
    while page is not None:
        result = await toast.client.orders_bulk(token, RESTAURANT, start, T0, page)
        seen += [o["guid"] for o in result.orders]
        pages.append(page)
        page = result.next_page
    assert pages == [1, 2, 3]
    assert seen == [f"order-{n}" for n in range(230)]  # oldest modification first, each once
    calls = toast.fake.calls("/orders/v2/ordersBulk")
    assert calls[0].query == {
        "startDate": toast_time(start),
        "endDate": "2026-11-21T23:00:00.000+0000",
        "pageSize": "100",
        "page": "1",
    }
    assert {c.headers["Toast-Restaurant-External-ID"] for c in calls} == {RESTAURANT}
    assert toast.metric("barback_pos_orders_fetched_total") == 230


async def test_a_restaurant_without_access_and_an_expired_token_are_not_connected(
    toast: Toast,
) -> None:
    token = await toast.token()
    with pytest.raises(NotConnected, match="403"):
        await toast.client.orders_bulk(token, "no-such-restaurant", T0, T0)
    toast.fake.expire_tokens()
    with pytest.raises(NotConnected, match="401"):
        await toast.client.order(token, RESTAURANT, "order-1")


async def test_a_short_429_is_waited_out_and_counted(toast: Toast) -> None:
    token = await toast.token()
    toast.fake.put_order(RESTAURANT, order(1, T0))
    toast.fake.rate_limit(2, retry_after=1)
    fetched = await toast.client.order(token, RESTAURANT, "order-1")
    assert fetched["guid"] == "order-1"
    assert toast.waits == [1.0, 1.0]
    assert toast.metric("barback_pos_api_rate_limited_total") == 2


async def test_a_long_or_endless_429_fails_the_call_with_its_retry_after(toast: Toast) -> None:
    token = await toast.token()
    toast.fake.rate_limit(1, retry_after=120)
    with pytest.raises(UpstreamUnavailable) as waited:
        await toast.client.restaurants(token)
    assert waited.value.retry_after == 120 and toast.waits == []
    toast.fake.rate_limit(3, retry_after=1)
    with pytest.raises(UpstreamUnavailable, match="rate limited"):
        await toast.client.restaurants(token)
    assert toast.waits == [1.0, 1.0]


async def test_an_outage_and_a_timeout_are_unavailable(toast: Toast) -> None:
    token = await toast.token()
    toast.fake.outage(1)
    with pytest.raises(UpstreamUnavailable, match="answered 503"):
        await toast.client.restaurants(token)
    assert toast.metric("barback_pos_api_errors_total", kind="unavailable") == 1
    async with aiohttp.ClientSession() as session:
        api = PosApi(session, toast.fake.base_url, "toast", timeout=0.2)
        toast.fake.stall(1, 2.0)
        with pytest.raises(UpstreamUnavailable, match="TimeoutError"):
            await ToastClient(api).restaurants(token)


def test_toast_time_has_milliseconds_and_an_offset() -> None:
    at = datetime(2024, 5, 24, 2, 14, 5, 902_345, tzinfo=UTC)
    assert toast_time(at) == "2024-05-24T02:14:05.902+0000"
    with pytest.raises(ValueError):
        toast_time(datetime(2024, 5, 24))
