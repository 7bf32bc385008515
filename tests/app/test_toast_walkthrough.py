"""README "Connect your POS" -> "Toast", walked as a new user would: `barback serve` with the
Toast settings, FakeToast standing in for Toast, the terminal commands the README gives, and
signed messages as Toast posts them. It ends with a sale booked."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet

from tests.app.test_serve import barback_command, free_port
from tests.integrations.fakes.toast import RESTAURANT, FakeToast
from tests.integrations.fakes.toast_orders import (
    deliver,
    make_check,
    make_order,
    make_selection,
    order_message,
    partner_message,
)

SECRET = "toast-webhook-secret-from-toast"
TITOS = str(uuid.uuid4())  # the menu item's guid in Toast
DEADLINE = 60.0


class Walk:
    def __init__(self, env: dict[str, str], cwd: Path, port: int) -> None:
        self.env, self.cwd, self.url = env, cwd, f"http://127.0.0.1:{port}"

    async def barback(self, *words: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            *barback_command(), *words, env=self.env, cwd=self.cwd,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    async def ok(self, *words: str) -> str:
        status, out, err = await self.barback(*words)
        assert status == 0, f"barback {' '.join(words)}: {err}"
        return out

    async def toast_posts(self, message: dict[str, Any]) -> int:
        signed = deliver(message, SECRET)
        async with aiohttp.ClientSession() as session:
            url = f"{self.url}/webhooks/toast"
            async with session.post(url, data=signed.body, headers=signed.headers) as response:
                return response.status

    async def until(self, *words: str, holds: Any) -> Any:
        deadline = time.monotonic() + DEADLINE
        while True:
            answer = json.loads(await self.ok(*words, "--json"))
            if holds(answer):
                return answer
            if time.monotonic() > deadline:
                raise AssertionError(f"{words}: {answer}")
            await asyncio.sleep(0.2)


def sale(n: int, closed: datetime) -> dict[str, Any]:
    selection = make_selection(f"sel-{n}", TITOS, "Tito's Shot", price=800, tax=71)
    check = make_check(f"check-{n}", [selection], opened=closed, paid=closed, modified=closed,
                       amount=800, tax=71)  # fmt: skip
    return make_order(f"order-{n}", [check], opened=closed, modified=closed, paid=closed)


@pytest.fixture
async def toast() -> AsyncIterator[FakeToast]:
    async with FakeToast() as fake:
        yield fake


@pytest.mark.slow
async def test_the_readme_toast_steps_end_with_a_sale_booked(
    database_url: str, tmp_path: Path, toast: FakeToast
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

    # Before the settings: `connect` says what Toast needs.
    offers = json.loads(await walk.ok("--venue", "downtown", "connect", "--json"))
    assert offers["not_configured"]["toast"] == [
        "TOAST_CLIENT_ID", "TOAST_CLIENT_SECRET", "TOAST_WEBHOOK_SECRET"
    ]  # fmt: skip

    # 1-2. Toast's credentials and webhook secret, then serve.
    env |= {
        "TOAST_CLIENT_ID": toast.client_id,
        "TOAST_CLIENT_SECRET": toast.client_secret,
        "TOAST_WEBHOOK_SECRET": SECRET,
        "TOAST_BASE_URL": toast.base_url,
    }
    serve = await asyncio.create_subprocess_exec(
        *barback_command(), "serve", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await healthy(walk.url, serve)
        offers = json.loads(await walk.ok("--venue", "downtown", "connect", "--json"))
        assert "toast" in offers["ready"]

        # 3. The restaurant adds barback in Toast Web: Toast says so.
        toast.grant(RESTAURANT, "The Tap Room")
        added = partner_message("partner_added", RESTAURANT, "The Tap Room", at=now())
        assert await walk.toast_posts(added) == 200
        listed = await wait_for_text(walk, ("events",), f"connect toast {RESTAURANT}")
        assert "skipped" in listed

        # 4. A manager binds it.
        out = await walk.ok("--venue", "downtown", "connect", "toast", RESTAURANT)
        assert out.startswith(f"connected Toast: restaurant The Tap Room ({RESTAURANT})")

        # 5. A sale arrives; its item waits in `unmapped`; mapped, the next one is a sale.
        assert await walk.toast_posts(order_message(sale(1, now()), RESTAURANT, at=now())) == 200
        await walk.until(
            "--venue",
            "downtown",
            "unmapped",
            holds=lambda u: [i["name"] for i in u["items"]] == ["Tito's Shot"],
        )
        await walk.ok("--venue", "downtown", "map", "Tito's Shot", "=", "shot", "Tito's Vodka")
        assert await walk.toast_posts(order_message(sale(2, now()), RESTAURANT, at=now())) == 200
        sales = await walk.until("--venue", "downtown", "sales",
                                 holds=lambda s: s["receipts"] == 1)  # fmt: skip
        assert (sales["net_sales"], sales["cogs"]) == ("8.00", "1.33")  # a shot: 133.08 cents
        assert [i["pos_item"] for i in sales["items"]] == ["Tito's Shot"]
        assert toast.logins == 1  # the one login of `connect toast`; webhooks needed none
    finally:
        serve.terminate()
        _, err = await asyncio.wait_for(serve.communicate(), timeout=30)
    assert serve.returncode == 0, err.decode()[-2000:]


async def healthy(url: str, serve: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + DEADLINE
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            assert serve.returncode is None, "barback serve exited early"
            try:
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("barback serve did not answer /healthz in time")


async def wait_for_text(walk: Walk, words: tuple[str, ...], text: str) -> str:
    deadline = time.monotonic() + DEADLINE
    while True:
        out = await walk.ok(*words)
        if text in out:
            return out
        if time.monotonic() > deadline:
            raise AssertionError(f"{words} never said {text!r}: {out}")
        await asyncio.sleep(0.2)


def now() -> datetime:
    return datetime.now(UTC)
