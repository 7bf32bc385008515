"""`barback demo`: a realistic night of signed generic webhooks against a running service.

    barback demo [--url http://localhost:8080] [--receipts 300] [--venue demo] [--seed N]

Sets up the venue (created in the database if missing: America/New_York, USD, US units), its
products, servings, mapped items and modifier rules and an opening count, all through the command
grammar, then POSTs a night of receipts to `{url}/webhooks/generic/{venue}`, signed with the
venue's secret: cocktails with modifiers, ~5% comps, one unmapped item ("Espresso Martini") and
one refund. Receipts close between the business day's start and now (evening hours where the day
has reached them), never in the future.

Decisions:
- The set-up runs on a clock at the start of the business day, so the mappings and the count are
  in force before the night's first receipt (mappings are forward-only). A product that already
  exists (a rerun) is left as it is and not counted again.
- Event and receipt ids derive from the seed: a rerun with the same `--seed` is all duplicates;
  without one a random seed is drawn (and printed), so each run books a new night.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from app.subcommands import Subparsers, add_command

# Imported when the command runs: `barback --help` must not pay for asyncio, aiohttp or zoneinfo.
if TYPE_CHECKING:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    import aiohttp

    from app.config import Settings

DEFAULT_VENUE = "demo"
CONCURRENCY = 16
HEALTH_TIMEOUT_SECONDS = 5.0

PRODUCTS: Sequence[tuple[str, str, str]] = (
    # (name, the rest of `product add`, opening count in containers)
    ("Tito's Vodka", "750ml $22.50 par 12 reorder 4 category vodka", "16"),
    ("Milagro Silver", "750ml $24.00 par 8 reorder 3 category tequila", "14"),
    ("Patron Silver", "750ml $42.00 par 4 reorder 2 category tequila", "6"),
    ("Cointreau", "750ml $34.00 par 4 reorder 2 category liqueur", "8"),
    ("Bulleit Bourbon", "750ml $28.00 par 8 reorder 3 category whiskey", "20"),
    ("Sweet Vermouth", "750ml $15.00 par 3 reorder 1 category vermouth", "5"),
    ("Lime Juice", "1l $6.00 par 6 reorder 2 category mixer", "10"),
    ("Simple Syrup", "1l $3.00 par 3 reorder 1 category mixer", "4"),
    ("House IPA", "1/2bbl $180.00 par 2 reorder 1 category beer", "3"),
    ("House Red", "750ml $9.00 par 12 reorder 4 category wine", "24"),
)
SERVINGS = ("serving shot = 1.5 oz", "serving pint = 16 oz", "serving glass = 5 oz")
MAPPINGS = (
    'map "Margarita" = 1.5 oz Milagro + 0.75 oz Cointreau + 1 oz Lime Juice',
    'map "Old Fashioned" = 2 oz Bulleit + 0.25 oz Simple Syrup',
    'map "Manhattan" = 2 oz Bulleit + 1 oz Sweet Vermouth',
    'map "Vodka Gimlet" = 2 oz Tito + 0.75 oz Lime Juice + 0.5 oz Simple Syrup',
    'map "Tito\'s & Soda" = 1 shot Tito',
    'map "Tequila Shot" = 1 shot Milagro',
    'map "IPA Pint" = 1 pint House IPA',
    'map "House Red Glass" = 1 glass House Red',
)
MODIFIERS = (
    'modifier "Double" = x2',
    'modifier "Top Shelf" = swap Milagro -> Patron',
    'modifier "Extra Lime" = + 0.5 oz Lime Juice',
    'modifier "Salt Rim" = price only',
)


def add_demo_command(commands: Subparsers[argparse.ArgumentParser]) -> None:
    """Add `demo` to the `barback` parser's subcommands."""
    demo = add_command(
        commands,
        "demo",
        run_demo,
        summary="set up a demo venue and send a night of signed webhooks to a running service",
        description="Set up a demo venue (products, servings, mappings, modifiers, a count) and "
        "send it a realistic night of signed generic webhooks: cocktails with modifiers, comps, "
        "a refund and an unmapped item. Run `barback serve` (or `make run`) first.",
        examples=[
            "barback demo",
            "barback demo --url http://127.0.0.1:8099 --receipts 40 --seed 7",
            "barback --venue demo sales today",
        ],
    )
    demo.add_argument("--url", help="the running service (default http://localhost:$PORT)")
    demo.add_argument("--receipts", type=int, default=300, metavar="N", help="receipts (300)")
    # SUPPRESS: without --venue here, the global one (before `demo`) stands.
    demo.add_argument("--venue", metavar="SLUG", default=argparse.SUPPRESS, help="(demo)")
    demo.add_argument("--seed", type=int, help="make the night (and its ids) reproducible")


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from engine.errors import InvalidInput

    if args.receipts < 1:
        raise InvalidInput("--receipts needs at least 1")
    url = (args.url or f"http://localhost:{settings.port}").rstrip("/")
    slug = getattr(args, "venue", None) or DEFAULT_VENUE
    try:
        sent = asyncio.run(
            demo(
                settings, url=url, slug=slug, receipts=args.receipts, seed=args.seed, user=args.user
            )
        )
    except ServiceUnavailable as unavailable:
        print(f"barback: {unavailable}", file=sys.stderr)
        return 1
    return 0 if sent.refused == 0 and sent.failed == 0 else 1


class ServiceUnavailable(Exception):
    """No healthy barback answered where the demo looked: nothing was created."""


class Sent(NamedTuple):
    total: int
    accepted: int
    duplicate: int
    refused: int
    failed: int


async def demo(
    settings: Settings,
    *,
    url: str,
    slug: str,
    receipts: int,
    seed: int | None,
    user: str = "demo",
    now: datetime | None = None,
    out: Any = None,
) -> Sent:
    """Check the service, set the venue up, send the night, print a summary; what the service
    answered. Raises `ServiceUnavailable` (before creating anything) when `url` has no healthy
    service."""
    import random
    from datetime import UTC, datetime

    from app.demo_night import night

    out = out or sys.stderr
    await check_health(url, out)
    if seed is None:
        seed = random.SystemRandom().randrange(1, 1_000_000)
        print(f"seed {seed} (pass --seed {seed} to send this night again)", file=out)
    now = now or datetime.now(UTC)
    secret, zone, cutoff = await set_up(settings, slug, user, now, out)
    events = night(random.Random(seed), seed, receipts, now, zone, cutoff)
    sent = await send(url, slug, secret, events, out)
    print(
        f"sent {sent.total} events: accepted {sent.accepted}, duplicate {sent.duplicate}, "
        f"refused {sent.refused}" + (f", failed {sent.failed}" if sent.failed else ""),
        file=out,
    )
    print(
        f"try: barback --venue {slug} sales today\n"
        f"     barback --venue {slug} unmapped\n"
        f"     barback --venue {slug} stock\n"
        f"     barback --venue {slug} why tito\n"
        f"     barback shell --venue {slug}",
        file=out,
    )
    return sent


async def check_health(url: str, out: Any) -> None:
    """`GET {url}/healthz` must answer 200: the service runs and reaches its database."""
    import aiohttp

    where = f"{url}/healthz"
    advice = "start it with `make run` or `barback serve`, or pass --url"
    timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(where) as response,
        ):
            status = response.status
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        reason = "it timed out" if isinstance(error, TimeoutError) else "nothing answered"
        raise ServiceUnavailable(f"no barback service at {where}: {reason}; {advice}") from None
    if status != 200:
        raise ServiceUnavailable(
            f"the service at {where} is not healthy (HTTP {status}: is its database up?); {advice}"
        )
    print(f"the service at {url} is healthy (checked {where})", file=out)


class _FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


async def set_up(
    settings: Settings, slug: str, user: str, now: datetime, out: Any
) -> tuple[str, ZoneInfo, time]:
    """The venue (added if missing) with its bar set up; its secret, zone and day cutoff."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from app.clock import SystemClock
    from app.demo_night import day_start
    from bot.commands.session import Actor, SessionContext, run
    from engine.errors import NotFound
    from engine.venue_admin import add_venue, venue_secret
    from storage.migrate import open_migrated

    database = await open_migrated(settings.database_url)
    try:
        try:
            async with database.unit_of_work() as uow:
                venue = await uow.venues.get(slug)
        except NotFound:
            venue = await add_venue(
                database.unit_of_work,
                SystemClock(),
                slug=slug,
                name="Demo Bar",
                timezone="America/New_York",
                currency="USD",
                units="us",
                actor="demo",
            )
            print(f"added venue {slug} (Demo Bar, America/New_York, USD)", file=out)
        zone = ZoneInfo(venue.timezone)
        start = day_start(now, zone, venue.day_cutoff)
        ctx = SessionContext(
            venue=venue,
            actor=Actor.terminal(user),
            uow=database.unit_of_work,
            clock=_FixedClock(start.astimezone(UTC)),
        )
        added: list[str] = []
        for name, rest, _ in PRODUCTS:
            reply = await run(f'product add "{name}" {rest}', ctx)
            if reply.ok:
                added.append(name)
            elif reply.error_code != "conflict":
                raise RuntimeError(f"`product add {name}` refused: {reply.summary}")
        setup = [
            *SERVINGS,
            *MAPPINGS,
            *MODIFIERS,
            *(f'count "{name}" {n}' for name, _, n in PRODUCTS if name in added),
        ]
        for words in setup:
            reply = await run(words, ctx)
            if not reply.ok:
                raise RuntimeError(f"`{words}` refused: {reply.summary}")
        print(
            f"set up {slug}: {len(PRODUCTS)} products ({len(added)} new), {len(SERVINGS)} "
            f"servings, {len(MAPPINGS)} mapped items, {len(MODIFIERS)} modifier rules",
            file=out,
        )
        return await venue_secret(database.unit_of_work, slug), zone, venue.day_cutoff
    finally:
        await database.close()


async def send(
    url: str, slug: str, secret: str, events: Sequence[dict[str, Any]], out: Any
) -> Sent:
    """POST each event signed, `CONCURRENCY` at a time; count the service's answers."""
    import asyncio
    import json
    import time as clock_time

    import aiohttp

    from integrations.generic.verify import HEADER, sign

    endpoint = f"{url}/webhooks/generic/{slug}"
    counts = {"accepted": 0, "duplicate": 0, "refused": 0, "failed": 0}
    done = 0
    problems: list[str] = []
    gate = asyncio.Semaphore(CONCURRENCY)
    step = max(1, len(events) // 10)

    async def post(session: aiohttp.ClientSession, event: dict[str, Any]) -> None:
        nonlocal done
        body = json.dumps(event).encode()
        headers = {
            HEADER: sign(secret, body, int(clock_time.time())),
            "Content-Type": "application/json",
        }
        async with gate:
            try:
                async with session.post(endpoint, data=body, headers=headers) as response:
                    text = await response.text()
                    status = _status(response.status, text)
                    if status == "refused" and len(problems) < 3:
                        problems.append(f"{event['event_id']}: HTTP {response.status} {text[:200]}")
            except (aiohttp.ClientError, TimeoutError) as error:
                status = "failed"
                if len(problems) < 3:
                    problems.append(f"{event['event_id']}: {error or 'no answer in time'}")
        counts[status] += 1
        done += 1
        if done % step == 0 or done == len(events):
            print(f"  {done}/{len(events)} sent", file=out)

    print(f"sending {len(events)} events to {endpoint}", file=out)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(post(session, event) for event in events))
    for problem in problems:
        print(f"  {problem}", file=out)
    if counts["failed"] == len(events):
        print(f"is the service running at {url}? (`make run` or `barback serve`)", file=out)
    return Sent(
        len(events), counts["accepted"], counts["duplicate"], counts["refused"], counts["failed"]
    )


def _status(http_status: int, text: str) -> str:
    import json

    if http_status >= 300:
        return "refused"
    try:
        answer = json.loads(text).get("status")
    except (ValueError, AttributeError):
        return "accepted"
    return "duplicate" if answer == "duplicate" else "accepted"
