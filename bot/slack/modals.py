"""The modal that maps an unmapped POS item, and its way back into the command grammar.

The modal asks for up to three ingredient rows (a product picked from an `external_select`, and a
quantity), pre-filled with a best guess. Its submission becomes the very command a manager could
have typed, `map "Espresso Martini" = 1.5 oz "Tito's Vodka" + 0.5 oz Kahlua`, which then runs
through `session.run` like typed text: one parser, one permission check, one audit entry.

Quantities are checked here with the grammar's own reader, so a typo is shown on its field in the
modal (`ack(response_action="errors", ...)`) instead of as a parse error after the modal closed.
Limits (slack-platform.md §3.6): title and submit 24 characters, private_metadata 3000, option text
75 and value 150, at most 100 options.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.commands.amounts import read_quantity
from bot.commands.commands import QuantityText
from bot.commands.quoting import quote_name
from bot.commands.tokens import Cursor, Kind, join, tokenize
from bot.slack.blocks import escape
from bot.slack.tables import fit
from engine.errors import InvalidInput

__all__ = [
    "MAP_CALLBACK_ID",
    "PRODUCT_ACTION_ID",
    "QUANTITY_ACTION_ID",
    "Guess",
    "MappingSubmission",
    "MappingTarget",
    "map_command",
    "mapping_modal",
    "mapping_request",
    "mapping_submission",
    "product_options",
    "quote_name",
]

logger = logging.getLogger(__name__)

Json = dict[str, Any]

MAP_CALLBACK_ID = "barback_map"
PRODUCT_ACTION_ID = "product_search"
QUANTITY_ACTION_ID = "quantity"
ROWS = 3
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
ROW_LABELS = ("Product", "Second product (optional)", "Third product (optional)")


@dataclass(frozen=True, slots=True)
class MappingTarget:
    """The POS item being mapped, and the venue it was seen at (carried in private_metadata)."""

    venue: str
    pos_item_id: str
    pos_item: str  # its name as the POS sends it


@dataclass(frozen=True, slots=True)
class Guess:
    """A pre-filled row: a product's name and a quantity as typed (`1.5 oz`)."""

    product: str
    quantity: str


@dataclass(frozen=True, slots=True)
class MappingSubmission:
    """What a submitted modal asks for: `command` to run, or `errors` by block_id to show."""

    target: MappingTarget
    command: str | None
    errors: Mapping[str, str] = field(default_factory=dict)


def product_block_id(row: int) -> str:
    return f"product_{row}"


def quantity_block_id(row: int) -> str:
    return f"quantity_{row}"


def mapping_modal(target: MappingTarget, guesses: Sequence[Guess] = ()) -> Json:
    """The view for `views.open`. `guesses` fill the rows in order (the first is the best)."""
    blocks: list[Any] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"What does one *{escape(target.pos_item)}* pour? "
                "Pick each product and how much of it one sale uses."
            )
        )
    ]
    for row in range(1, ROWS + 1):
        guess = guesses[row - 1] if row <= len(guesses) else None
        blocks += _ingredient_row(row, guess)
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text="Applies from now on; earlier sales stay as booked.")]
        )
    )
    view = View(
        type="modal",
        callback_id=MAP_CALLBACK_ID,
        title=PlainTextObject(text=fit(f"Map {target.pos_item}", 24)),
        submit=PlainTextObject(text="Map"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
        private_metadata=json.dumps(
            {"venue": target.venue, "id": target.pos_item_id, "item": target.pos_item}
        ),
    )
    return view.to_dict()


def _ingredient_row(row: int, guess: Guess | None) -> list[InputBlock]:
    initial = _option(guess.product) if guess is not None else None
    select = ExternalDataSelectElement(
        action_id=PRODUCT_ACTION_ID,
        placeholder=PlainTextObject(text="Search products"),
        initial_option=initial,
        min_query_length=0,
    )
    quantity = PlainTextInputElement(
        action_id=QUANTITY_ACTION_ID,
        placeholder=PlainTextObject(text="1.5 oz, 44 ml, shot"),
        initial_value=guess.quantity if guess is not None else None,
    )
    optional = row > 1
    return [
        InputBlock(
            block_id=product_block_id(row),
            label=PlainTextObject(text=ROW_LABELS[row - 1]),
            element=select,
            optional=optional,
        ),
        InputBlock(
            block_id=quantity_block_id(row),
            label=PlainTextObject(text="Quantity per sale" + (" (optional)" if optional else "")),
            element=quantity,
            optional=optional,
        ),
    ]


def _option(name: str) -> Option | None:
    if len(name) > MAX_OPTION_VALUE:
        logger.warning("product name of %d characters cannot be an option value", len(name))
        return None
    return Option(value=name, text=PlainTextObject(text=fit(name, MAX_OPTION_TEXT)))


def product_options(names: Sequence[str]) -> list[Json]:
    """Options for a `block_suggestion`: `await ack(options=product_options(matches))`.

    The value is the product's name: it goes into the command text, where names are resolved.
    """
    options = [o.to_dict() for name in names if (o := _option(name)) is not None]
    return options[:MAX_OPTIONS]


# --- the submission, back to command text --------------------------------------------------------


def mapping_submission(view: Mapping[str, Any]) -> MappingSubmission:
    """The `view` of a view_submission (Bolt's `view` argument) as the `map` command it asks for."""
    meta = json.loads(view.get("private_metadata") or "{}")
    target = MappingTarget(str(meta["venue"]), str(meta["id"]), str(meta["item"]))
    values: Mapping[str, Mapping[str, Any]] = view.get("state", {}).get("values", {})
    ingredients: list[tuple[QuantityText, str]] = []
    errors: dict[str, str] = {}
    for row in range(1, ROWS + 1):
        selected = values.get(product_block_id(row), {}).get(PRODUCT_ACTION_ID, {})
        product = ((selected.get("selected_option") or {}).get("value") or "").strip()
        typed = values.get(quantity_block_id(row), {}).get(QUANTITY_ACTION_ID, {})
        amount = (typed.get("value") or "").strip()
        if not product and not amount:
            continue
        if not product:
            errors[product_block_id(row)] = "Pick the product this quantity is of."
        elif not amount:
            errors[quantity_block_id(row)] = "How much does one sale pour? e.g. 1.5 oz"
        elif (quantity := _quantity(amount, errors, quantity_block_id(row))) is not None:
            ingredients.append((quantity, product))
    if not ingredients and not errors:
        errors[product_block_id(1)] = "Pick at least one product."
    if errors:
        return MappingSubmission(target, None, errors)
    return MappingSubmission(target, map_command(target, ingredients))


def _quantity(text: str, errors: dict[str, str], block_id: str) -> QuantityText | None:
    try:
        cur = Cursor(tokenize(text))
        quantity = read_quantity(cur, "quantity")
        cur.expect_end()
    except InvalidInput as error:
        errors[block_id] = fit(f"{error.message}. Try 1.5 oz, 44 ml or shot.", 150)
        return None
    return quantity


def map_command(target: MappingTarget, ingredients: Sequence[tuple[QuantityText, str]]) -> str:
    """`map "<item>" = <quantity> "<product>" + ...`: names quoted so they read back exactly."""
    parts = [f"{quantity} {quote_name(product)}" for quantity, product in ingredients]
    return f"map {quote_name(target.pos_item)} = " + " + ".join(parts)


def mapping_request(text: str) -> str | None:
    """The POS item of a `map "<item>"` with no recipe (a Map button wanting the modal), or None.
    A trailing `=` is allowed: the `unmapped` reply suggests `map "<item>" = ` for typing."""
    try:
        tokens = tokenize(text)
    except InvalidInput:
        return None
    if tokens and tokens[-1].is_op("="):
        tokens = tokens[:-1]
    if len(tokens) < 2 or not tokens[0].is_word("map"):
        return None
    rest = tokens[1:]
    if any(t.kind is Kind.OP for t in rest):
        return None
    if rest[0].kind is Kind.QUOTED:
        return rest[0].text if len(rest) == 1 else None
    return join(rest)
