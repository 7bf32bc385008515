"""Toast: webhooks (`verify`, `envelope`), orders to receipts (`normalize`, `amounts`), the REST
API (`client`, with the shared client-credentials token), restaurants bound to venues
(`binding`), the worker's reader and the reconciliation poller.

`verify`, `envelope`, `amounts` and `normalize` are pure (no I/O, no clock: "now" is an
argument); `client` does HTTP through the shared `integrations.api_calls.PosApi`. Every
Toast-specific name and rule lives here; Toast JSON is read only through `fields`. Imports
`engine` and `integrations` only.
"""
