"""The count sheet's listeners: `/barback count` opens it, its buttons turn pages and discard the
draft, closing it keeps the draft, and `Save count` records one count session.

Permissions as for any change (commands.md): only a manager opens the sheet, turns its pages,
keeps a draft or saves it; each is checked again on every request, so a person who lost the right
meanwhile changes nothing. Timing (slack-platform.md §1.3): a submission is answered within
Slack's 3 seconds, so the session is saved before the answer (a refusal shows on the fields),
and the variance answer follows through the response_url; page turns and closing answer at once
and update the view or keep the draft afterwards.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import messages as m
from bot.commands.handlers.counting import read_amount
from bot.commands.replies import Reply
from bot.commands.views.counts import count_session_reply
from bot.slack.confirm import confirm
from bot.slack.context import SlackFrontEnd, Who
from bot.slack.count_sheet import (
    COUNT_CALLBACK_ID,
    DISCARD_ACTION_ID,
    PAGE_ACTION_ID,
    SheetMeta,
    count_sheet_view,
    field_block_id,
    typed_values,
)
from bot.slack.pages import render_pages
from bot.slack.tables import fit
from engine.catalog import ProductId
from engine.count_sheets import CountEntry
from engine.errors import InvalidEntries, InvalidInput
from engine.usecases import count_sessions
from engine.usecases.count_sessions import CountSheet
from engine.venue import Venue

logger = logging.getLogger(__name__)

AfterAck = Callable[[Awaitable[None], dict[str, Any]], Awaitable[None]]
NO_TRIGGER = "the count sheet is a form: type /barback count in the venue's channel"
GONE = "this venue is no longer open to counts"
MAX_ERROR = 300


def owner(who: Who) -> str:
    """Whose draft it is: the person, as the audit log names them."""
    return f"slack:{who.user_id}"


class CountSheetListeners:
    def __init__(self, front_end: SlackFrontEnd, after_ack: AfterAck) -> None:
        self.fe = front_end
        self._after_ack = after_ack

    def register(self, bolt: AsyncApp) -> None:
        bolt.view_submission(COUNT_CALLBACK_ID)(self.on_submit)
        bolt.view_closed(COUNT_CALLBACK_ID)(self.on_closed)
        bolt.action(re.compile(rf"^{PAGE_ACTION_ID}:"))(self.on_page)
        bolt.action(DISCARD_ACTION_ID)(self.on_discard)

    # --- opening -----------------------------------------------------------------------------

    async def open(
        self,
        venue: Venue,
        who: Who,
        client: AsyncWebClient,
        respond: AsyncRespond,
        trigger_id: str | None,
    ) -> None:
        """`/barback count`: the sheet, at the page and with the values of the draft kept."""
        if not trigger_id:
            await _refuse(respond, NO_TRIGGER, "invalid_input")
            return
        if not await self.fe.is_manager(venue, who, client):
            words = m.NOT_A_MANAGER.format(words="count")
            await _refuse(respond, words, "not_allowed", m.NOT_A_MANAGER_HINT)
            return
        sheet = await count_sessions.count_sheet(self.fe.uow, self.fe.clock, venue.id)
        if not sheet.lines:
            await _refuse(respond, m.COUNT_SHEET_NONE, "not_found")
            return
        draft = await count_sessions.count_draft(self.fe.uow, venue.id, owner(who))
        meta = SheetMeta(
            venue.slug,
            page=draft.page if draft else 1,
            revision=draft.revision if draft else 0,
            channel=who.channel_id,
            response_url=respond.response_url,
        )
        await client.views_open(trigger_id=trigger_id, view=count_sheet_view(sheet, draft, meta))

    # --- page turns, discarding, closing ------------------------------------------------------

    async def on_page(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        value = str(action.get("value") or "")
        page = int(value) if value.isdigit() else 1
        await self._after_ack(self._turn(body, page, client, context), body)

    async def _turn(
        self, body: dict[str, Any], page: int, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        view = body.get("view") or {}
        meta, who, venue = await self._modal(view, context)
        if venue is None or not await self.fe.is_manager(venue, who, client):
            return
        typed = typed_values(view)
        sheet = await count_sessions.count_sheet(self.fe.uow, self.fe.clock, venue.id)
        entries, refused = _entries({p: t for p, t in typed.items() if t.strip()}, _names(sheet))
        refused += await count_sessions.check_count_entries(
            self.fe.uow, self.fe.clock, venue.id, entries
        )
        problems = [f"{where}: {why}" for where, why in refused]
        shown = meta.page if problems else page
        draft = await count_sessions.keep_count_draft(
            self.fe.uow, self.fe.clock, venue.id, owner=owner(who), typed=typed, page=shown
        )
        next_meta = replace(meta, page=shown, revision=draft.revision)
        await client.views_update(
            view_id=view.get("id"),
            hash=view.get("hash"),
            view=count_sheet_view(sheet, draft, next_meta, problems=problems),
        )

    async def on_discard(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack()
        await self._after_ack(self._discard(body, client, context), body)

    async def _discard(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        view = body.get("view") or {}
        meta, who, venue = await self._modal(view, context)
        if venue is None or not await self.fe.is_manager(venue, who, client):
            return
        await count_sessions.discard_count_draft(self.fe.uow, venue.id, owner(who))
        sheet = await count_sessions.count_sheet(self.fe.uow, self.fe.clock, venue.id)
        fresh = replace(meta, page=1, revision=meta.revision + 1)
        await client.views_update(
            view_id=view.get("id"), hash=view.get("hash"), view=count_sheet_view(sheet, None, fresh)
        )

    async def on_closed(
        self,
        ack: AsyncAck,
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        await self._after_ack(self._keep(view, client, context), view)

    async def _keep(
        self, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        meta, who, venue = await self._modal(view, context)
        if venue is None or not await self.fe.is_manager(venue, who, client):
            return
        await count_sessions.keep_count_draft(
            self.fe.uow,
            self.fe.clock,
            venue.id,
            owner=owner(who),
            typed=typed_values(view),
            page=meta.page,
        )

    # --- saving -------------------------------------------------------------------------------

    async def on_submit(
        self,
        ack: AsyncAck,
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        meta, who, venue = await self._modal(view, context)
        typed = typed_values(view)
        first = _first_field(view)
        if venue is None:
            await ack(response_action="errors", errors={first: GONE})
            return
        if not await self.fe.is_manager(venue, who, client):
            await ack(
                response_action="errors",
                errors={first: m.NOT_A_MANAGER.format(words="count")},
            )
            return
        sheet = await count_sessions.count_sheet(self.fe.uow, self.fe.clock, venue.id)
        names = _names(sheet)
        draft = await count_sessions.count_draft(self.fe.uow, venue.id, owner(who))
        texts = {pid: t for pid, t in (draft.entries if draft else {}).items() if pid not in typed}
        texts.update({pid: t for pid, t in typed.items() if t.strip()})
        entries, refused = _entries(texts, names)
        try:
            session = await count_sessions.record_count_session(
                self.fe.uow,
                self.fe.clock,
                venue.id,
                entries=entries,
                actor=owner(who),
                source="slack",
                refused=refused,
                draft_owner=owner(who),
            )
        except InvalidEntries as error:
            here = {names[pid]: field_block_id(pid, meta.revision) for pid in typed if pid in names}
            await ack(response_action="errors", errors=_field_errors(error.problems, here, first))
            return
        except InvalidInput as error:
            await ack(response_action="errors", errors={first: fit(error.message, MAX_ERROR)})
            return
        await ack()
        reply = count_session_reply(session, who.display)
        await self._after_ack(confirm(reply, who, client, meta.response_url), view)

    async def _modal(
        self, view: Mapping[str, Any], context: AsyncBoltContext
    ) -> tuple[SheetMeta, Who, Venue | None]:
        meta = SheetMeta.of(view)
        who = Who(str(context.team_id or ""), str(context.user_id or ""), meta.channel)
        venue = await self.fe.directory.venue(meta.venue) if meta.venue else None
        return meta, who, venue


def _first_field(view: Mapping[str, Any]) -> str:
    """The block id of the page's first field: where errors that belong to no field are shown."""
    for block in view.get("blocks") or ():
        if block.get("type") == "input":
            return str(block.get("block_id"))
    return ""


def _names(sheet: CountSheet) -> dict[ProductId, str]:
    return {line.product.id: line.product.name for line in sheet.lines}


def _entries(
    texts: Mapping[ProductId, str], names: Mapping[ProductId, str]
) -> tuple[list[CountEntry], list[tuple[str, str]]]:
    """The sheet's texts as count entries by product id; products no longer on the sheet (removed
    meanwhile) are left out."""
    entries: list[CountEntry] = []
    refused: list[tuple[str, str]] = []
    for pid, text in texts.items():
        if pid not in names:
            continue
        try:
            entries.append(CountEntry(names[pid], pid, read_amount(text)))
        except InvalidInput as error:
            refused.append((names[pid], error.message))
    return entries, refused


def _field_errors(
    problems: Sequence[tuple[str, str]], here: Mapping[str, str], first: str
) -> dict[str, str]:
    """Each problem on its field when the page shows it; the others together on the first."""
    errors: dict[str, str] = {}
    elsewhere = []
    for where, why in problems:
        if where in here:
            errors[here[where]] = fit(why, MAX_ERROR)
        else:
            elsewhere.append(f"{where}: {why}")
    if elsewhere:
        note = "On other pages: " + "; ".join(elsewhere)
        errors[first] = fit(f"{errors[first]}. {note}" if first in errors else note, MAX_ERROR)
    return errors


async def _refuse(respond: AsyncRespond, words: str, code: str, hint: str | None = None) -> None:
    (message,) = render_pages(Reply.refusal(words, code, hint=hint))  # a refusal is one page
    await respond(**message.payload(), response_type="ephemeral", replace_original=False)
