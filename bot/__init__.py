"""The manager's interface: the command grammar, the Slack and terminal front-ends, alerts, charts.

Imports `engine` only (never `storage`, `integrations` or `app`).
"""
