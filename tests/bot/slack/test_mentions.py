"""#name lookups through conversations.list, and the admin check through users.info."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.commands import AlertsChannel, ChannelRef
from bot.commands.grammar import parse
from bot.slack.mentions import channel_by_name, is_workspace_admin, resolve_channel
from tests.fakes.slack import FakeSlack


async def test_a_channel_name_is_found_across_pages(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    for n in range(450):
        slack.add_channel(f"C{n:07d}", f"channel-{n}", private=n % 2 == 1)
    slack.add_channel("C0ALERTS", "bar-alerts", private=True)
    assert await channel_by_name(client, "#Bar-Alerts") == "C0ALERTS"
    pages = slack.calls_to("conversations.list")
    assert len(pages) == 3
    assert pages[0].params["types"] == "public_channel,private_channel"
    assert pages[1].params["cursor"] == "200"
    assert await channel_by_name(client, "no-such-channel") is None


async def test_resolving_what_the_grammar_parsed(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_channel("C0ALERTS", "bar-alerts")
    for text in ("alerts #bar-alerts", "alerts <#C0ALERTS|bar-alerts>", "alerts C0ALERTS"):
        command = parse(text)
        assert isinstance(command, AlertsChannel)
        assert await resolve_channel(client, command.channel) == ChannelRef(
            "C0ALERTS", "bar-alerts"
        )
    assert await resolve_channel(client, ChannelRef(None, "nowhere")) is None
    assert await resolve_channel(client, ChannelRef("C0GONE", None)) is None


async def test_other_slack_errors_propagate(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.fail("conversations.info", "missing_scope")
    with pytest.raises(SlackApiError, match="missing_scope"):
        await resolve_channel(client, ChannelRef("C0ALERTS", None))


async def test_workspace_admins_and_owners(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_user("U0ADMIN", "ann", admin=True)
    slack.add_user("U0OWNER", "olu", owner=True)
    slack.add_user("U0BARTENDER", "bo")
    assert await is_workspace_admin(client, "U0ADMIN")
    assert await is_workspace_admin(client, "U0OWNER")
    assert not await is_workspace_admin(client, "U0BARTENDER")
    assert not await is_workspace_admin(client, "U0NOBODY")
