"""The Slack front-end: the only place that imports slack_bolt and slack_sdk.

Imports `bot.commands` and `engine`; nothing in `bot.commands` imports this package.
"""
