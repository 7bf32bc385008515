"""The Slack commands at the terminal: `managers add|remove`, `summary post`, and channels by
name (`alerts #bar-alerts`), which need Slack's Web API and the venue's workspace.

The terminal is trusted (commands.md, Permissions), so these run without a manager check, as
the workspace the venue belongs to: the bot token's (one workspace) or the one that installed
barback for the venue (OAuth). Slack is only reached when one of them runs, so every other
terminal command stays as fast without Slack as with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.config import Settings
from bot.commands import commands as c
from bot.commands.replies import Reply

if TYPE_CHECKING:
    from bot.commands.session import Handler, SessionContext
    from storage.database import Database

SLACK_OFF = "{words} needs Slack, which is off here"
SLACK_OFF_HINT = "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
NO_WORKSPACE = "no Slack workspace has installed barback for {venue} yet"
NO_WORKSPACE_HINT = "bind a channel first: /barback use {venue} in Slack"
SLACK_REFUSED = "Slack refused {words}: {error}"
COMMANDS = (c.ManagersAdd, c.ManagersRemove, c.SummaryPost, c.AlertsChannel, c.SummarySchedule)


def terminal_slack_handlers(settings: Settings, database: Database) -> dict[type, Handler]:
    """Handlers for `COMMANDS` that reach Slack only when one of them runs."""

    async def through_slack(command: c.Command, ctx: SessionContext) -> Reply:
        if not settings.slack.enabled:
            if isinstance(command, c.AlertsChannel | c.SummarySchedule) and command.channel.id:
                from bot.commands.handlers import HANDLERS

                return await HANDLERS[type(command)](command, ctx)
            words = SLACK_OFF.format(words=command.words)
            return Reply.refusal(words, "slack_off", hint=SLACK_OFF_HINT)
        return await _run(settings, database, command, ctx)

    return dict.fromkeys(COMMANDS, through_slack)


async def _run(
    settings: Settings, database: Database, command: c.Command, ctx: SessionContext
) -> Reply:
    from slack_sdk.errors import SlackApiError

    from app.notify import workspace_clients
    from bot.slack.context import SlackFrontEnd, Who
    from storage.slack import SqlSlackDirectory

    clients = workspace_clients(settings, database)
    try:
        client = await clients(ctx.venue.id)
        if client is None:
            return Reply.refusal(
                NO_WORKSPACE.format(venue=ctx.slug),
                "no_workspace",
                hint=NO_WORKSPACE_HINT.format(venue=ctx.slug),
            )
        try:
            team = str((await client.auth_test())["team_id"])
            front = SlackFrontEnd(
                directory=SqlSlackDirectory(database.engine),
                uow=ctx.uow,
                clock=ctx.clock,
                single_workspace=settings.slack.client_id is None,
                public_url=settings.public_url,
            )
            handler = front.terminal_handlers(Who(team, ctx.actor.audit_name), client)
            return await handler[type(command)](command, ctx)
        except SlackApiError as error:
            reason = SLACK_REFUSED.format(words=command.words, error=error.response.get("error"))
            return Reply.refusal(reason, "slack_error")
    finally:
        await clients.close()
