"""One handler per command: call the use case, turn its answer into a `Reply` (`views`).

`HANDLERS` maps each command class to its handler; `session.run` dispatches through it (a
front-end may answer some commands itself, see `SessionContext.front_end_handlers`).
"""

from __future__ import annotations

from bot.commands.handlers.changing import CHANGING
from bot.commands.handlers.reading import READING
from bot.commands.handlers.settings import SETTINGS
from bot.commands.handlers.setup import SETUP

HANDLERS = {**READING, **CHANGING, **SETTINGS, **SETUP}
