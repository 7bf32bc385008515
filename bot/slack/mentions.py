"""Channels and users the grammar names, looked up in Slack.

The grammar already reads `<#C0123ABC|bar-alerts>` and `<@U0123ABC|sam>` (what Slack sends when a
user picks a channel or person) and a bare `#bar-alerts` as a name; only the name needs Slack:
`conversations.list`, paged, public and private channels the app can see (scopes
`channels:read`, `groups:read`). Channel names are lower case and unique in a workspace.

`is_workspace_admin` reads `users.info` (`users:read`): with no manager listed yet, a workspace
admin or owner may make changes (commands.md "Permissions").
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.commands import ChannelRef

__all__ = ["channel_by_name", "is_workspace_admin", "resolve_channel"]

PAGE = 200  # Slack recommends no more than 200 per page


async def channel_by_name(client: AsyncWebClient, name: str) -> str | None:
    """The id of the channel called `name` (with or without `#`), or None."""
    wanted = name.removeprefix("#").lower()
    cursor: str | None = None
    while True:
        page = await client.conversations_list(
            types="public_channel,private_channel",
            exclude_archived=True,
            limit=PAGE,
            cursor=cursor,
        )
        for channel in page.get("channels") or []:
            if str(channel.get("name", "")).lower() == wanted:
                return str(channel["id"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if cursor is None:
            return None


async def resolve_channel(client: AsyncWebClient, ref: ChannelRef) -> ChannelRef | None:
    """`ref` with both id and name, or None when Slack knows no such channel (or the app may not
    see it: a private channel it was not invited to)."""
    channel_id = ref.id
    if channel_id is None:
        if ref.name is None:
            return None
        channel_id = await channel_by_name(client, ref.name)
        if channel_id is None:
            return None
    try:
        info = await client.conversations_info(channel=channel_id)
    except SlackApiError as error:
        if error.response.get("error") == "channel_not_found":
            return None
        raise
    channel = info.get("channel") or {}
    return ChannelRef(channel_id, channel.get("name") or ref.name)


async def is_workspace_admin(client: AsyncWebClient, user_id: str) -> bool:
    """Whether Slack says the user is a workspace admin or owner (False if unknown)."""
    try:
        info = await client.users_info(user=user_id)
    except SlackApiError as error:
        if error.response.get("error") == "user_not_found":
            return False
        raise
    user = info.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
