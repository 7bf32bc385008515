"""Who is typing, at which venue, with which rights: a Slack request as a `SessionContext`.

The venue (commands.md): the channel's binding (`use <venue>`), else the workspace's only venue.
With a single-workspace token every venue belongs to that workspace; with multi-workspace OAuth a
venue belongs to the workspace that first bound a channel to it (`venue_settings.slack_team_id`).
`use <venue>` itself runs at the venue it names, so its manager check is that venue's.

Changing needs a manager (commands.md, Permissions): a user listed with `managers add` for the
venue in this workspace, or, while the venue has none there, a workspace admin or owner
(`users.info`). It is decided here, per request, so a button click and a modal submission are
checked again exactly like typed text.

`SlackDirectory` is the port `storage.slack.SqlSlackDirectory` implements (wired in `app.slack`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts import render_png_async
from bot.commands import commands as c
from bot.commands import grammar
from bot.commands.handlers import HANDLERS
from bot.commands.help import help_text
from bot.commands.replies import Reply
from bot.commands.session import Actor, Handler, SessionContext, refusal
from bot.slack.mentions import channel_by_name, is_workspace_admin
from bot.slack.shared_files import SlackFiles
from bot.slack.summary import Render, post_summary
from engine.connections import PosOffer
from engine.errors import EngineError, InvalidInput
from engine.ports import Clock, UnitOfWorkFactory
from engine.venue import Venue, VenueId

__all__ = ["SlackDirectory", "SlackFrontEnd", "Who"]

NO_VENUE = "which venue? this channel uses none yet"
NO_VENUE_HINT = "/barback use <venue> binds this channel to one of: {venues}"
NO_VENUES = "no venue is set up for this workspace yet"
NO_VENUES_HINT = "whoever runs barback adds one with `barback venue add`, then /barback use <venue>"
UNKNOWN_VENUE = "there is no venue {slug!r}"
OTHER_WORKSPACE = "{slug} belongs to another Slack workspace"
NO_CHANNEL = "use binds a channel: type it in the venue's channel"
USE = "This channel now uses {name} ({slug}){before}."
MANAGER_ADDED = "{user} is now a manager of {venue}."
MANAGER_ALREADY = "{user} already is a manager of {venue}."
MANAGER_REMOVED = "{user} is no longer a manager of {venue}."
MANAGER_NONE_LEFT = " No manager is left: workspace admins and owners may change things."
MANAGER_NOT = "{user} is not a manager of {venue}."
SUMMARY_POSTED = "Posted the summary of {day} to channel {channel}."
CHANNEL_UNKNOWN = "I cannot see a channel called #{name}"
CHANNEL_UNKNOWN_HINT = "check the name, or invite me there first: /invite @barback"


class SlackDirectory(Protocol):
    async def venues(self, team_id: str | None) -> Sequence[Venue]: ...

    async def venue(self, slug: str) -> Venue | None: ...

    async def team_of(self, venue_id: VenueId) -> str | None: ...

    async def bound_venue(self, team_id: str, channel_id: str) -> Venue | None: ...

    async def bind(
        self,
        *,
        team_id: str,
        channel_id: str,
        venue: Venue,
        claim: bool,
        actor: str,
        at: datetime,
    ) -> str | None: ...

    async def managers(self, venue_id: VenueId, team_id: str) -> frozenset[str]: ...

    async def add_manager(
        self, *, venue: Venue, team_id: str, user_id: str, actor: str, at: datetime
    ) -> bool: ...

    async def remove_manager(
        self, *, venue: Venue, team_id: str, user_id: str, actor: str, at: datetime
    ) -> bool: ...


@dataclass(frozen=True, slots=True)
class Who:
    """The Slack user behind a request, and where they typed (no channel: App Home, a modal)."""

    team_id: str
    user_id: str
    channel_id: str | None = None

    @property
    def display(self) -> str:
        return self.user_id

    @classmethod
    def of(cls, context: AsyncBoltContext, channel_id: str | None) -> Who:
        """The person behind a Bolt request (`channel_id`: where they typed, if anywhere)."""
        return cls(str(context.team_id or ""), str(context.user_id or ""), channel_id or None)


@dataclass(frozen=True, slots=True)
class SlackFrontEnd:
    """What the listeners need, wired once by `app.slack`. `extra_handlers` are further
    front-end handlers (e.g. `summary post`) that win over the built-in ones."""

    directory: SlackDirectory
    uow: UnitOfWorkFactory
    clock: Clock
    single_workspace: bool
    public_url: str | None = None
    connect_key: str | None = None
    pos_offers: Mapping[str, PosOffer] | None = None
    extra_handlers: Mapping[type[c.Command], Handler] = field(default_factory=dict)
    render_chart: Render = render_png_async

    def team_key(self, who: Who) -> str | None:
        """The team venues are filtered by: None with a single-workspace token (it owns all)."""
        return None if self.single_workspace else who.team_id

    async def venues_of(self, who: Who) -> Sequence[Venue]:
        return await self.directory.venues(self.team_key(who))

    async def venue_for(self, who: Who) -> Venue | None:
        """The channel's binding, else the workspace's only venue, else None."""
        if who.channel_id is not None:
            bound = await self.directory.bound_venue(who.team_id, who.channel_id)
            if bound is not None:
                return bound
        venues = await self.venues_of(who)
        return venues[0] if len(venues) == 1 else None

    async def is_manager(self, venue: Venue, who: Who, client: AsyncWebClient) -> bool:
        managers = await self.directory.managers(venue.id, who.team_id)
        if managers:
            return who.user_id in managers
        return await is_workspace_admin(client, who.user_id)

    async def session(
        self, text: str, who: Who, client: AsyncWebClient, *, venue: Venue | None = None
    ) -> SessionContext | Reply:
        """The context to `run(text, ctx)` in, or the answer when there is none (no venue)."""
        try:
            command: c.Command | None = grammar.parse(text)
        except InvalidInput:
            command = None
        try:
            if venue is None:
                venue = await self._venue(command, who)
        except EngineError as error:
            return refusal(error, command)
        if venue is None:
            return await self._without_venue(command, text, who)
        changes = command is None or command.changes
        manager = changes and await self.is_manager(venue, who, client)
        return SessionContext(
            venue=venue,
            actor=Actor("slack", who.user_id, who.display, manager),
            uow=self.uow,
            clock=self.clock,
            public_url=self.public_url,
            connect_key=self.connect_key,
            pos_offers=self.pos_offers,
            front_end_handlers={**self._handlers(who, client), **self.extra_handlers},
            files=SlackFiles(client, who.channel_id),
        )

    async def _venue(self, command: c.Command | None, who: Who) -> Venue | None:
        if not isinstance(command, c.Use):
            return await self.venue_for(who)
        venue = await self.directory.venue(command.venue)
        if venue is None:
            names = ", ".join(v.slug for v in await self.venues_of(who)) or "none yet"
            raise InvalidInput(UNKNOWN_VENUE.format(slug=command.venue), hint=f"venues: {names}")
        if not self.single_workspace:
            team = await self.directory.team_of(venue.id)
            if team not in (None, who.team_id):
                raise InvalidInput(OTHER_WORKSPACE.format(slug=venue.slug))
        return venue

    async def _without_venue(self, command: c.Command | None, text: str, who: Who) -> Reply:
        if isinstance(command, c.Help):
            try:
                words = help_text(command.topic)
            except InvalidInput as error:
                return refusal(error, command)
            return Reply(summary=words, data={"topic": command.topic, "help": words})
        if command is None:
            try:
                grammar.parse(text)
            except InvalidInput as error:
                return refusal(error)
        venues = await self.venues_of(who)
        if not venues:
            return Reply.refusal(NO_VENUES, "no_venue", hint=NO_VENUES_HINT)
        names = ", ".join(v.slug for v in venues)
        return Reply.refusal(NO_VENUE, "no_venue", hint=NO_VENUE_HINT.format(venues=names))

    # --- the commands only Slack can answer ----------------------------------------------------

    def terminal_handlers(self, who: Who, client: AsyncWebClient) -> dict[type[c.Command], Handler]:
        """The Slack commands the trusted terminal runs too (commands.md, Permissions): managers
        of `who.team_id`, channels looked up by name, and `summary post`. Not `use`: binding a
        channel is done in that channel."""
        handlers = self._handlers(who, client)
        handlers.pop(c.Use, None)
        return handlers

    def _handlers(self, who: Who, client: AsyncWebClient) -> dict[type[c.Command], Handler]:
        directory, claim, render = self.directory, not self.single_workspace, self.render_chart

        async def use(command: c.Use, ctx: SessionContext) -> Reply:
            if who.channel_id is None:
                return Reply.refusal(NO_CHANNEL, "invalid_input")
            before = await directory.bind(
                team_id=who.team_id,
                channel_id=who.channel_id,
                venue=ctx.venue,
                claim=claim,
                actor=ctx.actor.audit_name,
                at=ctx.clock.now(),
            )
            was = f"; it used {before} before" if before and before != ctx.slug else ""
            summary = USE.format(name=ctx.venue.name, slug=ctx.slug, before=was)
            return Reply(summary=summary, data={"venue": ctx.slug, "channel": who.channel_id})

        async def managers_add(command: c.ManagersAdd, ctx: SessionContext) -> Reply:
            user = command.user.id
            added = await directory.add_manager(
                venue=ctx.venue,
                team_id=who.team_id,
                user_id=user,
                actor=ctx.actor.audit_name,
                at=ctx.clock.now(),
            )
            words = MANAGER_ADDED if added else MANAGER_ALREADY
            summary = words.format(user=user, venue=ctx.venue.name)
            return Reply(summary=summary, data={"venue": ctx.slug, "manager": user})

        async def managers_remove(command: c.ManagersRemove, ctx: SessionContext) -> Reply:
            user = command.user.id
            removed = await directory.remove_manager(
                venue=ctx.venue,
                team_id=who.team_id,
                user_id=user,
                actor=ctx.actor.audit_name,
                at=ctx.clock.now(),
            )
            if not removed:
                return Reply.refusal(
                    MANAGER_NOT.format(user=user, venue=ctx.venue.name), "not_found"
                )
            summary = MANAGER_REMOVED.format(user=user, venue=ctx.venue.name)
            if not await directory.managers(ctx.venue.id, who.team_id):
                summary += MANAGER_NONE_LEFT
            return Reply(summary=summary, data={"venue": ctx.slug, "removed": user})

        async def alerts_channel(command: c.AlertsChannel, ctx: SessionContext) -> Reply:
            channel = await _channel_id(client, command.channel)
            return await HANDLERS[c.AlertsChannel](replace(command, channel=channel), ctx)

        async def summary_schedule(command: c.SummarySchedule, ctx: SessionContext) -> Reply:
            channel = await _channel_id(client, command.channel)
            return await HANDLERS[c.SummarySchedule](replace(command, channel=channel), ctx)

        async def summary_post(command: c.SummaryPost, ctx: SessionContext) -> Reply:
            posted = await post_summary(
                client, ctx.uow, ctx.clock, ctx.venue.id, day=command.date, render=render
            )
            summary = SUMMARY_POSTED.format(day=posted.day.isoformat(), channel=posted.channel)
            return Reply(
                summary=summary,
                data={"venue": ctx.slug, "day": posted.day.isoformat(), "channel": posted.channel},
            )

        handlers: dict[type[c.Command], Handler] = {
            c.Use: use,  # type: ignore[dict-item]
            c.ManagersAdd: managers_add,  # type: ignore[dict-item]
            c.ManagersRemove: managers_remove,  # type: ignore[dict-item]
            c.AlertsChannel: alerts_channel,  # type: ignore[dict-item]
            c.SummarySchedule: summary_schedule,  # type: ignore[dict-item]
            c.SummaryPost: summary_post,  # type: ignore[dict-item]
        }
        return handlers


async def _channel_id(client: AsyncWebClient, channel: c.ChannelRef) -> c.ChannelRef:
    """`#bar-alerts` looked up in Slack (the grammar reads ids and mentions itself)."""
    if channel.id is not None or channel.name is None:
        return channel
    found = await channel_by_name(client, channel.name)
    if found is None:
        name = channel.name.removeprefix("#")
        raise InvalidInput(CHANNEL_UNKNOWN.format(name=name), hint=CHANNEL_UNKNOWN_HINT)
    return c.ChannelRef(found, channel.name)
