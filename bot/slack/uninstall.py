"""When a workspace uninstalls barback or revokes its tokens (the `app_uninstalled` and
`tokens_revoked` events, subscribed in `bot/slack/manifest.yml`).

With many workspaces (OAuth), the workspace's installation is deleted from our database, as
Bolt's own revocation listeners would, so nothing uses a dead token: its commands get Bolt's
"reinstall this app" answer, and its alerts and summaries fail at once ("Slack is not installed
for this venue") instead of retrying for hours. Its venues, channel bindings and managers stay,
ready for a reinstall. With one workspace (SLACK_BOT_TOKEN) there is nothing to delete: the
token is dead until someone sets a new one, so the log says so, loudly.

Bolt answers these events without calling `auth.test` (there is no valid token any more).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

__all__ = ["register_uninstall_listeners"]

logger = logging.getLogger(__name__)

SINGLE = (
    "SLACK_BOT_TOKEN no longer works: alerts and summaries fail until barback is reinstalled "
    "and the service restarted with the new token"
)


def register_uninstall_listeners(
    bolt: AsyncApp, installations: AsyncInstallationStore | None
) -> None:
    """`installations`: the OAuth installation store (many workspaces), None with one token."""

    async def app_uninstalled(context: AsyncBoltContext) -> None:
        team, enterprise = context.team_id, context.enterprise_id
        if installations is None:
            logger.error("barback was uninstalled from Slack workspace %s: %s", team, SINGLE)
            return
        await installations.async_delete_all(enterprise_id=enterprise, team_id=team)
        logger.warning(
            "barback was uninstalled from Slack workspace %s: its installation is deleted", team
        )

    async def tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        team, enterprise = context.team_id, context.enterprise_id
        tokens = event.get("tokens") or {}
        bots, users = tokens.get("bot") or [], tokens.get("oauth") or []
        if installations is None:
            if bots:
                logger.error("Slack workspace %s revoked barback's bot token: %s", team, SINGLE)
            return
        for user in users:
            await installations.async_delete_installation(
                enterprise_id=enterprise, team_id=team, user_id=user
            )
        if bots:
            await installations.async_delete_bot(enterprise_id=enterprise, team_id=team)
        logger.warning(
            "Slack workspace %s revoked %d bot and %d user tokens: deleted",
            team,
            len(bots),
            len(users),
        )

    bolt.event("app_uninstalled")(app_uninstalled)
    bolt.event("tokens_revoked")(tokens_revoked)
