"""The fake Clover as a process, to walk the README's "Connect your POS: Clover" steps without a
Clover account:

    .venv/bin/python -m tests.integrations.fakes.clover_serve --port 8099

It serves Clover's OAuth and REST API (`FakeClover`) and plays the Developer Dashboard and the
register through two more endpoints:

- `POST /_fake/verify?url=<webhook URL>`: "Send Verification Code": posts the handshake to the URL.
- `POST /_fake/sale?url=<webhook URL>` with `{"lines": [{"name": ..., "price": <cents>,
  "quantity": <n>, "modifiers": [{"name": ..., "price": <cents>}]}]}`: rings and pays an order
  (8.875% tax on top), then posts its webhook with the auth code. Items and modifiers get ids made
  from their names, as Clover's inventory would give them.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from tests.integrations.fakes.clover import APP_SECRET, FakeClover
from tests.integrations.fakes.clover_orders import (
    APP_ID,
    AUTH_CODE,
    MERCHANT_ID,
    Posted,
    make_line,
    make_modification,
    make_order,
    order_delivery,
    verification,
)


def clover_id(prefix: str, name: str) -> str:
    return prefix + hashlib.sha256(name.casefold().encode()).hexdigest()[:12].upper()


def ring(lines: list[dict[str, Any]], paid_at: int) -> dict[str, Any]:
    items = []
    for n, line in enumerate(lines):
        mods = [
            make_modification(f"MOD{n}X{m}", mod["name"], int(mod.get("price", 0)),
                              clover_id("M", mod["name"]))
            for m, mod in enumerate(line.get("modifiers", []))
        ]  # fmt: skip
        for unit in range(int(line.get("quantity", 1))):
            item = make_line(
                f"LI{n}X{unit}{secrets.token_hex(3).upper()}",
                line["name"],
                int(line["price"]),
                item_id=clover_id("I", line["name"]),
                modifications=mods,
            )
            items.append({**item, "createdTime": paid_at - 60_000})
    order_id = "ORD" + secrets.token_hex(5).upper()
    return make_order(order_id, lines=items, paid_at=paid_at, tax_rate_ppm=88_750)


async def post(url: str, posted: Posted) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=posted.body, headers=posted.headers) as response,
    ):
        return f"{response.status} {await response.text()}"


def control(fake: FakeClover) -> web.Application:
    app = web.Application()

    async def verify(request: web.Request) -> web.Response:
        answer = await post(request.query["url"], verification(secrets.token_hex(4) + "-code"))
        return web.Response(text=f"barback answered {answer}\n")

    async def sale(request: web.Request) -> web.Response:
        body = await request.json()
        paid_at = int(datetime.now(UTC).timestamp() * 1000)
        order = ring(body["lines"], paid_at)
        fake.add_order(order)
        answer = await post(request.query["url"], order_delivery(order["id"], paid_at + 400))
        return web.Response(text=f"order {order['id']}: barback answered {answer}\n")

    app.router.add_post("/verify", verify)
    app.router.add_post("/sale", sale)
    return app


async def run_fake(fake: FakeClover, port: int) -> web.AppRunner:
    """The fake's API and its `/_fake` controls on 127.0.0.1:`port`; `cleanup()` stops them."""
    app = fake.application()
    app.add_subapp("/_fake", control(fake))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def serve(port: int) -> None:
    await run_fake(FakeClover(), port)
    print(f"fake Clover on http://127.0.0.1:{port}")
    print(f"  CLOVER_APP_ID={APP_ID} CLOVER_APP_SECRET={APP_SECRET}")
    print(f"  CLOVER_BASE_URL=http://127.0.0.1:{port}")
    print(f"  the auth code the dashboard shows after the handshake: {AUTH_CODE}")
    print(f"  merchant {MERCHANT_ID} approves every authorization", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8099)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
