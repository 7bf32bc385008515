"""A Reply rendered as Block Kit: readable on a phone, within Slack's limits, never cut."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.commands.replies import Action, Column, Reply, Table
from bot.slack.blocks import COMMAND_ACTION_ID, MAX_TEXT, SlackMessage, escape, split_text
from bot.slack.pages import render_pages
from bot.slack.tables import TABLE_WIDTH
from tests.fakes.block_kit import assert_message_ok


def only_page(reply: Reply, **kwargs: Any) -> SlackMessage:
    [message] = render_pages(reply, **kwargs)
    assert_message_ok(message.payload())
    return message


def all_pages(reply: Reply) -> list[SlackMessage]:
    pages = render_pages(reply)
    for page in pages:
        assert_message_ok(page.payload())
    return pages


def section_texts(blocks: tuple[dict[str, Any], ...]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


def stock_table(rows: int, name: str = "Product") -> Table:
    return Table(
        "Stock",
        (Column(name), Column("On hand", "right"), Column("Par", "right"), Column("Low")),
        tuple((f"Product number {n} with a long name", f"{n}.5 btl", "6", "") for n in range(rows)),
    )


def shown_rows(pages: list[SlackMessage]) -> list[str]:
    """The product numbers of `stock_table` rows in the pages, in order."""
    text = "\n".join(t for page in pages for t in section_texts(page.blocks))
    return re.findall(r"Product number (\d+) ", text)


def test_summary_only_has_text_and_fallback() -> None:
    message = only_page(Reply(summary="Tito's Vodka: 2.9 btl on hand"))
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
    message = only_page(reply)
    assert message.text == "Jack &amp; Coke &lt;b&gt; sold 3"
    dumped = json.dumps(message.blocks)
    assert "<" not in dumped and ">" not in dumped
    assert "Rum &amp; &lt;Coke&gt;" in dumped and "*A&amp;B &lt;x&gt;*" in dumped
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"


def test_a_refusal_warns_and_shows_its_hint() -> None:
    reply = Reply.refusal(
        "unknown product 'tiot'", "not_found", hint="did you mean: Tito's <Vodka>"
    )
    message = only_page(reply)
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
    message = only_page(Reply(summary="Sales", tables=(table,)))
    section = message.blocks[1]
    assert section["text"]["text"] == "*Yesterday*"
    texts = [f["text"] for f in section["fields"]]
    assert texts[:4] == ["*Figure*", "*Amount*", "Net sales", "$123.50"]
    assert texts[4:] == ["COGS", "$21.07", "Pour cost", "17.1%", "Gross", "–"]


def test_two_column_tables_over_a_screen_fall_back_to_monospace() -> None:
    rows = tuple((f"Item {n}", str(n)) for n in range(9))
    table = Table(None, (Column("Item"), Column("Sold", "right")), rows)
    message = only_page(Reply(summary="Top", tables=(table,)))
    assert "fields" not in message.blocks[1]
    assert message.blocks[1]["text"]["text"].startswith("```\nItem")


def test_a_monospace_table_is_aligned_and_fits_a_phone() -> None:
    message = only_page(Reply(summary="Stock", tables=(stock_table(3),)))
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
    message = only_page(Reply(summary="Stock", tables=(stock_table(120),)))
    tables = [t for t in section_texts(message.blocks) if "```" in t]
    assert len(tables) >= 3
    for text in tables:
        assert "```\nProduct" in text and len(text) <= MAX_TEXT
    assert shown_rows([message]) == [str(n) for n in range(120)]


def test_a_huge_table_goes_over_pages_every_row_in_order() -> None:
    pages = all_pages(Reply(summary="Stock", tables=(stock_table(2000),)))
    assert len(pages) > 10
    assert shown_rows(pages) == [str(n) for n in range(2000)]
    assert pages[0].text == "Stock"
    assert pages[1].text == f"Stock (page 2 of {len(pages)})"


def test_many_tables_and_buttons_all_arrive() -> None:
    tables = tuple(stock_table(60) for _ in range(40))
    actions = tuple(Action(f"Act {n}", f"stock product{n}") for n in range(30))
    pages = all_pages(Reply(summary="Lots", tables=tables, actions=actions))
    assert len(shown_rows(pages)) == 40 * 60
    buttons = [
        e["value"]
        for page in pages
        for b in page.blocks
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == [f"stock product{n}" for n in range(30)]


def test_backticks_and_newlines_cannot_break_the_code_block() -> None:
    table = Table(None, (Column("a"), Column("b"), Column("c")), (("x```y", "multi\nline", "z"),))
    text = only_page(Reply(summary="s", tables=(table,))).blocks[1]["text"]["text"]
    assert text.count("```") == 2
    assert "multi line" in text


def test_an_empty_table_says_none() -> None:
    table = Table("Low stock", (Column("Product"), Column("On hand")), ())
    message = only_page(Reply(summary="s", tables=(table,)))
    assert message.blocks[1]["text"]["text"] == "*Low stock*\n_none_"


def test_buttons_carry_the_command_text() -> None:
    command = 'map "Espresso Martini" = 1.5 oz "Tito\'s Vodka" + 0.5 oz Kahlua'
    actions = (
        Action("Map Espresso Martini", command, "primary"),
        Action("Unmap Margarita", 'unmap "Margarita"', "danger"),
        Action("A label far too long for a Slack button " * 3, "stock"),
    )
    message = only_page(Reply(summary="s", actions=actions), context="<@U0SAM> · downtown")
    [block] = [b for b in message.blocks if b["type"] == "actions"]
    buttons = block["elements"]
    assert [b["action_id"] for b in buttons] == ["barback_cmd:0", "barback_cmd:1", "barback_cmd:2"]
    assert all(COMMAND_ACTION_ID.match(b["action_id"]) for b in buttons)
    assert buttons[0]["value"] == command and buttons[0]["style"] == "primary"
    assert buttons[1]["confirm"]["style"] == "danger"
    assert "unmap" in buttons[1]["confirm"]["text"]["text"]
    assert len(buttons[2]["text"]["text"]) == 75 and buttons[2]["text"]["text"].endswith("…")
    assert message.blocks[-1]["elements"][0]["text"] == "<@U0SAM> · downtown"  # ours: unescaped


def test_more_than_25_actions_take_more_actions_blocks_and_a_huge_command_is_shown_typed() -> None:
    huge = "stock " + "x" * 2001
    actions = (Action("huge", huge), *(Action(str(n), f"stock p{n}") for n in range(30)))
    message = only_page(Reply(summary="s", actions=actions))
    blocks = [b for b in message.blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in blocks] == [25, 5]
    assert blocks[0]["elements"][0]["value"] == "stock p0"
    assert blocks[0]["elements"][0]["action_id"] == "barback_cmd:1"  # numbered as in the reply
    typed = "".join(section_texts(message.blocks)[1:])
    assert typed.startswith("huge: type `stock xxx") and typed.count("x") == 2001


def test_a_long_summary_is_split_into_sections_not_cut() -> None:
    words = " ".join(f"word{n}" for n in range(1000))  # 7,889 characters on one line
    message = only_page(Reply(summary=words))
    texts = section_texts(message.blocks)
    assert len(texts) == 3 and all(len(t) <= MAX_TEXT for t in texts)
    assert "".join(texts) == words
    assert len(message.text) <= 4000 and message.text.endswith("…")


@pytest.mark.parametrize("limit", [7, 40, 3000])
def test_split_text_keeps_every_character_and_every_entity(limit: int) -> None:
    text = "\n".join(["&amp;&lt;x&gt; " * 30, "", "short", "y" * 9000, "a b " * 400])
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
    for piece in pieces:
        assert not re.search(r"&[a-z]{0,3}$", piece), piece  # no entity cut in two


def test_a_huge_hint_and_huge_cells_still_fit_their_pages() -> None:
    hint = "\n".join(f"did you mean product number {n}, the long-named one?" for n in range(900))
    cells = tuple((f"figure {n} " + "x" * 1500, "1") for n in range(8))
    reply = Reply.refusal("unknown product", "not_found", hint=hint)
    pages = all_pages(reply)
    shown = "\n".join(
        e["text"]
        for page in pages
        for b in page.blocks
        if b["type"] == "context"
        for e in b["elements"]
    )
    assert shown.replace("\n", "") == escape(hint).replace("\n", "")
    table = Table("Wide", (Column("Figure"), Column("n", "right")), cells)
    messages = all_pages(Reply(summary="s", tables=(table,)))
    # long cells: a table (wrapped onto lines, so over several messages), not fields
    assert all("fields" not in json.dumps(message.blocks) for message in messages)
    assert sum(json.dumps(m.blocks).count("figure ") for m in messages) == len(cells)
