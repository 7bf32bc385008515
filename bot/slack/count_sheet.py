"""The count sheet as a Slack modal: pages of products with a field each, and its way back.

One page lists up to `PAGE_SIZE` products under their category headings, each an optional text
field (`3.4` containers, or `2550 ml`) whose placeholder is the on-hand barback expects. Below
them, buttons turn the page and discard the draft. `Save count` saves the whole sheet (every page,
from the draft, and this one as typed) as one count session.

Slack's limits (slack-platform.md §3.6) kept here: 100 blocks a view (a page is at most
`PAGE_SIZE` fields + as many headings + 3, so 53), 24 characters of title and buttons, 3000 of
`private_metadata` (which carries only the venue, the page, the draft's revision and where to
answer; what was typed lives in the database, `count_drafts`), 150 of a placeholder, 2000 of a
label, 255 of a block id.

Every field's block id carries the draft's revision (`count:<product id>:<revision>`): Slack
keeps what a person typed in a field whose block id stays the same across `views.update`, so a
new revision makes the fields show the draft as saved (after a discard, empty ones).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.commands import formats as f
from bot.slack.blocks import escape
from bot.slack.tables import fit
from engine.catalog import ProductId
from engine.count_sheets import MAX_DRAFT_TEXT, CountDraft, SheetLine, pages
from engine.usecases.count_sessions import CountSheet

__all__ = [
    "AMOUNT_ACTION_ID",
    "COUNT_CALLBACK_ID",
    "DISCARD_ACTION_ID",
    "PAGE_ACTION_ID",
    "PAGE_SIZE",
    "SheetMeta",
    "count_sheet_view",
    "field_block_id",
    "typed_values",
]

Json = dict[str, Any]

COUNT_CALLBACK_ID = "barback_count"
AMOUNT_ACTION_ID = "amount"
PAGE_ACTION_ID = "count_page"
DISCARD_ACTION_ID = "count_discard"
PAGE_SIZE = 25
FIELD_PREFIX = "count:"
NO_CATEGORY = "Other"


@dataclass(frozen=True, slots=True)
class SheetMeta:
    """What the modal carries in `private_metadata`: the venue, the page shown, the revision its
    fields were drawn at, and where the answer goes after `Save count` (the channel, and the
    response_url of the `/barback count` that opened it)."""

    venue: str
    page: int = 1
    revision: int = 0
    channel: str | None = None
    response_url: str | None = None

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def of(cls, view: Mapping[str, Any]) -> SheetMeta:
        raw = json.loads(view.get("private_metadata") or "{}")
        return cls(
            venue=str(raw.get("venue") or ""),
            page=int(raw.get("page") or 1),
            revision=int(raw.get("revision") or 0),
            channel=raw.get("channel"),
            response_url=raw.get("response_url"),
        )


def field_block_id(product_id: int, revision: int) -> str:
    return f"{FIELD_PREFIX}{product_id}:{revision}"


def _product_of(block_id: str) -> ProductId | None:
    if not block_id.startswith(FIELD_PREFIX):
        return None
    head = block_id.removeprefix(FIELD_PREFIX).partition(":")[0]
    return ProductId(int(head)) if head.isdigit() else None


def typed_values(view: Mapping[str, Any]) -> dict[ProductId, str]:
    """What the page shown holds, by product id (a blank field as ""), from `view.state`."""
    values: Mapping[str, Mapping[str, Any]] = view.get("state", {}).get("values", {})
    typed: dict[ProductId, str] = {}
    for block_id, actions in values.items():
        product = _product_of(block_id)
        if product is not None:
            typed[product] = str((actions.get(AMOUNT_ACTION_ID) or {}).get("value") or "")
    return typed


def page_count(sheet: CountSheet) -> int:
    return len(pages(sheet.lines, PAGE_SIZE))


def page_lines(sheet: CountSheet, page: int) -> tuple[SheetLine, ...]:
    cut = pages(sheet.lines, PAGE_SIZE)
    return cut[min(max(page, 1), len(cut)) - 1]


def count_sheet_view(
    sheet: CountSheet,
    draft: CountDraft | None,
    meta: SheetMeta,
    *,
    problems: Sequence[str] = (),
) -> Json:
    """The modal for `views.open` / `views.update`: page `meta.page`, fields filled from
    `draft`, drawn at revision `meta.revision`; `problems` are shown above the fields."""
    total = page_count(sheet)
    page = min(max(meta.page, 1), total)
    entries = draft.entries if draft is not None else {}
    blocks: list[Block] = [_intro(sheet, entries, page, total)]
    if problems:
        text = ":warning: " + "\n".join(escape(p) for p in problems)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=fit(text, 2900))))
    category: str | None = None
    for line in page_lines(sheet, page):
        heading = line.product.category or NO_CATEGORY
        if heading != category:
            blocks.append(HeaderBlock(text=PlainTextObject(text=fit(heading, 150))))
            category = heading
        blocks.append(_field(sheet, line, entries.get(line.product.id), meta.revision))
    blocks.append(_buttons(page, total, draft is not None))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Your draft is kept as you go: close this, and `/barback count` opens "
                    "it again. *Save count* saves every page at once, at one time."
                )
            ]
        )
    )
    view = View(
        type="modal",
        callback_id=COUNT_CALLBACK_ID,
        title=PlainTextObject(text=fit(f"Count {sheet.venue.name}", 24)),
        submit=PlainTextObject(text="Save count"),
        close=PlainTextObject(text="Close"),
        notify_on_close=True,
        blocks=blocks,
        private_metadata=SheetMeta(
            meta.venue, page, meta.revision, meta.channel, meta.response_url
        ).dumps(),
    )
    return view.to_dict()


def _intro(
    sheet: CountSheet, entries: Mapping[ProductId, str], page: int, total: int
) -> SectionBlock:
    filled = sum(1 for line in sheet.lines if entries.get(line.product.id))
    n = len(sheet.lines)
    text = (
        f"*{escape(sheet.venue.name)}*, page {page} of {total}: {filled} of {n} products "
        "counted so far.\nType what is on the shelf: `3.4` containers, or a quantity such as "
        "`2550 ml`. A product left blank is not counted."
    )
    return SectionBlock(text=MarkdownTextObject(text=text))


def _field(sheet: CountSheet, line: SheetLine, typed: str | None, revision: int) -> InputBlock:
    product = line.product
    container = f.short_quantity(product.container_size, sheet.venue)
    expected = f.on_hand_containers(line.expected, product.container_size)
    return InputBlock(
        block_id=field_block_id(product.id, revision),
        label=PlainTextObject(text=fit(product.name, 2000)),
        element=PlainTextInputElement(
            action_id=AMOUNT_ACTION_ID,
            placeholder=PlainTextObject(text=fit(f"expected {expected}", 150)),
            initial_value=typed or None,
            max_length=MAX_DRAFT_TEXT,
        ),
        hint=PlainTextObject(text=fit(f"containers of {container}, or a quantity", 2000)),
        optional=True,
    )


def _buttons(page: int, total: int, has_draft: bool) -> ActionsBlock:
    buttons = []
    if page > 1:
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text="◀ Previous page"),
                action_id=f"{PAGE_ACTION_ID}:prev",
                value=str(page - 1),
            )
        )
    if page < total:
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text="Next page ▶"),
                action_id=f"{PAGE_ACTION_ID}:next",
                value=str(page + 1),
                style="primary",
            )
        )
    buttons.append(
        ButtonElement(
            text=PlainTextObject(text="Discard draft" if has_draft else "Clear"),
            action_id=DISCARD_ACTION_ID,
            value="discard",
            style="danger",
            confirm=ConfirmObject(
                title=PlainTextObject(text="Discard this count?"),
                text=PlainTextObject(text="Everything typed on every page is forgotten."),
                confirm=PlainTextObject(text="Discard"),
                deny=PlainTextObject(text="Keep it"),
                style="danger",
            ),
        )
    )
    return ActionsBlock(block_id="count_nav", elements=buttons)
