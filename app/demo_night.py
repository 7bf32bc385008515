"""The demo's night: what the bar sells, and a night of generic `receipt.closed` events.

`night(...)` draws `receipts` receipts between the evening's start and now (busier late), one
with the unmapped item, ~5% comped, then one refund of an early paid line. `app.demo` sets the bar
up and sends them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

COMP_RATE = 0.05
UNMAPPED_ITEM = "Espresso Martini"


@dataclass(frozen=True, slots=True)
class MenuItem:
    name: str
    price: int  # cents
    weight: int
    modifiers: tuple[tuple[str, int, float], ...] = ()  # (name, price cents, probability)


MENU = (
    MenuItem("Margarita", 1200, 18, (("Top Shelf", 400, 0.2), ("Salt Rim", 0, 0.4))),
    MenuItem("Old Fashioned", 1300, 12, (("Double", 900, 0.1),)),
    MenuItem("Manhattan", 1400, 7),
    MenuItem("Vodka Gimlet", 1100, 8, (("Extra Lime", 0, 0.2),)),
    MenuItem("Tito's & Soda", 900, 14, (("Double", 600, 0.15),)),
    MenuItem("Tequila Shot", 800, 8, (("Top Shelf", 400, 0.25),)),
    MenuItem("IPA Pint", 700, 20),
    MenuItem("House Red Glass", 1000, 10),
    MenuItem(UNMAPPED_ITEM, 1400, 4),
)


def day_start(now: datetime, zone: ZoneInfo, cutoff: time) -> datetime:
    """When the business day in progress at `now` began (local, aware)."""
    from engine.receipt import business_day

    today: date = business_day(now, zone, cutoff)
    return datetime.combine(today, cutoff, tzinfo=zone)


def window(now: datetime, zone: ZoneInfo, cutoff: time) -> tuple[datetime, datetime]:
    """The stretch of the business day so far the receipts close in: the evening from 17:00
    once the day has reached 18:00, else from noon once past 13:00, else from the day's start."""
    start = day_start(now, zone, cutoff)
    end = now.astimezone(zone) - timedelta(seconds=5)
    for hour in (17, 12):
        candidate = datetime.combine(start.date(), time(hour), tzinfo=zone)
        if end - candidate >= timedelta(hours=1):
            return candidate, end
    return start, max(end, start)


def night(
    rng: random.Random, seed: int, receipts: int, now: datetime, zone: ZoneInfo, cutoff: time
) -> list[dict[str, Any]]:
    """The night's events: `receipts` receipt.closed, then one receipt.refunded."""
    first, last = window(now, zone, cutoff)
    span = (last - first).total_seconds()
    # Busier as the night goes on: triangular, peaking three quarters of the way in.
    offsets = sorted(rng.triangular(0, span, span * 0.75) for _ in range(receipts))
    weights = [item.weight for item in MENU]
    events: list[dict[str, Any]] = []
    unmapped_sent = False
    for n, offset in enumerate(offsets, start=1):
        closed_at = first + timedelta(seconds=int(offset))
        picks = rng.choices(MENU, weights=weights, k=rng.choice((1, 1, 2, 2, 3, 4)))
        if not unmapped_sent and n == max(1, receipts // 3):
            picks[0] = MENU[-1]
        unmapped_sent = unmapped_sent or any(item.name == UNMAPPED_ITEM for item in picks)
        lines = receipt_lines(rng, picks, quantities=(1, 1, 1, 1, 2))
        events.append(
            {
                "event_id": f"evt-demo-{seed}-{n}",
                "type": "receipt.closed",
                "receipt": {
                    "id": f"R-demo-{seed}-{n}",
                    "closed_at": closed_at.isoformat(timespec="seconds"),
                    "currency": "USD",
                    "lines": lines,
                },
            }
        )
    # A guest sends back the first line of a paid receipt from early in the night.
    paid = [e for e in events[: max(1, len(events) // 2)] if e["receipt"]["lines"][0]["net_amount"]]
    if paid:
        original = rng.choice(paid)["receipt"]
        line = original["lines"][0]
        refunded_at = min(
            datetime.fromisoformat(original["closed_at"]) + timedelta(minutes=20), last
        )
        unit = line["net_amount"] // int(line["quantity"])
        events.append(
            {
                "event_id": f"evt-demo-{seed}-refund",
                "type": "receipt.refunded",
                "receipt": {
                    "id": f"RF-demo-{seed}-1",
                    "refund_of": original["id"],
                    "closed_at": refunded_at.isoformat(timespec="seconds"),
                    "currency": "USD",
                    "lines": [{"id": line["id"], "quantity": "1", "net_amount": unit}],
                },
            }
        )
    return events


def receipt_lines(
    rng: random.Random, picks: Sequence[MenuItem], *, quantities: Sequence[int]
) -> list[dict[str, Any]]:
    """Generic-format lines for these menu items: a random quantity each, modifiers drawn by
    their odds and priced in, the whole receipt comped (net 0) at COMP_RATE."""
    comp = rng.random() < COMP_RATE
    lines = []
    for i, item in enumerate(picks, start=1):
        quantity = rng.choice(quantities)
        modifiers = [(m, price) for m, price, p in item.modifiers if rng.random() < p]
        unit = item.price + sum(price for _, price in modifiers)
        line: dict[str, Any] = {
            "id": f"L{i}",
            "name": item.name,
            "quantity": str(quantity),
            "net_amount": 0 if comp else unit * quantity,
        }
        if modifiers:
            line["modifiers"] = [{"name": m, "quantity": "1"} for m, _ in modifiers]
        lines.append(line)
    return lines
