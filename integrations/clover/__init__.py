"""Clover: app webhooks (`verify`, `envelope`), orders to receipts (`normalize`), the REST API v3
(`client`, `accounts`), the v2 OAuth flow with expiring tokens (`oauth`, `tokens`), reconciliation
by `modifiedTime` (`reconcile`), the routes (`webhook`, `connect`), and `CloverProvider` tying them.

`limits`, `fields`, `verify`, `envelope`, `normalize` and `oauth` are pure (no I/O, no clock:
"now" is an argument); `client` does HTTP through an injected aiohttp session. Every Clover name
and rule lives here; Clover JSON is read only through `fields`, within the bounds of `limits`.
Imports `engine` and `integrations` only.
"""
