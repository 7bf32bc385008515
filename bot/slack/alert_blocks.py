"""Alerts as Slack messages: the outbox payloads of `engine.usecases.notify`, in Block Kit.

Payload values are already formatted for people; POS and product names are escaped here (`&`,
`<`, `>`, as Slack asks). A Map button is a `barback_cmd:<n>` button whose value is the command
text `map "<item>"`: the command-button listener hands it to `bot.slack.modals.mapping_request`,
which opens the mapping modal. Modifiers get the command to type instead (the modal maps items).
Limits (slack-platform.md §3.6): 50 blocks a message, 3000 characters a section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.slack.blocks import MAX_BLOCKS, SlackMessage, command_action_id, escape
from bot.slack.modals import quote_name
from bot.slack.tables import fit
from engine.alerts import AlertKind

__all__ = ["render_alert"]

Payload = Mapping[str, Any]
MAX_TEXT = 3000


def render_alert(kind: AlertKind, payloads: Sequence[Payload]) -> SlackMessage:
    """The message for one outbox row (several for UNMAPPED: a venue's batch)."""
    if kind is AlertKind.LOW_STOCK:
        return _low_stock(payloads[0])
    if kind is AlertKind.RESTOCKED:
        return _restocked(payloads[0])
    if kind is AlertKind.VARIANCE:
        return _variance(payloads[0])
    if kind is AlertKind.DISCONNECTED:
        return _disconnected(payloads[0])
    return _unmapped(payloads)


def _message(text: str, blocks: list[Block]) -> SlackMessage:
    return SlackMessage(text=fit(text, MAX_TEXT), blocks=tuple(b.to_dict() for b in blocks))


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=fit(text, MAX_TEXT)))


def _by(payload: Payload) -> str:
    cause = str(payload.get("cause") or "a change")
    actor = payload.get("actor")
    return f"after {escape(cause)}" + (f" by {escape(str(actor))}" if actor else "")


def _low_stock(payload: Payload) -> SlackMessage:
    rows: Sequence[Payload] = payload["products"]
    names = ", ".join(str(r["product"]) for r in rows)
    venue = escape(str(payload["venue"]))
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=fit(f"Low stock: {names}", 150)))]
    shown = rows[: MAX_BLOCKS - 3]
    for row in shown:
        days = row.get("days_to_stockout")
        lines = [
            f"*{escape(str(row['product']))}*: {row['on_hand']} left "
            f"({escape(str(row['on_hand_quantity']))}), reorder point {row['reorder_at']}",
            f"Suggested order: *{row['suggested_order']}* to reach par {row['par']}"
            + (f" · about {days} days to stockout" if days is not None else ""),
        ]
        blocks.append(_section("\n".join(lines)))
    more = len(rows) - len(shown)
    note = f"{venue}, {_by(payload)}" + (f" · …and {more} more" if more else "")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return _message(f":warning: Low stock at {venue}: {escape(names)}", blocks)


def _restocked(payload: Payload) -> SlackMessage:
    text = (
        f":white_check_mark: *{escape(str(payload['product']))}* is back above its reorder point "
        f"({payload['on_hand']} on hand, reorder point {payload['reorder_at']}), {_by(payload)}."
    )
    return _message(text, [_section(text)])


def _disconnected(payload: Payload) -> SlackMessage:
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
    return _message(text, [_section(text)])


def _variance(payload: Payload) -> SlackMessage:
    product = escape(str(payload["product"]))
    fields = [
        f"*Expected usage*\n{escape(str(payload['expected']))}",
        f"*Actual usage*\n{escape(str(payload['actual']))}",
        f"*Variance*\n{escape(str(payload['variance']))} ({payload['pct']})",
        f"*Cost*\n{escape(str(payload['cost']))}",
    ]
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=fit(f"Variance: {payload['product']}", 150))),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Between the counts of {payload['from']} and {payload['to']} "
                f"(waste recorded: {escape(str(payload['waste']))})."
            ),
            fields=[MarkdownTextObject(text=f) for f in fields],
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{escape(str(payload['venue']))} · over the alert threshold of "
                    f"{escape(str(payload['threshold']))} · count by "
                    f"{escape(str(payload.get('actor') or 'someone'))}"
                )
            ]
        ),
    ]
    text = f":mag: Variance on {product}: {payload['pct']} ({escape(str(payload['cost']))})"
    return _message(text, blocks)


def _unmapped(payloads: Sequence[Payload]) -> SlackMessage:
    venue = escape(str(payloads[0]["venue"]))
    items = sorted(payloads, key=lambda p: (str(p["kind"]), str(p["name"]).casefold()))
    room = MAX_BLOCKS - 2
    shown = items[:room]
    blocks: list[Block] = [
        _section(
            f":question: *{len(items)} new POS "
            f"{'thing' if len(items) == 1 else 'things'} sold without a mapping* at {venue}: "
            "their sales are not recorded until mapped."
        )
    ]
    for n, item in enumerate(shown):
        blocks.append(_unmapped_block(n, item))
    if len(items) > len(shown):
        note = f"…and {len(items) - len(shown)} more: see `unmapped`"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    names = ", ".join(str(p["name"]) for p in items)
    return _message(f"New unmapped POS items at {venue}: {escape(names)}", blocks)


def _unmapped_block(n: int, item: Payload) -> SectionBlock:
    name = str(item["name"])
    seen = int(item.get("seen") or 1)
    head = f"*{escape(name)}* ({item['kind']}, {escape(str(item['provider']))}, seen {seen}×)"
    if item["kind"] != "item":
        typed = quote_name(name) or quote_name(str(item["external_id"])) or "…"
        hint = (
            f"`modifier {escape(typed)} = x2 | + 0.5 oz <product> | swap <a> -> <b> | price only`"
        )
        return _section(f"{head}\n{hint}")
    guesses: Sequence[Payload] = item.get("guess") or []
    lines = [head]
    if guesses:
        guess = " + ".join(
            f"{escape(str(g['quantity']))} {escape(str(g['product']))}".strip() for g in guesses
        )
        lines.append(f"Best guess: {guess}")
    named = quote_name(name) or quote_name(str(item["external_id"]))
    if named is None:
        return _section("\n".join(lines))
    button = ButtonElement(
        text=PlainTextObject(text="Map"),
        action_id=command_action_id(n),
        value=f"map {named}",
        style="primary",
    )
    return SectionBlock(
        text=MarkdownTextObject(text=fit("\n".join(lines), MAX_TEXT)), accessory=button
    )
