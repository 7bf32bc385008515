"""`SquareClient` against the fake Square API on a real local socket."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from integrations.errors import BadPayload, NotConnected, UpstreamRejected, UpstreamUnavailable
from integrations.square.accounts import Location, Merchant
from integrations.square.client import SQUARE_VERSION, SquareClient
from tests.integrations.fakes.square import (
    CLIENT_ID,
    CLIENT_SECRET,
    LOCATION_ID,
    MERCHANT_ID,
    FakeSquare,
    make_line,
    make_order,
)

NOW = datetime(2024, 5, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare(now=lambda: NOW) as fake:
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


@pytest.fixture
def client(square: FakeSquare, session: aiohttp.ClientSession) -> SquareClient:
    return SquareClient(session, square.base_url + "/", timeout=2)


def order_at(
    order_id: str, minute: int, *, state: str = "COMPLETED", location_id: str = LOCATION_ID
) -> dict[str, Any]:
    at = f"2024-05-24T02:{minute:02d}:00.000Z"
    lines = [make_line("l1", "Beer", 600)]
    return make_order(
        order_id, lines=lines, updated_at=at, closed_at=at, state=state, location_id=location_id
    )


# -- orders --------------------------------------------------------------------------------------


async def test_batch_retrieve_returns_the_orders_and_sends_token_and_version(
    square: FakeSquare, client: SquareClient
) -> None:
    token = square.grant()
    square.add_order(order_at("O-1", 1))
    square.add_order(order_at("O-2", 2))
    orders = await client.batch_retrieve_orders(token, LOCATION_ID, ["O-2", "O-404", "O-1"])
    assert [order["id"] for order in orders] == ["O-2", "O-1"]
    (call,) = square.calls("/v2/orders/batch-retrieve")
    assert call.method == "POST"
    assert call.headers["Authorization"] == f"Bearer {token}"
    assert call.headers["Square-Version"] == SQUARE_VERSION
    assert call.body == {"order_ids": ["O-2", "O-404", "O-1"], "location_id": LOCATION_ID}


async def test_batch_retrieve_without_a_location_and_with_nothing_found(
    square: FakeSquare, client: SquareClient
) -> None:
    assert await client.batch_retrieve_orders(square.grant(), None, ["O-404"]) == []
    assert square.calls("/v2/orders/batch-retrieve")[0].body == {"order_ids": ["O-404"]}


@pytest.mark.parametrize("count", [0, 101])
async def test_batch_retrieve_takes_one_to_a_hundred_ids(client: SquareClient, count: int) -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        await client.batch_retrieve_orders("t", None, [f"O-{i}" for i in range(count)])


async def test_search_pages_through_completed_orders_by_update_time(
    square: FakeSquare, client: SquareClient
) -> None:
    token = square.grant()
    for minute in (5, 1, 4, 2, 3):
        square.add_order(order_at(f"O-{minute}", minute))
    square.add_order(order_at("O-open", 6, state="OPEN"))
    square.add_order(order_at("O-old", 0))
    square.add_order(order_at("O-elsewhere", 3, location_id="L-OTHER"))
    since = datetime(2024, 5, 24, 2, 1, tzinfo=UTC)

    seen: list[object] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await client.search_orders(token, [LOCATION_ID], since, cursor, limit=2)
        seen.extend(order["id"] for order in page.orders)
        pages += 1
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == ["O-1", "O-2", "O-3", "O-4", "O-5"]
    assert pages == 3
    first = square.calls("/v2/orders/search")[0].body
    assert first == {
        "location_ids": [LOCATION_ID],
        "query": {
            "filter": {
                "state_filter": {"states": ["COMPLETED"]},
                "date_time_filter": {"updated_at": {"start_at": "2024-05-24T02:01:00Z"}},
            },
            "sort": {"sort_field": "UPDATED_AT", "sort_order": "ASC"},
        },
        "limit": 2,
        "return_entries": False,
    }


async def test_search_with_an_upper_bound(square: FakeSquare, client: SquareClient) -> None:
    token = square.grant()
    for minute in (1, 2, 3):
        square.add_order(order_at(f"O-{minute}", minute))
    since = datetime(2024, 5, 23, 18, 0, tzinfo=ZoneInfo("America/New_York"))
    page = await client.search_orders(
        token, [LOCATION_ID], since, updated_until=datetime(2024, 5, 24, 2, 2, tzinfo=UTC)
    )
    assert [order["id"] for order in page.orders] == ["O-1", "O-2"]
    assert page.cursor is None
    sent = square.calls("/v2/orders/search")[0].body
    assert sent is not None
    window = sent["query"]["filter"]["date_time_filter"]
    assert window == {
        "updated_at": {"start_at": "2024-05-23T22:00:00Z", "end_at": "2024-05-24T02:02:00Z"}
    }


async def test_search_with_nothing_found_is_an_empty_last_page(
    square: FakeSquare, client: SquareClient
) -> None:
    page = await client.search_orders(square.grant(), [LOCATION_ID], NOW)
    assert (page.orders, page.cursor) == ((), None)


async def test_search_refuses_a_naive_time_and_too_many_locations(client: SquareClient) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await client.search_orders("t", [LOCATION_ID], datetime(2024, 5, 24))
    with pytest.raises(ValueError, match="1 to 10"):
        await client.search_orders("t", [f"L{i}" for i in range(11)], NOW)


# -- OAuth and the account -----------------------------------------------------------------------


async def test_obtain_and_refresh_a_token(square: FakeSquare, client: SquareClient) -> None:
    code = square.issue_code()
    token = await client.obtain_token(code, CLIENT_ID, CLIENT_SECRET, "https://bar.example/cb")
    assert token.merchant_id == MERCHANT_ID
    assert token.expires_at == NOW + timedelta(days=30)
    assert token.refresh_token is not None
    assert square.access_tokens[token.access_token] == MERCHANT_ID
    assert square.calls("/oauth2/token")[0].body == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "https://bar.example/cb",
    }
    refreshed = await client.refresh_token(token.refresh_token, CLIENT_ID, CLIENT_SECRET)
    assert refreshed.access_token != token.access_token
    assert refreshed.refresh_token == token.refresh_token
    assert square.calls("/oauth2/token")[1].body == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token",
        "refresh_token": token.refresh_token,
    }
    assert "Authorization" not in square.calls("/oauth2/token")[0].headers


async def test_tokens_do_not_show_in_a_repr(square: FakeSquare, client: SquareClient) -> None:
    token = await client.obtain_token(square.issue_code(), CLIENT_ID, CLIENT_SECRET, None)
    assert token.access_token not in repr(token)
    assert str(token.refresh_token) not in repr(token)


async def test_a_used_code_is_not_connected(square: FakeSquare, client: SquareClient) -> None:
    code = square.issue_code()
    await client.obtain_token(code, CLIENT_ID, CLIENT_SECRET, None)
    with pytest.raises(NotConnected, match="400"):
        await client.obtain_token(code, CLIENT_ID, CLIENT_SECRET, None)


async def test_a_wrong_client_secret_is_not_connected(
    square: FakeSquare, client: SquareClient
) -> None:
    with pytest.raises(NotConnected, match="401: UNAUTHORIZED") as refused:
        await client.obtain_token(square.issue_code(), CLIENT_ID, "sq0csp-wrong", None)
    assert "sq0csp-wrong" not in str(refused.value)


async def test_an_unknown_refresh_token_is_not_connected(client: SquareClient) -> None:
    with pytest.raises(NotConnected):
        await client.refresh_token("EQAA-unknown", CLIENT_ID, CLIENT_SECRET)


async def test_list_locations(square: FakeSquare, client: SquareClient) -> None:
    locations = await client.list_locations(square.grant())
    assert locations == [
        Location(
            id=LOCATION_ID,
            name="Main Bar",
            status="ACTIVE",
            currency="USD",
            timezone="America/New_York",
            merchant_id=MERCHANT_ID,
        )
    ]
    assert square.calls("/v2/locations")[0].method == "GET"


async def test_retrieve_merchant(square: FakeSquare, client: SquareClient) -> None:
    merchant = await client.retrieve_merchant(square.grant())
    assert merchant == Merchant(
        id=MERCHANT_ID,
        business_name="The Fake Tap Room",
        country="US",
        currency="USD",
        main_location_id=LOCATION_ID,
        status="ACTIVE",
    )


# -- failures ------------------------------------------------------------------------------------


async def test_an_unknown_or_revoked_token_is_not_connected(
    square: FakeSquare, client: SquareClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = square.grant()
    square.revoke(token)
    with pytest.raises(NotConnected, match="401: UNAUTHORIZED") as refused:
        await client.list_locations(token)
    assert token not in str(refused.value)
    assert token not in caplog.text
    assert not refused.value.retryable


async def test_an_outage_is_upstream_unavailable_and_passes(
    square: FakeSquare, client: SquareClient
) -> None:
    token = square.grant()
    square.outage(2)
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable, match="503: SERVICE_UNAVAILABLE") as down:
            await client.batch_retrieve_orders(token, None, ["O-1"])
        assert down.value.retryable and down.value.retry_after is None
    assert await client.batch_retrieve_orders(token, None, ["O-1"]) == []


@pytest.mark.parametrize("status", [500, 502, 504, 408])
async def test_server_errors_are_retryable(
    square: FakeSquare, client: SquareClient, status: int
) -> None:
    square.outage(1, status=status)
    with pytest.raises(UpstreamUnavailable, match=str(status)):
        await client.list_locations(square.grant())


async def test_a_rate_limit_carries_retry_after(square: FakeSquare, client: SquareClient) -> None:
    square.rate_limit(1, retry_after=7)
    square.rate_limit(1, retry_after=None)
    token = square.grant()
    with pytest.raises(UpstreamUnavailable, match="rate limited: RATE_LIMITED") as limited:
        await client.search_orders(token, [LOCATION_ID], NOW)
    assert limited.value.retry_after == 7
    with pytest.raises(UpstreamUnavailable) as limited:
        await client.search_orders(token, [LOCATION_ID], NOW)
    assert limited.value.retry_after is None


async def test_a_timeout_is_upstream_unavailable(
    square: FakeSquare, session: aiohttp.ClientSession
) -> None:
    square.stall(1, seconds=1.0)
    client = SquareClient(session, square.base_url, timeout=0.2)
    with pytest.raises(UpstreamUnavailable, match="no answer in time"):
        await client.list_locations(square.grant())


async def test_a_closed_port_is_upstream_unavailable(session: aiohttp.ClientSession) -> None:
    async with FakeSquare() as gone:
        url = gone.base_url
    client = SquareClient(session, url)
    with pytest.raises(UpstreamUnavailable, match="GET /v2/locations"):
        await client.list_locations("t")


async def test_another_client_error_is_rejected_not_retried(
    square: FakeSquare, client: SquareClient
) -> None:
    square.outage(1, status=404)
    with pytest.raises(UpstreamRejected) as rejected:
        await client.list_locations(square.grant())
    assert rejected.value.status == 404 and not rejected.value.retryable


async def test_a_forbidden_scope_is_not_connected(square: FakeSquare, client: SquareClient) -> None:
    square.outage(1, status=403)
    with pytest.raises(NotConnected, match="403"):
        await client.retrieve_merchant(square.grant())


async def test_a_refresh_without_a_refresh_token_keeps_the_old_one(
    square: FakeSquare, client: SquareClient
) -> None:
    token = await client.obtain_token(square.issue_code(), CLIENT_ID, CLIENT_SECRET, None)
    assert token.refresh_token is not None
    square.refresh_returns_refresh_token = False
    refreshed = await client.refresh_token(token.refresh_token, CLIENT_ID, CLIENT_SECRET)
    assert refreshed.refresh_token == token.refresh_token
    assert refreshed.access_token != token.access_token


async def test_a_success_that_is_not_json_is_retryable(
    square: FakeSquare, client: SquareClient
) -> None:
    square.answer_next(200, b"<html>proxy says hi</html>")
    with pytest.raises(UpstreamUnavailable, match="without JSON"):
        await client.list_locations(square.grant())


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[]", "must be a JSON object"),
        (b'{"orders": {"id": "O-1"}}', "orders must be an array"),
        (b'{"orders": ["O-1"]}', r"orders\[0\] must be a JSON object"),
    ],
)
async def test_a_success_of_the_wrong_shape_is_bad_payload(
    square: FakeSquare, client: SquareClient, body: bytes, problem: str
) -> None:
    square.answer_next(200, body)
    with pytest.raises(BadPayload, match=problem):
        await client.batch_retrieve_orders(square.grant(), None, ["O-1"])


async def test_a_token_answer_without_fields_is_bad_payload(
    square: FakeSquare, client: SquareClient
) -> None:
    square.answer_next(200, b'{"access_token": "EAAA", "merchant_id": "M"}')
    with pytest.raises(BadPayload, match="expires_at is missing") as refused:
        await client.obtain_token("code", CLIENT_ID, CLIENT_SECRET, None)
    assert "EAAA" not in str(refused.value)


async def test_an_error_body_without_codes_still_names_the_status(
    square: FakeSquare, client: SquareClient
) -> None:
    square.answer_next(400, b"oops")
    with pytest.raises(UpstreamRejected, match=r"answered 400$"):
        await client.list_locations(square.grant())
