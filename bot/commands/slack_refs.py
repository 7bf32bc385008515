"""The Slack channels and users a command line names: ids, `#names` and `<...>` mentions.

Separate from the other literals because only the settings commands take them, and their shapes are
Slack's, not the grammar's.
"""

import re

from bot.commands.commands import ChannelRef, UserRef
from bot.commands.tokens import Kind, Token
from engine.errors import InvalidInput

_CHANNEL_ID = r"[CG][A-Z0-9]{6,20}"
_USER_ID = r"[UW][A-Z0-9]{6,20}"
_CHANNEL_NAME = r"[a-z0-9][a-z0-9_-]{0,79}"


def parse_channel(token: Token) -> ChannelRef:
    """`C0123ABC`, `#C0123ABC`, `<#C0123ABC|bar-alerts>`, `<#C0123ABC>` or `#bar-alerts`."""
    text = token.text
    if token.kind is Kind.MENTION:
        m = re.fullmatch(rf"<#({_CHANNEL_ID})(?:\|([^<>|]*))?>", text)
        if m:
            return ChannelRef(m.group(1), m.group(2) or None)
    elif token.kind is Kind.WORD:
        if m := re.fullmatch(rf"#?({_CHANNEL_ID})", text):
            return ChannelRef(m.group(1), None)
        if m := re.fullmatch(rf"#({_CHANNEL_NAME})", text.lower()):
            return ChannelRef(None, m.group(1))
    raise InvalidInput(
        f"{text!r} is not a Slack channel",
        hint="use #channel-name, a channel id like C0123ABC, or pick the channel with #",
    )


def parse_user(token: Token) -> UserRef:
    """`U0123ABC`, `@U0123ABC`, `W0123ABC`, `<@U0123ABC|sam>` or `<@U0123ABC>`."""
    pattern = rf"<@({_USER_ID})(?:\|[^<>]*)?>" if token.kind is Kind.MENTION else rf"@?({_USER_ID})"
    m = re.fullmatch(pattern, token.text)
    if m is None or token.kind not in (Kind.MENTION, Kind.WORD):
        raise InvalidInput(
            f"{token.text!r} is not a Slack user",
            hint="mention them with @ (Slack sends <@U0123ABC>), or give a user id like U0123ABC",
        )
    return UserRef(m.group(1))
