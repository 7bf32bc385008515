"""Issue 9's "done when": a bar's first week against the fake Square, on SQLite and PostgreSQL.

The order a real bar works in: 40 products from a CSV, a serving, a mapping and a modifier rule
typed by name before Square is connected; Square connected (its catalog of 60 variations and 10
modifiers read at once); more mappings from a CSV, the rest through `review accept`; a count;
then a night of Square orders, every one fetched through a webhook.

Hand-worked figures (1 US fl oz = 29.5735295625 ml, kept in µl, half-even):
- shot = 1.5 oz = 44,360 µl; 0.75 oz = 22,180 µl; 1 oz = 29,574 µl; 0.5 oz = 14,787 µl.
- Tito's: 2 shots (O1) + 1 shot x2 `Double` (O2) + `Tito's Double` = 2 shot (O4) = 6 shots =
  266,160 µl; from 2 bottles (1,500,000 µl): 1,233,840 µl. At $22.50 / 750 ml = 0.003 c/µl:
  798.48 c of COGS.
- Margarita x2 with `Extra Lime` (+ 0.5 oz Lime Juice a unit) (O3): Milagro 2 x 44,360 = 88,720 µl
  (0.004 c/µl: 354.88 c) -> 1,411,280 µl; Cointreau 2 x 22,180 = 44,360 µl (0.0048 c/µl:
  212.928 c) -> 705,640 µl; Lime Juice 2 x (29,574 + 14,787) = 88,722 µl (0.0004 c/µl: 35.4888 c)
  -> 911,278 µl.
- Gin & Tonic = shot Beefeater, twice (O4, O5): 88,720 µl (0.0026 c/µl: 230.672 c) -> 1,411,280 µl.
- Net sales: 1,600 + 1,200 + 2,500 + 900 + 1,400 + 900 = 8,500 c (Nachos has no mapping: not a
  sale); COGS 1,632.4488 c -> $16.32; 5 receipts.
- Unmapped after the night: the item Nachos and the modifier Splash Soda, nothing else.
- Square renames Tito's Shot to Tito's Vodka Shot: one more sale of that variation depletes one
  more shot (1,189,480 µl) and shows the new name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_aiohttp import AiohttpClient

from app.clock import SystemClock
from app.config import Settings
from app.venue_session import open_session
from bot.commands.session import SessionContext, run
from engine.connect_links import connect_link
from engine.usecases import reports
from engine.usecases.periods import Period, today
from engine.venue_admin import add_venue
from storage.database import Database
from tests.app.test_webhooks_square import KEY, app_for, send, square_env
from tests.app.webhook_world import Client, settled
from tests.integrations.fakes.square import (
    FakeSquare,
    catalog_category,
    catalog_item,
    catalog_modifier_list,
    catalog_version_updated,
    make_line,
    make_modifier,
    make_order,
    payment_updated,
)

pytestmark = pytest.mark.slow

FILLERS = [f"House Spirit {n:02d}" for n in range(1, 36)]
PRODUCTS = (
    "name,container,cost,par,reorder,category,vendor\n"
    "Tito's Vodka,750 ml,22.50,6,2,vodka,Southern Glazer's\n"
    "Milagro Blanco,750 ml,30.00,4,1,tequila,RNDC\n"
    "Cointreau,750 ml,36.00,2,1,liqueur,RNDC\n"
    "Lime Juice,1 l,4.00,3,1,mixer,\n"
    "Beefeater,750 ml,19.50,4,1,gin,\n"
    + "".join(f"{name},750 ml,10.00,1,0,well,\n" for name in FILLERS)
)
MAPPINGS = (
    "pos item,recipe\n"
    'Margarita,1.5 oz "Milagro Blanco" + 0.75 oz Cointreau + 1 oz "Lime Juice"\n'
    "Gin & Tonic,shot beefeater\n"
)
ON_HAND = {
    "Tito's Vodka": 1_233_840,
    "Milagro Blanco": 1_411_280,
    "Cointreau": 705_640,
    "Lime Juice": 911_278,
    "Beefeater": 1_411_280,
}


def catalog() -> list[dict[str, object]]:
    """60 variations (6 of drinks and beer, 54 of wines by the glass and the bottle), 10
    modifiers in three lists, two categories."""
    items = [
        catalog_category("CAT-COCKTAILS", "Cocktails"),
        catalog_category("CAT-FOOD", "Food"),
        catalog_item("IT-TITO", "Tito's Shot", [("V-TITO", "Regular")], modifier_lists=["ML-SIZE"]),
        catalog_item("IT-TITO2", "Tito's Double", [("V-TITO2", "Regular")]),
        catalog_item("IT-MARG", "Margarita", [("V-MARG", "Regular")], category_id="CAT-COCKTAILS"),
        catalog_item("IT-GT", "Gin & Tonic", [("V-GT", "Regular")], category_id="CAT-COCKTAILS"),
        catalog_item("IT-NACHOS", "Nachos", [("V-NACHOS", "Regular")], category_id="CAT-FOOD"),
        catalog_item("IT-IPA", "Draft IPA", [("V-IPA", "Pint")]),
    ]
    items += [
        catalog_item(
            f"IT-WINE{n}", f"Wine {n:02d}", [(f"V-W{n}G", "Glass"), (f"V-W{n}B", "Bottle")]
        )
        for n in range(1, 28)
    ]
    items += [
        catalog_modifier_list("ML-SIZE", "Size", [("M-DBL", "Double"), ("M-TRP", "Triple")]),
        catalog_modifier_list(
            "ML-SERVE", "Serve", [("M-ROCKS", "Rocks"), ("M-NEAT", "Neat"), ("M-UP", "Up")]
        ),
        catalog_modifier_list(
            "ML-EXTRA",
            "Extras",
            [
                ("M-LIME", "Extra Lime"),
                ("M-SALT", "Salt Rim"),
                ("M-SODA", "Splash Soda"),
                ("M-TWIST", "Lemon Twist"),
                ("M-SUGAR", "Sugar Rim"),
            ],
        ),
    ]
    return items


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare() as fake:
        fake.catalog = catalog()
        fake.catalog_page = 20  # ListCatalog in several pages
        yield fake


async def ask(ctx: SessionContext, text: str) -> str:
    reply = await run(text, ctx)
    assert reply.ok, f"{text}: {reply.summary} {reply.data.get('hint', '')}"
    return reply.summary


async def connect(client: Client, square: FakeSquare) -> None:
    """The manager opens the link `connect square` gave and consents at Square."""
    url = connect_link("https://bar.example.com", "square", "downtown", KEY, datetime.now(UTC))
    response = await client.get(url.removeprefix("https://bar.example.com"), allow_redirects=False)
    state = parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]
    callback = await client.get(
        "/connect/square/callback", params={"code": square.issue_code(), "state": state}
    )
    assert callback.status == 200, await callback.text()


def at(seconds: int) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def night(square: FakeSquare) -> list[str]:
    """Six orders closed just now (after every mapping and the count: forward only)."""
    dbl = make_modifier("m1", "Double", 400, catalog_object_id="M-DBL")
    lime = make_modifier("m2", "Extra Lime", 50, line_quantity="2", catalog_object_id="M-LIME")
    rocks = make_modifier("m3", "Rocks", 0, catalog_object_id="M-ROCKS")
    soda = make_modifier("m4", "Splash Soda", 0, catalog_object_id="M-SODA")
    orders = {
        "O1": [make_line("a", "Tito's Shot", 800, "2", catalog_object_id="V-TITO")],
        "O2": [make_line("a", "Tito's Shot", 800, catalog_object_id="V-TITO", modifiers=[dbl])],
        "O3": [
            make_line("a", "Margarita", 1200, "2", catalog_object_id="V-MARG", modifiers=[lime])
        ],
        "O4": [
            make_line("a", "Gin & Tonic", 900, catalog_object_id="V-GT", modifiers=[rocks]),
            make_line("b", "Tito's Double", 1400, catalog_object_id="V-TITO2"),
        ],
        "O5": [
            make_line("a", "Nachos", 1000, catalog_object_id="V-NACHOS"),
            make_line("b", "Gin & Tonic", 900, catalog_object_id="V-GT", modifiers=[soda]),
        ],
    }
    for order_id, lines in orders.items():
        closed = at(2)
        square.add_order(make_order(order_id, lines=lines, closed_at=closed, updated_at=closed))
    return list(orders)


async def test_a_bars_first_week(
    database: Database,
    database_url: str,
    aiohttp_client: AiohttpClient,
    square: FakeSquare,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {**square_env(square), "PUBLIC_URL": "https://bar.example.com"}
    settings = Settings.from_env({"DATABASE_URL": database_url, **env})
    await add_venue(
        database.unit_of_work,
        SystemClock(),
        slug="downtown",
        name="Downtown",
        timezone="America/New_York",
        currency="USD",
        actor="cli:sam",
    )
    opened, ctx = await open_session(settings, "downtown", "sam")
    try:
        # Set-up, before Square is connected: products, a serving, two rules by name.
        (tmp_path / "bad.csv").write_text(
            PRODUCTS.replace("Cointreau,750 ml,36.00", "Cointreau,750 oz oz,36.00").replace(
                "Beefeater,750 ml,19.50", "Beefeater,750 ml,-19.50"
            )
        )
        refused = await run("product import bad.csv", ctx)
        assert not refused.ok
        assert refused.summary.startswith("bad.csv: 2 bad rows, nothing was changed")
        assert "line 4:" in refused.summary and "line 6:" in refused.summary
        assert (await reports.products(database.unit_of_work, "downtown")).products == ()

        (tmp_path / "products.csv").write_text(PRODUCTS)
        assert "40 added" in await ask(ctx, "product import products.csv")
        await ask(ctx, "serving shot = 1.5 oz")
        await ask(ctx, 'map "Tito\'s Shot" = shot tito')
        await ask(ctx, 'modifier "Extra Lime" = + 0.5 oz lime')

        # Square connected: the catalog is read at once, and takes the rules made by name.
        client = await aiohttp_client(app_for(database, square))
        await connect(client, square)
        await settled(database)
        menu = await reports.unmapped(database.unit_of_work, "downtown", menu=True)
        assert len([s for s in menu.on_menu if s.kind.value == "item"]) == 60 - 1
        assert len([s for s in menu.on_menu if s.kind.value == "modifier"]) == 10 - 1
        history = (await run("history 5", ctx)).data["changes"]
        adopted = {(c["action"], c["target"]) for c in history if c["action"].endswith("adopt")}
        assert adopted == {("map.adopt", "Tito's Shot"), ("modifier.adopt", "Extra Lime")}

        # The rest of the menu: a CSV, then the review queue.
        (tmp_path / "mappings.csv").write_text(MAPPINGS)
        assert "2 added" in await ask(ctx, "map import mappings.csv")
        await ask(ctx, 'review accept "Tito\'s Double"')
        await ask(ctx, "review accept Double")
        await ask(ctx, "review accept Rocks")
        for product, containers in (
            ("tito", "2"),
            ("milagro", "2"),
            ("cointreau", "1"),
            ("lime", "1"),
            ("beefeater", "2"),
        ):
            await ask(ctx, f"count {product} {containers}")

        # The night: every order through a payment webhook, fetched from Square.
        for order_id in night(square):
            assert await send(client, payment_updated(order_id)) == 200
        await settled(database)

        stock = await reports.stock(database.unit_of_work, ctx.clock, "downtown")
        on_hand = {r.product.name: r.on_hand.milli for r in stock.rows if r.product.name in ON_HAND}
        assert on_hand == ON_HAND
        closed_day = today(ctx.venue, datetime.now(UTC) + timedelta(seconds=2))
        sales = await reports.sales(
            database.unit_of_work, ctx.clock, "downtown", Period("day", closed_day, closed_day)
        )
        assert (sales.net_sales.minor, sales.receipts) == (8_500, 5)
        assert sales.cogs.to_money().minor == 1_632
        unmapped = await reports.unmapped(database.unit_of_work, "downtown")
        assert [s.name for s in unmapped.items] == ["Nachos"]
        assert [s.name for s in unmapped.modifiers] == ["Splash Soda"]

        # Square renames an item: the mapping stays with its id, the name follows.
        square.catalog[2]["item_data"]["name"] = "Tito's Vodka Shot"  # type: ignore[index]
        assert await send(client, catalog_version_updated()) == 200
        await settled(database)
        closed = at(2)
        line = make_line("a", "Tito's Vodka Shot", 800, catalog_object_id="V-TITO")
        square.add_order(make_order("O6", lines=[line], closed_at=closed, updated_at=closed))
        assert await send(client, payment_updated("O6")) == 200
        await settled(database)
        tito = await reports.stock(database.unit_of_work, ctx.clock, "downtown", "tito")
        assert tito.rows[0].on_hand.milli == 1_233_840 - 44_360
        mapped = await reports.mappings(database.unit_of_work, ctx.clock, "downtown", "V-TITO")
        assert [m.pos_item.name for m in mapped.items] == ["Tito's Vodka Shot"]
    finally:
        await opened.close()
