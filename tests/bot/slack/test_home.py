"""The App Home dashboard: a valid Home view, under 100 blocks however many venues."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.home import (
    HOME_PAGE_ACTION_ID,
    HOME_REFRESH_ACTION_ID,
    VENUES_PER_PAGE,
    Dashboard,
    LowStock,
    TopItem,
    home_page,
    home_view,
)
from tests.fakes.block_kit import assert_view_ok
from tests.fakes.slack import FakeSlack

AS_OF = datetime(2026, 11, 21, 18, 30, tzinfo=UTC)


def dashboard(name: str = "Downtown", *, low: int = 2, unmapped: int = 3) -> Dashboard:
    return Dashboard(
        venue=name,
        period="November 1–21",
        net_sales="$12,345.50",
        cogs="$2,107.00",
        pour_cost="17.1%",
        gross_profit="$10,238.50",
        top_items=tuple(TopItem(f"Margarita <{n}>", str(40 - n), "$480.00") for n in range(8)),
        low_stock=tuple(LowStock(f"Product {n} & co", "1.2 btl", "6 btl") for n in range(low)),
        unmapped_count=unmapped,
        last_count="Nov 18",
    )


def test_one_venue() -> None:
    view = home_view([dashboard()], as_of=AS_OF)
    View(**view).validate_json()
    assert view["type"] == "home" and len(view["blocks"]) < 100
    top = view["blocks"][0]
    assert top["accessory"]["action_id"] == HOME_REFRESH_ACTION_ID
    assert f"<!date^{int(AS_OF.timestamp())}^" in top["text"]["text"]
    texts = str(view["blocks"])
    assert "Downtown" in texts and "$12,345.50" in texts and "17.1%" in texts
    assert "Margarita &lt;0&gt;" in texts and "Margarita &lt;5&gt;" not in texts  # top 5 only
    assert "Product 1 &amp; co" in texts
    assert "3 POS items not mapped" in texts and "last count Nov 18" in texts


def test_quiet_venue() -> None:
    quiet = Dashboard("Uptown", "November 1–21", "$0.00", "$0.00", "–", "$0.00")
    texts = str(home_view([quiet], as_of=AS_OF)["blocks"])
    assert "no sales yet" in texts and "nothing below" in texts
    assert "every POS item is mapped" in texts and "never counted" in texts


def test_no_venue() -> None:
    view = home_view([], as_of=AS_OF)
    View(**view).validate_json()
    assert "No venue" in str(view["blocks"])


@pytest.mark.parametrize("venues", [1, 13, 14, 50])
def test_never_100_blocks_and_every_venue_on_some_page(venues: int) -> None:
    boards = [dashboard(f"Venue {n}", low=40) for n in range(venues)]
    pages = -(-venues // VENUES_PER_PAGE)
    seen: list[str] = []
    for page in range(pages):
        view = home_view(boards, as_of=AS_OF, page=page)
        assert_view_ok(view)
        seen += [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
        buttons = {
            e["text"]["text"]: e["value"]
            for b in view["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
        }
        expected = {}
        if page > 0:
            expected["‹ Previous venues"] = str(page - 1)
        if page + 1 < pages:
            expected["Next venues ›"] = str(page + 1)
        assert buttons == expected
        assert all(
            e["action_id"] == HOME_PAGE_ACTION_ID
            for b in view["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
        )
        assert view["blocks"][0]["accessory"]["value"] == str(page)  # Refresh keeps the page
    assert seen == [f"Venue {n}" for n in range(venues)]


def test_a_page_past_the_end_shows_the_last() -> None:
    boards = [dashboard(f"Venue {n}") for n in range(20)]
    last = home_view(boards, as_of=AS_OF, page=(20 - 1) // VENUES_PER_PAGE)
    assert home_view(boards, as_of=AS_OF, page=99) == last
    assert home_page("7") == 7 and home_page(None) == 0 and home_page("-3") == 0


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        home_view([dashboard()], as_of=datetime(2026, 11, 21, 18, 30))


async def test_the_fake_accepts_the_published_view(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    view = home_view([dashboard(f"Venue {n}") for n in range(50)], as_of=AS_OF)
    await client.views_publish(user_id="U0SAM", view=view)
    assert slack.home["U0SAM"]["blocks"] == view["blocks"]
