"""Square: webhooks (`verify`, `envelope`), orders to receipts (`normalize`), the REST API
(`client`, `accounts`), the OAuth flow (`oauth`), and `SquareProvider` tying them together.

`verify`, `envelope`, `normalize` and `oauth` are pure (no I/O, no clock: "now" is an argument);
`client` does HTTP through an injected aiohttp session. Every Square-specific name and rule lives
here; Square JSON is read only through `fields`. Imports `engine` and `integrations` only.
"""
