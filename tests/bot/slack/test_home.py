"""The App Home dashboard: a valid Home view, under 100 blocks however many venues."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.home import HOME_REFRESH_ACTION_ID, Dashboard, LowStock, TopItem, home_view
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
def test_never_100_blocks(venues: int) -> None:
    view = home_view([dashboard(f"Venue {n}", low=40) for n in range(venues)], as_of=AS_OF)
    View(**view).validate_json()
    assert len(view["blocks"]) < 100
    if venues > 13:
        assert f"and {venues - 13} more venues" in str(view["blocks"][-1])


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        home_view([dashboard()], as_of=datetime(2026, 11, 21, 18, 30))


async def test_the_fake_accepts_the_published_view(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    view = home_view([dashboard(f"Venue {n}") for n in range(50)], as_of=AS_OF)
    await client.views_publish(user_id="U0SAM", view=view)
    assert slack.home["U0SAM"]["blocks"] == view["blocks"]
