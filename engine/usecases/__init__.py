"""Use cases: what a command, a webhook or the CLI asks of barback, as async functions over ports.

Each one opens a fresh unit of work: gather (read what the rules need), decide (pure engine
functions), apply (repositories), commit. Input is validated before anything is written, so an
error (`engine.errors`) never leaves a partial change. Every change writes the audit log with the
old and new values and the actor, and returns a `Change` saying the same.

Imports `engine` only. `docs/service-api.md` lists the functions.
"""
