"""Storage: SQLAlchemy 2 async tables, Alembic migrations, and the engine's ports implemented
on them.

Imports `engine` only (never `integrations`, `bot` or `app`).
"""
