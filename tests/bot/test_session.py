"""`session.run` against the real storage (SQLite and PostgreSQL): every command's happy path
and its refusal, as a front-end sees them (a `Reply`, never an exception)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.commands.session import Actor, SessionContext, run
from engine.connect_links import verify_connect_token
from engine.errors import NotAllowed
from engine.venue_admin import add_venue
from storage.database import Database

T0 = datetime.fromisoformat("2026-11-21T17:00:00-05:00")
HOUR = timedelta(hours=1)
CONNECT_KEY = "test-connect-key"


@dataclass
class Clock:
    at: datetime = T0

    def now(self) -> datetime:
        self.at += timedelta(seconds=1)  # every change a moment after the last
        return self.at


@pytest.fixture
async def ctx(database: Database) -> SessionContext:
    clock = Clock()
    venue = await add_venue(
        database.unit_of_work,  # type: ignore[arg-type]
        clock,
        slug="downtown",
        name="Downtown",
        timezone="America/New_York",
        currency="USD",
        actor="test",
    )
    context = SessionContext(
        venue=venue,
        actor=Actor.terminal("sam"),
        uow=database.unit_of_work,  # type: ignore[arg-type]
        clock=clock,
        public_url="https://bar.example",
        connect_key=CONNECT_KEY,
    )
    for line in (
        'product add "Tito\'s Vodka" 750ml $22.50 par 6 reorder 2 category vodka',
        'product add "Milagro Blanco" 750ml 30 par 4 reorder 1',
        "product add Cointreau 750ml 36 par 2 reorder 1",
        "serving shot = 1.5 oz",
        'map "Tito\'s Shot" = shot Tito',
        "map Margarita = 1.5 oz Milagro + 0.75 oz Cointreau",
        "count tito 3",
    ):
        reply = await run(line, context)
        assert reply.ok, (line, reply.summary)
    return context


HAPPY = [
    ("help", "Reading (anyone in the workspace):"),
    ("help map", 'map "<pos item>" = <quantity> <product>'),
    ("stock", "Downtown: 3 products, 2 low"),
    ("stock tito", "Tito's Vodka: 76.08 oz (2250.0 ml) on hand, 3.000 containers"),
    ("sales yesterday", "Downtown, 2026-11-20: net sales $0.00, COGS $0.00, pour cost n/a"),
    ("variance", "no variance yet: a product needs two counts"),
    ("unmapped", "every POS item and modifier seen is mapped"),
    ("mappings", "2 POS items mapped, 0 modifier rules"),
    ("products", "3 products"),
    ("why tito", "Tito's Vodka: 76.08 oz (2250.0 ml) on hand = count 76.08 oz (2250.0 ml)"),
    ("simulate Margarita", "one Margarita would cost $2.84 (nothing was changed)"),
    ("history 3", "the latest 3 changes"),
    ("product set tito cost $21.75", "changed Tito's Vodka: cost $22.50 -> $21.75 (by sam)"),
    ("product set milagro par 5", "changed Milagro Blanco: par 4 -> 5 (by sam)"),
    ("serving double = 3 oz", "set serving double: quantity 3.00 oz (88.7 ml)"),
    (
        "map Mojito = 2 oz Tito",
        "mapped Mojito: recipe 2.00 oz (59.1 ml) Tito's Vodka, bound to the first POS item named"
        " so (none seen yet) (by sam)",
    ),
    ("unmap Margarita", "unmapped Margarita: recipe was 1.50 oz (44.4 ml) Milagro Blanco"),
    ("modifier Double = x2", "set modifier Double: rule x2, bound to the first POS modifier"),
    ("modifier Cadillac = + 0.5 oz Cointreau", "set modifier Cadillac: rule + 0.50 oz"),
    ("modifier Salt = price only", "set modifier Salt: rule price only, bound to the first"),
    ("count cointreau 2550 ml", "counted Cointreau: on hand 0.00 oz (0.0 ml) -> 86.23 oz"),
    ("receive milagro 2 @ 29", "received Milagro Blanco: on hand 0.00 oz (0.0 ml) -> 50.72 oz"),
    ("waste tito 1 oz spilled", "recorded waste of Tito's Vodka: on hand 76.08 oz (2250.0 ml)"),
    ("alerts C0123ABC", "set alerts of downtown: alert channel none -> C0123ABC (by sam)"),
    ("alerts low off", "set alerts of downtown: low stock alerts on -> off (by sam)"),
    ("alerts variance 5% min $20", "set alerts of downtown: variance alert pct none -> 5%"),
    ("summary 09:00 C0123ABC", "set the daily summary of downtown: summary time none -> 09:00"),
    ("summary off", "set the daily summary of downtown: summary time none (unchanged)"),
    ("connect square", "connect square: open https://bar.example/connect/square?venue=downtown"),
]


@pytest.mark.parametrize(("text", "summary"), HAPPY, ids=[t for t, _ in HAPPY])
async def test_each_command_answers(ctx: SessionContext, text: str, summary: str) -> None:
    reply = await run(text, ctx)
    assert reply.ok, reply.summary
    assert reply.summary.startswith(summary)


REFUSED = [
    ("stok", "invalid_input", "unknown command 'stok'", "did you mean: stock [<product>]"),
    ("stock vodkaa", "not_found", "no product named 'vodkaa'", None),
    ("sales 2026-11-30..2026-11-01", "invalid_input", "", None),
    ("variance gin", "not_found", "no product named 'gin'", None),
    ("mappings Mojito", "not_found", "no POS item named 'Mojito'", None),
    ("why", "invalid_input", "missing product", 'usage: why "<product>"'),
    ("simulate Negroni", "not_found", "no POS item named 'Negroni'", None),
    ("history 0", "invalid_input", "history shows 1 to 1000 changes, not 0", None),
    ('product add "Tito\'s Vodka" 750ml 20', "conflict", "", None),
    ("product add Gin 750 20", "invalid_input", "", "usage: product add"),
    ("product set gin cost 20", "not_found", "no product named 'gin'", None),
    ("serving shot = 2", "invalid_input", "", None),
    ("map Negroni = 1 oz Gin", "not_found", "no product named 'Gin'", None),
    ("unmap Negroni", "not_found", "", None),
    ("modifier Double = swap Gin -> Tito", "not_found", "no product named 'Gin'", None),
    ("count tito 2 each", "invalid_input", "", None),
    ("receive tito 2 @ €20", "invalid_input", "", None),
    ("waste tito", "invalid_input", "missing quantity wasted", None),
    ("alerts #bar-alerts", "invalid_input", "#bar-alerts is a channel name", "give the channel id"),
    ("alerts variance -5%", "invalid_input", "", None),
    ("use uptown", "slack_only", "use works in Slack only", "type it as /barback use"),
    ("managers add U0123ABC", "slack_only", "managers add works in Slack only", None),
    ("summary post", "slack_only", "summary post works in Slack only", None),
]


@pytest.mark.parametrize(("text", "code", "message", "hint"), REFUSED, ids=[r[0] for r in REFUSED])
async def test_each_refusal_says_why_and_changes_nothing(
    ctx: SessionContext, text: str, code: str, message: str, hint: str | None
) -> None:
    before = (await run("history 1000", ctx)).data
    reply = await run(text, ctx)
    assert not reply.ok
    assert reply.error_code == code, reply.summary
    assert reply.summary.startswith(message)
    assert reply.data["error"] == code and reply.data["message"] == reply.summary
    if hint is not None:
        assert str(reply.data["hint"]).startswith(hint)
    assert (await run("history 1000", ctx)).data == before


async def test_a_slack_member_who_is_not_a_manager_may_read_but_not_change(
    ctx: SessionContext,
) -> None:
    from dataclasses import replace

    member = replace(ctx, actor=Actor("slack", "U0999", "robin", is_manager=False))
    assert (await run("stock tito", member)).ok
    reply = await run("count tito 2", member)
    assert (reply.ok, reply.error_code) == (False, "not_allowed")
    assert reply.summary == "count changes things: only a manager may do that"
    assert (await run("stock tito", ctx)).summary.startswith("Tito's Vodka: 76.08 oz (2250.0 ml)")


async def test_a_change_names_who_made_it_in_the_json_and_the_audit_log(
    ctx: SessionContext,
) -> None:
    reply = await run("product set tito reorder 3", ctx)
    assert dict(reply.data) == {
        "venue": "downtown",
        "action": "product.set.reorder",
        "target": "Tito's Vodka",
        "old": {"reorder": "2"},
        "new": {"reorder": "3"},
        "by": "terminal:sam",
        "at": reply.data["at"],
    }
    latest = (await run("history 1", ctx)).data["changes"]
    assert isinstance(latest, list)
    assert latest[0]["actor"] == "terminal:sam" and latest[0]["new"] == {"reorder": "3"}


async def test_a_front_end_may_answer_its_own_commands(ctx: SessionContext) -> None:
    from dataclasses import replace

    from bot.commands import commands as c
    from bot.commands.replies import Reply

    async def bind(command: c.Command, _: SessionContext) -> Reply:
        assert isinstance(command, c.Use)
        return Reply(f"this channel now reports on {command.venue}")

    slack = replace(ctx, front_end_handlers={c.Use: bind})
    assert (await run("use uptown", slack)).summary == "this channel now reports on uptown"


async def test_unmapped_items_come_with_a_map_action(ctx: SessionContext) -> None:
    from engine.usecases.ingest import ingest_receipt
    from integrations.generic.normalize import ReceiptClosed, normalize

    event = normalize(
        {
            "event_id": "e1",
            "type": "receipt.closed",
            "receipt": {
                "id": "R-1",
                "closed_at": "2026-11-21T21:00:00-05:00",
                "currency": "USD",
                "lines": [
                    {"id": "L1", "name": "Espresso Martini", "quantity": "2", "net_amount": 2600}
                ],
            },
        }
    )
    assert isinstance(event, ReceiptClosed)
    await ingest_receipt(ctx.uow, ctx.clock, ctx.slug, event.receipt)
    reply = await run("unmapped", ctx)
    assert [(a.label, a.command) for a in reply.actions] == [("Map", 'map "Espresso Martini" = ')]
    items = reply.data["items"]
    assert isinstance(items, list)
    assert items[0]["name"] == "Espresso Martini" and items[0]["seen"] == 1


async def test_connect_signs_its_link_for_this_venue(ctx: SessionContext) -> None:
    reply = await run("connect square", ctx)
    url = urlsplit(str(reply.data["url"]))
    query = parse_qs(url.query)
    assert (url.path, query["venue"]) == ("/connect/square", ["downtown"])
    # The link is good for this venue and POS only, and for half an hour.
    now = ctx.clock.now()
    verify_connect_token(CONNECT_KEY, "square", "downtown", query["token"][0], now)
    with pytest.raises(NotAllowed):
        verify_connect_token(CONNECT_KEY, "square", "uptown", query["token"][0], now)
    with pytest.raises(NotAllowed):
        verify_connect_token(CONNECT_KEY, "square", "downtown", query["token"][0], now + HOUR)


async def test_connect_without_a_key_is_refused(ctx: SessionContext) -> None:
    reply = await run("connect square", replace(ctx, connect_key=None))
    assert not reply.ok
    assert "secret key" in reply.summary


async def test_restock_refunds_is_a_manager_s_audited_change(ctx: SessionContext) -> None:
    """Issue 11: no command turned `restock_refunds` on. It answers old and new value, is in
    the history, and only a manager may make it."""
    from dataclasses import replace

    reply = await run("restock_refunds on", ctx)
    assert (
        reply.ok and reply.summary == "set refunds of downtown: restock refunds off -> on (by sam)"
    )
    assert (reply.data["old"], reply.data["new"]) == (
        {"restock_refunds": False},
        {"restock_refunds": True},
    )
    latest = (await run("history 1", ctx)).data["changes"]
    assert isinstance(latest, list) and latest[0]["action"] == "venue.restock_refunds"
    member = replace(ctx, actor=Actor("slack", "U0999", "robin", is_manager=False))
    refused = await run("restock_refunds off", member)
    assert (refused.ok, refused.error_code) == (False, "not_allowed")
    assert (await run("restock_refunds off", ctx)).data["old"] == {"restock_refunds": True}
