"""Shopify: webhooks (`verify`, `envelope`), orders and refunds to receipts (`normalize`,
`refunds`, `modifiers`), the Admin REST API (`client`, `accounts`), the OAuth install flow
(`oauth`, `shops`, `routes`), tokens (`tokens`), reconciliation (`reconcile`) and
`ShopifyProvider` tying them together.

`verify`, `envelope`, `normalize`, `refunds`, `modifiers`, `shops` and `oauth` are pure (no I/O,
no clock: "now" is an argument); `client` does HTTP through an injected aiohttp session. Every
Shopify-specific name and rule lives here; Shopify JSON is read only through `fields`. Imports
`engine` and `integrations` only.
"""
