"""README "Connect your POS" -> "Shopify", walked as a new user would: `barback serve` with the
Shopify settings, FakeShopify standing in for Shopify (served as the README says), the terminal
commands the README gives, the consent link opened, and the POS ringing up sales that Shopify
delivers to the address barback subscribed. It ends with a sale booked."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from cryptography.fernet import Fernet

from tests.app.test_serve import barback_command, free_port
from tests.app.test_toast_walkthrough import Walk, healthy
from tests.integrations.fakes.shopify import CLIENT_ID, CLIENT_SECRET, FakeShopify
from tests.integrations.fakes.shopify_orders import SHOP

TITOS = json.dumps({"title": "Tito's Shot", "price": "8.00", "quantity": 2})


@pytest.fixture
async def shopify() -> AsyncIterator[FakeShopify]:
    async with FakeShopify() as fake:
        yield fake


async def ring_up(shopify: FakeShopify) -> list[int]:
    """The README's `curl -X POST .../_fake/sales`: a sale on the POS, delivered by Shopify."""
    url = shopify.base_url.replace("{shop}", SHOP) + "/_fake/sales"
    async with aiohttp.ClientSession() as session, session.post(url, data=TITOS) as response:
        assert response.status == 200
        delivered: list[int] = (await response.json())["delivered"]
        return delivered


@pytest.mark.slow
async def test_the_readme_shopify_steps_end_with_a_sale_booked(
    database_url: str, tmp_path: Path, shopify: FakeShopify
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SQUARE_",
           "TOAST_", "CLOVER_", "SHOPIFY_", "BARBACK_"))}  # fmt: skip
    env |= {
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "BARBACK_SECRET_KEY": Fernet.generate_key().decode(),
        "LOG_LEVEL": "WARNING",
        "USER": "sam",
    }
    walk = Walk(env, tmp_path, port)
    await walk.ok("db", "upgrade")
    await walk.ok("venue", "add", "downtown", "--name", "Downtown", "--timezone",
                  "America/New_York", "--currency", "USD")  # fmt: skip
    await walk.ok("--venue", "downtown", "product", "add", "Tito's Vodka", "750ml", "22.50")
    await walk.ok("--venue", "downtown", "serving", "shot", "=", "1.5", "oz")
    offers = json.loads(await walk.ok("--venue", "downtown", "connect", "--json"))
    assert offers["not_configured"]["shopify"] == ["SHOPIFY_CLIENT_ID", "SHOPIFY_CLIENT_SECRET"]

    # 2. The app's client id and secret (and, for the fake, where shops are), then serve.
    env |= {
        "SHOPIFY_CLIENT_ID": CLIENT_ID,
        "SHOPIFY_CLIENT_SECRET": CLIENT_SECRET,
        "SHOPIFY_BASE_URL": shopify.base_url,
    }
    serve = await asyncio.create_subprocess_exec(
        *barback_command(), "serve", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await healthy(walk.url, serve)
        # 3. The consent link: it asks which shop, then Shopify (approving at once) sends the
        # manager back to barback.
        link = json.loads(await walk.ok("--venue", "downtown", "connect", "shopify", "--json"))
        async with aiohttp.ClientSession() as session:
            async with session.get(link["url"]) as form:
                assert 'name="shop"' in await form.text()
            async with session.get(link["url"] + "&shop=example-bar") as consent:
                page = await consent.text()
        assert consent.status == 200 and "Shopify connected" in page, page
        assert {s["topic"] for s in shopify.store().subscriptions} == {
            "orders/paid", "orders/updated", "refunds/create"
        }  # fmt: skip

        # 4. A sale arrives; its item waits in `unmapped`; mapped, the next one is a sale.
        assert await ring_up(shopify) == [200]
        await walk.until(
            "--venue",
            "downtown",
            "unmapped",
            holds=lambda u: [i["name"] for i in u["items"]] == ["Tito's Shot"],
        )
        await walk.ok("--venue", "downtown", "map", "Tito's Shot", "=", "shot", "Tito's Vodka")
        # Shopify stamps an order to the second: one rung up within the second of the mapping
        # may close before it, and mapping is forward only. A bar maps before the rush.
        await asyncio.sleep(1.1)
        assert await ring_up(shopify) == [200]
        sales = await walk.until("--venue", "downtown", "sales",
                                 holds=lambda s: s["receipts"] == 1)  # fmt: skip
        assert (sales["net_sales"], sales["cogs"]) == ("16.00", "2.66")  # two shots
        assert [i["pos_item"] for i in sales["items"]] == ["Tito's Shot"]
    finally:
        serve.terminate()
        _, err = await asyncio.wait_for(serve.communicate(), timeout=30)
    assert serve.returncode == 0, err.decode()[-2000:]
