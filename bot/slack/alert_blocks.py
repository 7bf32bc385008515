"""Alerts as Slack messages: the outbox payloads of `engine.usecases.notify`, in Block Kit.

Payload values are already formatted for people; POS and product names are escaped here (`&`,
`<`, `>`, as Slack asks). A Map button is a `barback_cmd:<n>` button whose value is the command
text `map "<item>"`: the command-button listener hands it to `bot.slack.modals.mapping_request`,
which opens the mapping modal. Modifiers get the command to type instead (the modal maps items).

An alert about many products or items (a delivery of a whole order going low, sixty new POS
items in a busy first hour) is never cut: it is split into as many messages as `bot.slack.blocks`
limits ask for, each after the first saying it continues the alert (`render_alert` returns them
in order; the dispatcher posts them in order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_BUTTON_VALUE,
    MAX_MESSAGE_CHARS,
    MAX_TEXT,
    SlackMessage,
    command_action_id,
    context_blocks,
    escape,
    fallback,
    section_blocks,
    split_text,
)
from bot.slack.modals import quote_name
from bot.slack.pages import paginate
from engine.alerts import AlertKind

__all__ = ["render_alert"]

Payload = Mapping[str, Any]
MAX_HEADER = 150
CONTINUED_CHARS = 400  # the "continued" line heading every message after the first


def render_alert(kind: AlertKind, payloads: Sequence[Payload]) -> list[SlackMessage]:
    """The messages for one outbox row (several rows for UNMAPPED: a venue's batch), in order:
    one, unless the alert is too long for one."""
    if kind is AlertKind.LOW_STOCK:
        return _low_stock(payloads[0])
    if kind is AlertKind.RESTOCKED:
        return _restocked(payloads[0])
    if kind is AlertKind.VARIANCE:
        return _variance(payloads[0])
    if kind is AlertKind.ADOPTED:
        return _adopted(payloads[0])
    if kind is AlertKind.REFUSED:
        return _refused(payloads[0])
    if kind is AlertKind.DISCONNECTED:
        return _disconnected(payloads[0])
    return _unmapped(payloads)


def _messages(text: str, blocks: list[Block], continued: str) -> list[SlackMessage]:
    pages = paginate(
        blocks, max_blocks=MAX_BLOCKS - 1, max_chars=MAX_MESSAGE_CHARS - CONTINUED_CHARS
    )
    messages = []
    for n, page in enumerate(pages, start=1):
        if n > 1:
            note = f"{continued} ({n} of {len(pages)})"
            page = [*context_blocks([note]), *page]
        shown = text if n == 1 else f"{text} ({n} of {len(pages)})"
        messages.append(SlackMessage(fallback(shown), tuple(b.to_dict() for b in page)))
    return messages


def _adopted(payload: Payload) -> list[SlackMessage]:
    text = f":link: {escape(str(payload['text']))} ({escape(str(payload['venue']))})"
    return _messages(text, section_blocks(text), "continued")


def _header(text: str, short: str) -> HeaderBlock:
    """A header of `text`, or of `short` when `text` is over Slack's 150 characters (what it
    would have listed is in the sections below)."""
    return HeaderBlock(text=PlainTextObject(text=text if len(text) <= MAX_HEADER else short))


def _by(payload: Payload) -> str:
    cause = str(payload.get("cause") or "a change")
    actor = payload.get("actor")
    return f"after {escape(cause)}" + (f" by {escape(str(actor))}" if actor else "")


def _low_stock(payload: Payload) -> list[SlackMessage]:
    rows: Sequence[Payload] = payload["products"]
    names = ", ".join(str(r["product"]) for r in rows)
    venue = escape(str(payload["venue"]))
    count = f"Low stock: {len(rows)} products"
    blocks: list[Block] = [_header(f"Low stock: {names}", count)]
    for row in rows:
        days = row.get("days_to_stockout")
        lines = [
            f"*{escape(str(row['product']))}*: {row['on_hand']} left "
            f"({escape(str(row['on_hand_quantity']))}), reorder point {row['reorder_at']}",
            f"Suggested order: *{row['suggested_order']}* to reach par {row['par']}"
            + (f" · about {days} days to stockout" if days is not None else ""),
        ]
        blocks += section_blocks("\n".join(lines))
    blocks += context_blocks([f"{venue}, {_by(payload)}"])
    text = f":warning: Low stock at {venue}: {escape(names)}"
    return _messages(text, blocks, f"Low stock at {venue}, continued")


def _restocked(payload: Payload) -> list[SlackMessage]:
    text = (
        f":white_check_mark: *{escape(str(payload['product']))}* is back above its reorder point "
        f"({payload['on_hand']} on hand, reorder point {payload['reorder_at']}), {_by(payload)}."
    )
    return _messages(text, section_blocks(text), "continued")


def _disconnected(payload: Payload) -> list[SlackMessage]:
    provider = escape(str(payload["provider"]))
    venue = escape(str(payload["venue"]))
    accounts = ", ".join(escape(str(a)) for a in payload.get("accounts") or [])
    actor = payload.get("actor")
    why = f"{escape(str(actor))} disconnected it" if actor else escape(str(payload["reason"]))
    text = (
        f":electric_plug: *barback no longer reads {provider}* for {venue}"
        + (f" (account {accounts})" if accounts else "")
        + f": {why}. Sales rung on {provider} are not recorded, so stock drifts, until a manager "
        f"runs `{escape(str(payload['command']))}` again."
    )
    return _messages(text, section_blocks(text), "continued")


def _variance(payload: Payload) -> list[SlackMessage]:
    product = escape(str(payload["product"]))
    fields = [
        f"*Expected usage*\n{escape(str(payload['expected']))}",
        f"*Actual usage*\n{escape(str(payload['actual']))}",
        f"*Variance*\n{escape(str(payload['variance']))} ({payload['pct']})",
        f"*Cost*\n{escape(str(payload['cost']))}",
    ]
    name = str(payload["product"])
    between = (
        f"Between the counts of {payload['from']} and {payload['to']} "
        f"(waste recorded: {escape(str(payload['waste']))})."
    )
    if len(f"Variance: {name}") > MAX_HEADER:  # the header cannot name it: the text does
        between = f"*{product}*: {between}"
    *before, last = split_text(between, MAX_TEXT)
    blocks: list[Block] = [
        _header(f"Variance: {name}", "Variance"),
        *(SectionBlock(text=MarkdownTextObject(text=part)) for part in before),
        SectionBlock(
            text=MarkdownTextObject(text=last),
            fields=[MarkdownTextObject(text=f) for f in fields],
        ),
        *context_blocks(
            [
                f"{escape(str(payload['venue']))} · over the alert threshold of "
                f"{escape(str(payload['threshold']))} · count by "
                f"{escape(str(payload.get('actor') or 'someone'))}"
            ]
        ),
    ]
    text = f":mag: Variance on {product}: {payload['pct']} ({escape(str(payload['cost']))})"
    return _messages(text, blocks, f"Variance on {product}, continued")


def _refused(payload: Payload) -> list[SlackMessage]:
    venue = escape(str(payload["venue"]))
    what = escape(str(payload["what"]))
    note = payload.get("note") or (
        "Nothing of it was booked. `barback events --failed` lists it; after a fix at the POS, "
        "`barback events replay <id>` books it."
    )
    text = (
        f":no_entry: *barback refused {what}* at {venue}: {escape(str(payload['reason']))}\n"
        f"{escape(str(note))}"
    )
    return _messages(text, section_blocks(text), "continued")


def _unmapped(payloads: Sequence[Payload]) -> list[SlackMessage]:
    venue = escape(str(payloads[0]["venue"]))
    items = sorted(payloads, key=lambda p: (str(p["kind"]), str(p["name"]).casefold()))
    things = "thing" if len(items) == 1 else "things"
    blocks = section_blocks(
        f":question: *{len(items)} new POS {things} sold without a mapping* at {venue}: "
        "their sales are not recorded until mapped."
    )
    for n, item in enumerate(items):
        blocks += _unmapped_blocks(n, item)
    names = ", ".join(str(p["name"]) for p in items)
    text = f"New unmapped POS items at {venue}: {escape(names)}"
    return _messages(text, blocks, f"New unmapped POS items at {venue}, continued")


def _unmapped_blocks(n: int, item: Payload) -> list[Block]:
    name = str(item["name"])
    seen = int(item.get("seen") or 1)
    head = f"*{escape(name)}* ({item['kind']}, {escape(str(item['provider']))}, seen {seen}×)"
    if item["kind"] != "item":
        typed = quote_name(name) or quote_name(str(item["external_id"])) or "…"
        hint = (
            f"`modifier {escape(typed)} = x2 | + 0.5 oz <product> | swap <a> -> <b> | price only`"
        )
        return section_blocks(f"{head}\n{hint}")
    guesses: Sequence[Payload] = item.get("guess") or []
    lines = [head]
    if guesses:
        guess = " + ".join(
            f"{escape(str(g['quantity']))} {escape(str(g['product']))}".strip() for g in guesses
        )
        lines.append(f"Best guess: {guess}")
    named = quote_name(name) or quote_name(str(item["external_id"]))
    text = "\n".join(lines)
    command = None if named is None else f"map {named}"
    if command is None or len(command) > MAX_BUTTON_VALUE:
        typed = "" if command is None else f"\nMap it by typing `{escape(command)} = <recipe>`"
        return section_blocks(text + typed)
    button = ButtonElement(
        text=PlainTextObject(text="Map"),
        action_id=command_action_id(n),
        value=command,
        style="primary",
    )
    if len(text) > MAX_TEXT:
        return [*section_blocks(text), ActionsBlock(elements=[button])]
    return [SectionBlock(text=MarkdownTextObject(text=text), accessory=button)]
