"""The mapping modal and its round trip: submission -> command text -> the one parser."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.commands import commands as c
from bot.commands.grammar import parse
from bot.slack.modals import (
    MAP_CALLBACK_ID,
    PRODUCT_ACTION_ID,
    QUANTITY_ACTION_ID,
    Guess,
    MappingTarget,
    mapping_modal,
    mapping_request,
    mapping_submission,
    product_options,
    quote_name,
)

TARGET = MappingTarget(venue="downtown", pos_item_id="SQ-ITEM-42", pos_item="Espresso Martini")


def values(*rows: tuple[str | None, str | None]) -> dict[str, Any]:
    """state.values as Slack sends them for the rows (product, quantity)."""
    state: dict[str, Any] = {}
    for n, (product, quantity) in enumerate(rows, start=1):
        option = None
        if product is not None:
            option = {"text": {"type": "plain_text", "text": product}, "value": product}
        state[f"product_{n}"] = {
            PRODUCT_ACTION_ID: {"type": "external_select", "selected_option": option}
        }
        state[f"quantity_{n}"] = {
            QUANTITY_ACTION_ID: {"type": "plain_text_input", "value": quantity}
        }
    return state


def submitted(
    *rows: tuple[str | None, str | None], target: MappingTarget = TARGET
) -> dict[str, Any]:
    view = mapping_modal(target)
    return {**view, "id": "V1", "state": {"values": values(*rows)}}


def test_the_modal_is_a_valid_view() -> None:
    view = mapping_modal(TARGET, [Guess("Tito's Vodka", "1.5 oz")])
    View(**view).validate_json()
    assert view["type"] == "modal" and view["callback_id"] == MAP_CALLBACK_ID
    assert view["title"]["text"] == "Map Espresso Martini"
    assert view["submit"]["text"] == "Map"
    assert json.loads(view["private_metadata"]) == {
        "venue": "downtown",
        "id": "SQ-ITEM-42",
        "item": "Espresso Martini",
    }
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == [
        "product_1",
        "quantity_1",
        "product_2",
        "quantity_2",
        "product_3",
        "quantity_3",
    ]
    first = inputs[0]["element"]
    assert first["type"] == "external_select" and first["action_id"] == PRODUCT_ACTION_ID
    assert first["initial_option"]["value"] == "Tito's Vodka"
    assert inputs[1]["element"]["initial_value"] == "1.5 oz"
    assert [b.get("optional", False) for b in inputs] == [False, False, True, True, True, True]


def test_a_long_item_name_still_makes_a_24_character_title() -> None:
    view = mapping_modal(MappingTarget("downtown", "1", "Frozen Strawberry Daiquiri (Large)"))
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")


def test_submission_round_trips_through_the_grammar() -> None:
    view = submitted(("Tito's Vodka", "1.5oz"), ("Kahlúa & Co", "1/2 oz"), (None, None))
    submission = mapping_submission(view)
    assert submission.errors == {}
    assert submission.target == TARGET
    assert (
        submission.command
        == 'map "Espresso Martini" = 1.5 oz "Tito\'s Vodka" + 0.5 oz "Kahlúa & Co"'
    )
    command = parse(submission.command)
    assert command == c.Map(
        "Espresso Martini",
        (
            c.Ingredient(c.QuantityText(Fraction(3, 2), "oz"), "Tito's Vodka"),
            c.Ingredient(c.QuantityText(Fraction(1, 2), "oz"), "Kahlúa & Co"),
        ),
    )


@pytest.mark.parametrize(
    "item",
    ['12" Pizza', "Rock 'n' Roll", "Jack &amp; Coke", "Payload <drink>", "  spaced   out  "],
)
def test_awkward_item_names_still_parse_back(item: str) -> None:
    target = MappingTarget("downtown", "ID-1", item)
    submission = mapping_submission(submitted(("Tito's Vodka", "shot"), target=target))
    assert submission.command is not None
    command = parse(submission.command)
    assert isinstance(command, c.Map)
    assert command.pos_item == " ".join(item.split())
    assert command.items == (c.Ingredient(c.QuantityText(Fraction(1), "shot"), "Tito's Vodka"),)


def test_a_name_with_both_quotes_is_written_with_an_escape() -> None:
    target = MappingTarget("downtown", "ID-7", "a \"b' c")
    submission = mapping_submission(submitted(("Gin", "1 oz"), target=target))
    assert submission.command == 'map "a \\"b\' c" = 1 oz "Gin"'
    assert quote_name("a \"b' c") == '"a \\"b\' c"'
    command = parse(submission.command)
    assert isinstance(command, c.Map) and command.pos_item == "a \"b' c"


def test_incomplete_rows_are_errors_on_their_fields() -> None:
    submission = mapping_submission(
        submitted(("Tito's Vodka", None), (None, "1 oz"), ("Gin", "one splash"))
    )
    assert submission.command is None
    assert set(submission.errors) == {"quantity_1", "product_2", "quantity_3"}
    assert all(len(message) <= 150 for message in submission.errors.values())


def test_nothing_picked_is_an_error_on_the_first_row() -> None:
    submission = mapping_submission(submitted((None, None), (None, None), (None, None)))
    assert submission.command is None and "product_1" in submission.errors


def test_product_options_respect_slack_limits() -> None:
    names = [f"Product {n}" for n in range(150)] + ["x" * 151, "A name " + "y" * 80]
    options = product_options(names)
    assert len(options) == 100
    assert options[0] == {"text": {"type": "plain_text", "text": "Product 0"}, "value": "Product 0"}
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in options)
    long = product_options(["A name " + "y" * 80])
    assert len(long[0]["text"]["text"]) == 75 and long[0]["value"] == "A name " + "y" * 80
    assert product_options(["x" * 151]) == []


def test_a_bare_map_command_asks_for_the_modal() -> None:
    assert mapping_request('map "Espresso Martini"') == "Espresso Martini"
    assert mapping_request("map Espresso Martini") == "Espresso Martini"
    assert mapping_request('map "Espresso Martini" = 1 oz gin') is None
    assert mapping_request("stock tito") is None
    assert mapping_request("map") is None
    assert mapping_request('map "unterminated') is None


def test_a_map_button_with_a_trailing_equals_still_asks_for_the_modal() -> None:
    # The `unmapped` reply suggests `map "<item>" = ` (a prefix to type); as a button it opens
    # the modal, and a full command never does.
    assert mapping_request('map "Espresso Martini" = ') == "Espresso Martini"
    assert mapping_request('map "Espresso Martini" = shot Tito') is None
