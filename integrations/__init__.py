"""POS integrations: one package per provider (verify, normalise, fetch), webhook routes, OAuth.

Imports `engine` only (never `storage`, `bot` or `app`).
"""
