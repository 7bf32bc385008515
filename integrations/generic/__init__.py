"""barback's own signed receipt format (`../shared/spec/webhooks.md`, "barback's generic format").

`verify.py` checks the `Barback-Signature` header; `normalize.py` turns one event into an
`engine.receipt.Receipt` or `Refund`; `batch.py` reads a file of events for `barback import`.
All pure: no I/O, no clock (the caller passes "now"). Imports `engine` only.
"""
