"""`barback completion bash|zsh`: a Tab-completion script, generated from the parser and grammar.

    eval "$(barback completion bash)"     # in ~/.bashrc
    eval "$(barback completion zsh)"      # in ~/.zshrc, after compinit

Completes the first word (the administration commands, the grammar's commands, the global
options), a second word (`venue add|list|secret`, `product add|set|...`) and each command's
options. Both scripts come from the same table (`completion_table`), built from the argparse
parser and `bot.commands.grammar.COMMAND_WORDS`, so they stay in step with the commands. Venue
and product names are not completed: that would cost a database query per Tab.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.subcommands import Subparsers, add_command

if TYPE_CHECKING:
    from app.config import Settings

SHELLS = ("bash", "zsh")
GRAMMAR_OPTIONS = ("--json",)
# Options before the first word: (option, how many words it takes).
GLOBAL_OPTIONS = {"--venue": 1, "--version": 0, "--help": 0, "-h": 0}

Table = Mapping[str, tuple[Sequence[str], Sequence[str]]]
"""first word -> (its second words, its options)."""


def add_completion_command(commands: Subparsers[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "completion",
        run_completion,
        summary="print a Tab-completion script for bash or zsh",
        description="Print a Tab-completion script for bash or zsh, to load from your shell's "
        "start-up file.",
        examples=[
            "echo 'eval \"$(barback completion bash)\"' >> ~/.bashrc",
            "echo 'eval \"$(barback completion zsh)\"' >> ~/.zshrc   # after compinit",
        ],
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell the script is for")


def run_completion(args: argparse.Namespace, settings: Settings) -> int:
    table = completion_table(args.parser)
    print(bash_script(table) if args.shell == "bash" else zsh_script(table))
    return 0


def completion_table(parser: argparse.ArgumentParser) -> dict[str, tuple[list[str], list[str]]]:
    from app.terminal_session import CHART_COMMANDS
    from bot.commands.grammar import COMMAND_WORDS

    table: dict[str, tuple[list[str], list[str]]] = {}
    for name, sub in _subparsers(parser).items():
        actions = _subparsers(sub)
        options = set(_options(sub))
        for action in actions.values():
            options.update(_options(action))
        table[name] = (sorted(actions), sorted(options))
    for words in COMMAND_WORDS:
        first, _, second = words.partition(" ")
        chart = ["--chart"] if first in CHART_COMMANDS else []
        seconds, options = table.setdefault(first, ([], [*GRAMMAR_OPTIONS, *chart]))
        if second and second.split()[0] not in seconds:
            seconds.append(second.split()[0])
    return {name: (sorted(seconds), sorted(options)) for name, (seconds, options) in table.items()}


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:  # argparse keeps its actions only privately
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [o for a in parser._actions for o in a.option_strings if o.startswith("--")]


def _words(values: Sequence[str]) -> str:
    return " ".join(values)


def bash_script(table: Table) -> str:
    cases = "\n".join(
        f"        {name}) second='{_words(seconds)}'; options='{_words(options)}' ;;"
        for name, (seconds, options) in sorted(table.items())
    )
    return f"""# barback completion for bash: eval "$(barback completion bash)"
_barback() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
    local i=1 first='' second='' options=''
    while (( i < COMP_CWORD )); do
        case ${{COMP_WORDS[i]}} in
            --venue) (( i += 2 )) ;;
            -*) (( i += 1 )) ;;
            *) first=${{COMP_WORDS[i]}}; break ;;
        esac
    done
    if [[ -z $first ]]; then
        [[ $prev == --venue ]] && return 0
        COMPREPLY=($(compgen -W '{_words([*sorted(table), *GLOBAL_OPTIONS])}' -- "$cur"))
        return 0
    fi
    case $first in
{cases}
    esac
    if (( COMP_CWORD == i + 1 )); then
        COMPREPLY=($(compgen -W "$second $options" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    fi
}}
complete -o default -F _barback barback"""


def zsh_script(table: Table) -> str:
    cases = "\n".join(
        f"    {name}) second=({_words(seconds)}); options=({_words(options)}) ;;"
        for name, (seconds, options) in sorted(table.items())
    )
    return f"""#compdef barback
# barback completion for zsh: eval "$(barback completion zsh)" after compinit
_barback() {{
  local -a second options
  local i=2 first=''
  while (( i < CURRENT )); do
    case ${{words[i]}} in
      --venue) (( i += 2 )) ;;
      -*) (( i += 1 )) ;;
      *) first=${{words[i]}}; break ;;
    esac
  done
  if [[ -z $first ]]; then
    [[ ${{words[CURRENT-1]}} == --venue ]] && return 1
    compadd -- {_words([*sorted(table), *GLOBAL_OPTIONS])}
    return
  fi
  case $first in
{cases}
  esac
  if (( CURRENT == i + 1 )); then
    compadd -a second options
  else
    compadd -a options
  fi
}}
compdef _barback barback"""
