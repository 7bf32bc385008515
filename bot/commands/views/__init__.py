"""Reports and changes as `Reply`s: pure functions of the engine's report dataclasses.

Each module builds the summary, the tables (cells already formatted), the chart spec and the
`--json` object (`data`) of one family of commands. Strings come from `bot.commands.messages`.
"""
