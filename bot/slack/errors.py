"""Slack's error answers that no retry can fix, told apart from the ones a retry may.

The codes are those documented for `chat.postMessage` and the Web API's common errors
(docs.slack.dev/reference/methods/chat.postMessage, "Errors"; the same list in the slack-api-ref
method files), plus `msg_blocks_too_long` (bolt-js #2509). A final answer fails the alert or the
summary at once, says why in its row and in the log, once; everything else (rate limits, Slack's
own trouble, a channel the bot was not invited to yet) is retried with backoff.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

__all__ = ["FINAL_ERRORS", "NOT_INSTALLED", "describe", "error_code", "is_final"]

# The token or the app is gone, or lacks a right: only a person (reinstalling, granting a scope,
# an admin) can fix it, and not within a retry schedule.
_AUTH = {
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "no_permission",
    "missing_scope",
    "not_allowed_token_type",
    "ekm_access_denied",
    "team_access_not_granted",
    "access_denied",
    "app_uninstalled",
}
# The message itself is refused: the same message is refused again.
_CONTENT = {
    "invalid_blocks",
    "invalid_blocks_format",
    "msg_too_long",
    "msg_blocks_too_long",
    "no_text",
    "too_many_attachments",
    "invalid_arguments",
    "invalid_arg_name",
    "invalid_charset",
    "invalid_form_data",
    "invalid_post_type",
    "missing_post_type",
    "invalid_metadata_format",
    "invalid_metadata_schema",
    "metadata_too_large",
    "as_user_not_supported",
}
# The channel will not take it: archived, or posting there is restricted by the workspace.
_CHANNEL = {
    "is_archived",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel",
}
FINAL_ERRORS = frozenset(_AUTH | _CONTENT | _CHANNEL)

NOT_INSTALLED = "Slack is not installed for this venue"
"""No bot token for the venue's workspace (uninstalled, or never installed): final too."""


def error_code(error: SlackApiError) -> str:
    response = error.response
    return str(response.get("error", "")) if response is not None else ""


def is_final(code: str) -> bool:
    return code in FINAL_ERRORS


def describe(error: SlackApiError) -> str:
    """`Slack answered 200: token_revoked (final)`: for a row's last error and the log."""
    code = error_code(error)
    status = error.response.status_code if error.response is not None else "?"
    return f"Slack answered {status}: {code}" + (" (final)" if is_final(code) else "")
