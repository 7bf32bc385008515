"""A Reply rendered as Block Kit: readable on a phone, always within Slack's limits."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block

from bot.commands.replies import Action, Column, Reply, Table
from bot.slack.blocks import COMMAND_ACTION_ID, MAX_MESSAGE_CHARS, escape, render_reply
from bot.slack.tables import TABLE_WIDTH


def assert_within_limits(blocks: tuple[dict[str, Any], ...], max_blocks: int = 50) -> None:
    """slack_sdk's validators, plus the limits they do not check."""
    assert 0 < len(blocks) <= max_blocks
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None
        block.validate_json()  # section text 3000, 10 fields, 25 elements, button 75/2000, ...
        for field in raw.get("fields", []):
            assert 0 < len(field["text"]) <= 2000
        if "text" in raw and isinstance(raw["text"], dict):
            assert 0 < len(raw["text"]["text"]) <= 3000
    assert len(json.dumps(blocks)) < 2 * MAX_MESSAGE_CHARS


def section_texts(blocks: tuple[dict[str, Any], ...]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


def stock_table(rows: int, name: str = "Product") -> Table:
    return Table(
        "Stock",
        (Column(name), Column("On hand", "right"), Column("Par", "right"), Column("Low")),
        tuple((f"Product number {n} with a long name", f"{n}.5 btl", "6", "") for n in range(rows)),
    )


def test_summary_only_has_text_and_fallback() -> None:
    message = render_reply(Reply(summary="Tito's Vodka: 2.9 btl on hand"))
    assert message.text == "Tito's Vodka: 2.9 btl on hand"
    assert message.blocks == (
        {"type": "section", "text": {"type": "mrkdwn", "text": message.text}},
    )
    assert message.payload() == {"text": message.text, "blocks": list(message.blocks)}


def test_user_text_is_escaped_everywhere() -> None:
    reply = Reply(
        summary="Jack & Coke <b> sold 3",
        tables=(Table("A&B <x>", (Column("Item"), Column("n")), (("Rum & <Coke>", "3"),)),),
    )
    message = render_reply(reply)
    assert message.text == "Jack &amp; Coke &lt;b&gt; sold 3"
    dumped = json.dumps(message.blocks)
    assert "<" not in dumped and ">" not in dumped
    assert "Rum &amp; &lt;Coke&gt;" in dumped and "*A&amp;B &lt;x&gt;*" in dumped
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"


def test_a_refusal_warns_and_shows_its_hint() -> None:
    reply = Reply.refusal(
        "unknown product 'tiot'", "not_found", hint="did you mean: Tito's <Vodka>"
    )
    message = render_reply(reply)
    assert message.text.startswith(":warning: unknown product")
    assert message.blocks[0]["text"]["text"].startswith(":warning:")
    context = message.blocks[-1]
    assert context["type"] == "context"
    assert context["elements"][0]["text"] == "did you mean: Tito's &lt;Vodka&gt;"


def test_two_columns_become_fields() -> None:
    table = Table(
        "Yesterday",
        (Column("Figure"), Column("Amount", "right")),
        (("Net sales", "$123.50"), ("COGS", "$21.07"), ("Pour cost", "17.1%"), ("Gross", "")),
    )
    message = render_reply(Reply(summary="Sales", tables=(table,)))
    assert_within_limits(message.blocks)
    section = message.blocks[1]
    assert section["text"]["text"] == "*Yesterday*"
    texts = [f["text"] for f in section["fields"]]
    assert texts[:4] == ["*Figure*", "*Amount*", "Net sales", "$123.50"]
    assert texts[4:] == ["COGS", "$21.07", "Pour cost", "17.1%", "Gross", "–"]


def test_two_column_tables_over_a_screen_fall_back_to_monospace() -> None:
    rows = tuple((f"Item {n}", str(n)) for n in range(9))
    table = Table(None, (Column("Item"), Column("Sold", "right")), rows)
    message = render_reply(Reply(summary="Top", tables=(table,)))
    assert "fields" not in message.blocks[1]
    assert message.blocks[1]["text"]["text"].startswith("```\nItem")


def test_a_monospace_table_is_aligned_and_fits_a_phone() -> None:
    message = render_reply(Reply(summary="Stock", tables=(stock_table(3),)))
    assert_within_limits(message.blocks)
    text = message.blocks[1]["text"]["text"]
    lines = text.split("\n")
    assert lines[0] == "*Stock*" and lines[1] == "```" and lines[-1] == "```"
    body = lines[2:-1]
    assert all(len(line) <= TABLE_WIDTH for line in body)
    assert body[0].startswith("Product") and body[0].rstrip().endswith("Low")
    # right-aligned columns end in the same place on every line
    ends = {line.index("btl") for line in body[1:]}
    assert len(ends) == 1
    assert "…" not in body[0]


def test_a_long_table_splits_across_blocks_repeating_the_header() -> None:
    message = render_reply(Reply(summary="Stock", tables=(stock_table(120),)))
    assert_within_limits(message.blocks)
    tables = [t for t in section_texts(message.blocks) if "```" in t]
    assert len(tables) >= 3
    for text in tables:
        assert "```\nProduct" in text and len(text) <= 3000
    shown = sum(t.count(" btl") for t in tables)
    assert shown == 120


def test_a_huge_table_is_cut_with_and_n_more() -> None:
    message = render_reply(Reply(summary="Stock", tables=(stock_table(2000),)))
    assert_within_limits(message.blocks)
    texts = section_texts(message.blocks)
    shown = sum(t.count(" btl") for t in texts)
    assert 0 < shown < 2000
    assert texts[-1].endswith(f"_…and {2000 - shown} more_")
    assert sum(len(t) for t in texts) <= MAX_MESSAGE_CHARS


def test_many_tables_never_pass_50_blocks() -> None:
    tables = tuple(stock_table(60) for _ in range(40))
    actions = tuple(Action(f"Act {n}", f"stock product{n}") for n in range(30))
    message = render_reply(Reply(summary="Lots", tables=tables, actions=actions))
    assert_within_limits(message.blocks)
    assert message.blocks[-1]["type"] == "context"
    assert "more rows" in message.blocks[-1]["elements"][0]["text"]


def test_backticks_and_newlines_cannot_break_the_code_block() -> None:
    table = Table(None, (Column("a"), Column("b"), Column("c")), (("x```y", "multi\nline", "z"),))
    text = render_reply(Reply(summary="s", tables=(table,))).blocks[1]["text"]["text"]
    assert text.count("```") == 2
    assert "multi line" in text


def test_an_empty_table_says_none() -> None:
    table = Table("Low stock", (Column("Product"), Column("On hand")), ())
    message = render_reply(Reply(summary="s", tables=(table,)))
    assert message.blocks[1]["text"]["text"] == "*Low stock*\n_none_"


def test_buttons_carry_the_command_text() -> None:
    command = 'map "Espresso Martini" = 1.5 oz "Tito\'s Vodka" + 0.5 oz Kahlua'
    actions = (
        Action("Map Espresso Martini", command, "primary"),
        Action("Unmap Margarita", 'unmap "Margarita"', "danger"),
        Action("A label far too long for a Slack button " * 3, "stock"),
    )
    message = render_reply(Reply(summary="s", actions=actions), context="<@U0SAM> · downtown")
    assert_within_limits(message.blocks)
    [block] = [b for b in message.blocks if b["type"] == "actions"]
    buttons = block["elements"]
    assert [b["action_id"] for b in buttons] == ["barback_cmd:0", "barback_cmd:1", "barback_cmd:2"]
    assert all(COMMAND_ACTION_ID.match(b["action_id"]) for b in buttons)
    assert buttons[0]["value"] == command and buttons[0]["style"] == "primary"
    assert buttons[1]["confirm"]["style"] == "danger"
    assert "unmap" in buttons[1]["confirm"]["text"]["text"]
    assert len(buttons[2]["text"]["text"]) == 75 and buttons[2]["text"]["text"].endswith("…")
    assert message.blocks[-1]["elements"][0]["text"] == "<@U0SAM> · downtown"  # ours: unescaped


def test_over_long_commands_and_extra_actions_are_left_out() -> None:
    actions = (
        Action("huge", "stock " + "x" * 2001),
        *(Action(str(n), f"stock p{n}") for n in range(30)),
    )
    message = render_reply(Reply(summary="s", actions=actions))
    [block] = [b for b in message.blocks if b["type"] == "actions"]
    assert len(block["elements"]) == 25
    assert block["elements"][0]["value"] == "stock p0"
    assert block["elements"][0]["action_id"] == "barback_cmd:1"  # numbered as in the reply


def test_a_long_summary_is_cut_to_a_section() -> None:
    message = render_reply(Reply(summary="word " * 1000))
    assert_within_limits(message.blocks)
    assert len(message.text) <= 3000
