"""README "Connect your POS" -> "Clover", its "Try it without a Clover account" walk, as a new user
would take it: `barback serve` with the Clover settings, the fake Clover (its API and its `/_fake`
dashboard and register) on a port of its own, and the terminal commands the README gives. It ends
with a sale booked."""

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
from tests.app.test_toast_walkthrough import DEADLINE, Walk, healthy
from tests.integrations.fakes.clover import APP_SECRET, FakeClover
from tests.integrations.fakes.clover_orders import APP_ID, AUTH_CODE
from tests.integrations.fakes.clover_serve import run_fake

SALE = {"lines": [{"name": "Tito's Shot", "price": 800, "quantity": 2}]}


@pytest.fixture
async def fake_url() -> AsyncIterator[str]:
    port = free_port()
    runner = await run_fake(FakeClover(), port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def serve(walk: Walk, cwd: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        *barback_command(), "serve", env=walk.env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await healthy(walk.url, process)
    return process


async def stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()[-2000:]


async def logged(process: asyncio.subprocess.Process, text: str) -> str:
    """The first line of the service's log holding `text`."""
    assert process.stderr is not None
    async with asyncio.timeout(DEADLINE):
        while True:
            line = (await process.stderr.readline()).decode()
            assert line, f"the log ended without {text!r}"
            if text in line:
                return line


async def fake_post(fake_url: str, what: str, webhook: str, body: object = None) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake_url}/_fake/{what}", params={"url": webhook}, json=body) as response,
    ):
        assert response.status == 200
        return await response.text()


@pytest.mark.slow
async def test_the_readme_clover_steps_end_with_a_sale_booked(
    database_url: str, tmp_path: Path, fake_url: str
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SQUARE_",
           "TOAST_", "CLOVER_", "SHOPIFY_", "BARBACK_"))}  # fmt: skip
    env |= {
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_URL": f"http://localhost:{port}",
        "BARBACK_SECRET_KEY": Fernet.generate_key().decode(),
        "LOG_LEVEL": "WARNING",
        "USER": "sam",
    }
    walk = Walk(env, tmp_path, port)
    webhook = f"http://localhost:{port}/webhooks/clover"
    await walk.ok("db", "upgrade")
    await walk.ok("venue", "add", "downtown", "--name", "Downtown", "--timezone",
                  "America/New_York", "--currency", "USD")  # fmt: skip
    await walk.ok("--venue", "downtown", "product", "add", "Tito's Vodka", "750ml", "22.50")
    await walk.ok("--venue", "downtown", "serving", "shot", "=", "1.5", "oz")
    offers = json.loads(await walk.ok("--venue", "downtown", "connect", "--json"))
    assert offers["not_configured"]["clover"] == ["CLOVER_APP_ID", "CLOVER_APP_SECRET"]

    # Step 1: the app's settings; step 2: the handshake, whose code the log shows.
    env |= {"CLOVER_APP_ID": APP_ID, "CLOVER_APP_SECRET": APP_SECRET, "CLOVER_BASE_URL": fake_url}
    first = await serve(walk, tmp_path)
    try:
        answer = await fake_post(fake_url, "verify", webhook)
        assert "verification code received" in answer
        assert "Clover webhook verification code: " in await logged(first, "verification code")
    finally:
        await stop(first)

    env["CLOVER_WEBHOOK_AUTH_CODE"] = AUTH_CODE
    second = await serve(walk, tmp_path)
    try:
        # Step 3: the manager's link, followed through Clover's consent.
        link = json.loads(await walk.ok("--venue", "downtown", "connect", "clover", "--json"))
        async with aiohttp.ClientSession() as browser, browser.get(link["url"]) as page:
            assert page.status == 200
            assert "Clover connected" in await page.text()

        # Step 4: a sale, its item mapped, another sale: booked.
        assert "barback answered 200" in await fake_post(fake_url, "sale", webhook, SALE)
        unmapped = ("--venue", "downtown", "unmapped")
        await walk.until(
            *unmapped, holds=lambda u: [i["name"] for i in u["items"]] == ["Tito's Shot"]
        )
        await walk.ok("--venue", "downtown", "map", "Tito's Shot", "=", "shot", "tito")
        assert "barback answered 200" in await fake_post(fake_url, "sale", webhook, SALE)
        sales = await walk.until("--venue", "downtown", "sales", "today",
                                 holds=lambda s: s["receipts"] == 1)  # fmt: skip
        assert (sales["net_sales"], sales["cogs"]) == ("16.00", "2.66")  # two shots
        assert [(i["pos_item"], i["quantity"]) for i in sales["items"]] == [("Tito's Shot", 2)]
    finally:
        await stop(second)
