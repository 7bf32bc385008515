"""The one command grammar of `../shared/spec/commands.md`, as a table of specs.

`parse(text)` turns what a manager typed (in Slack, the CLI or the shell) into one typed command of
`bot.commands.commands`, or raises `engine.errors.InvalidInput` naming what was wrong, with the
closest valid form as the hint. It never returns a partial command.

`SPECS` is the only list of commands: dispatch, `COMMAND_WORDS` (shell completion), `usage()` and
the help text (`bot.commands.help`) are all read from it, so they cannot drift apart.

Each family's parsers and rows live in `grammar_reading`, `grammar_changing` and
`grammar_settings`; this module joins their rows into `SPECS` and dispatches to them.
"""

import difflib

from bot.commands import commands as c
from bot.commands.grammar_changing import CHANGING_SPECS
from bot.commands.grammar_reading import READING_SPECS
from bot.commands.grammar_settings import SETTINGS_SPECS
from bot.commands.grammar_setup import SETUP_SPECS
from bot.commands.spec import Spec
from bot.commands.tokens import Cursor, Kind, Token, tokenize
from engine.errors import InvalidInput


# `help` is parsed here, not with the reading commands, because it checks its topic against the
# table it is part of.
def _help(cur: Cursor) -> c.Command:
    words = " ".join(t.text.lower() for t in cur.rest())
    if not words:
        return c.Help()
    return c.Help(_topic(words))


# --- the table ----------------------------------------------------------------------------------

SPECS: tuple[Spec, ...] = (
    Spec(c.Help, "help [<command>]", "the grammar, with examples", ("help", "help map"), _help),
    *READING_SPECS,
    *CHANGING_SPECS,
    *SETTINGS_SPECS,
    *SETUP_SPECS,
)

COMMAND_WORDS: tuple[str, ...] = tuple(spec.words for spec in SPECS)
_FIRST_WORDS: tuple[str, ...] = tuple(dict.fromkeys(w.split()[0] for w in COMMAND_WORDS))


def specs_for(topic: str) -> tuple[Spec, ...]:
    """The specs a topic names: a family by its first word (`product`, `alerts`: every form), or
    one command by all its words (`product add`)."""
    key = " ".join(topic.lower().split())
    family = tuple(spec for spec in SPECS if spec.words.split()[0] == key)
    return family or tuple(spec for spec in SPECS if spec.words == key)


def _did_you_mean(word: str) -> str:
    close = difflib.get_close_matches(word.lower(), _FIRST_WORDS, n=2, cutoff=0.6)
    if not close:
        return "type help for the list of commands"
    return "did you mean: " + " / ".join(s.usage for w in close for s in specs_for(w))


def _topic(words: str) -> str:
    if not specs_for(words):
        raise InvalidInput(f"no help for {words!r}", hint=_did_you_mean(words.split()[0]))
    return " ".join(words.split())


def usage(command_word: str) -> str:
    """The usage line(s) of a command or family: `usage("alerts")` gives all three forms."""
    specs = specs_for(command_word)
    if not specs:
        raise InvalidInput(f"unknown command {command_word!r}", hint=_did_you_mean(command_word))
    return "\n".join(spec.usage for spec in specs)


def _hint(spec: Spec) -> str:
    return f"usage: {spec.usage}, e.g. {spec.examples[0]}"


def _dispatch(tokens: tuple[Token, ...]) -> tuple[Spec, Cursor]:
    first = tokens[0]
    family = specs_for(first.text) if first.kind is Kind.WORD else ()
    if not family or first.text.lower() not in _FIRST_WORDS:
        raise InvalidInput(f"unknown command {first.text!r}", hint=_did_you_mean(first.text))
    second = tokens[1] if len(tokens) > 1 else None
    for spec in family:
        sub = spec.words.split()[1:]
        if sub and second is not None and second.is_word(sub[0]):
            return spec, Cursor(tokens[2:])
    for spec in family:
        if len(spec.words.split()) == 1:
            return spec, Cursor(tokens[1:])
    subwords = [spec.words.split()[1] for spec in family]
    needs = f"{first.text.lower()} needs {' or '.join(subwords)}"
    if second is None:
        raise InvalidInput(needs, hint="usage: " + " / ".join(s.usage for s in family))
    close = difflib.get_close_matches(second.text.lower(), subwords, n=1)
    chosen = [s for s in family if s.words.split()[1] in close] or list(family)
    raise InvalidInput(
        f"{needs}, not {second.text!r}", hint="did you mean: " + " / ".join(s.usage for s in chosen)
    )


def parse(text: str) -> c.Command:
    """Parse one command line. Empty text is `help`. Raises InvalidInput, never anything else."""
    tokens = tokenize(text)
    if not tokens:
        return c.Help()
    spec, cur = _dispatch(tokens)
    try:
        return spec.parse(cur)
    except InvalidInput as error:
        hint = _sibling_hint(spec, tokens) or error.hint or _hint(spec)
        raise InvalidInput(error.message, hint=hint) from None


def _sibling_hint(spec: Spec, tokens: tuple[Token, ...]) -> str | None:
    """When the bare form of a family fails (`alerts <channel>`), a second word close to another
    form's (`alerts lo on`) points there; no argument at all (`alerts`) lists every form."""
    family = specs_for(spec.words.split()[0])
    if " " in spec.words or len(family) == 1:
        return None
    if len(tokens) == 1:
        return "usage: " + " / ".join(s.usage for s in family)
    forms = {s.words.split()[1]: s for s in family if " " in s.words}
    close = difflib.get_close_matches(tokens[1].text.lower(), list(forms), n=1, cutoff=0.6)
    return f"did you mean: {forms[close[0]].usage}" if close else None
