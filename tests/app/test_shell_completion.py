"""`barback completion bash|zsh`: the scripts complete in a real shell, from the real commands."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli import build_parser, main
from app.shell_completion import completion_table

BASH = shutil.which("bash")
ZSH = shutil.which("zsh")


def script(shell: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    assert main(["completion", shell]) == 0
    path = tmp_path / f"barback.{shell}"
    path.write_text(capsys.readouterr().out)
    return path


def bash_complete(path: Path, line: str) -> list[str]:
    """What bash offers for Tab at the end of `line` (a trailing space starts a new word)."""
    words = line.split(" ")
    program = f"""
source {path}
COMP_WORDS=({" ".join(f"'{w}'" for w in words)})
COMP_CWORD={len(words) - 1}
_barback
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    assert BASH is not None
    done = subprocess.run([BASH, "--norc", "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("barback ve", ["venue"]),
        ("barback st", ["stock"]),
        ("barback --venue demo st", ["stock"]),
        ("barback --venue=demo sal", ["sales"]),
        ("barback --v", ["--venue", "--version"]),
        ("barback venue ", ["add", "list", "secret", "--currency", "--help", "--json", "--name"]),
        ("barback product a", ["add"]),
        ("barback --venue demo sales today --", ["--chart", "--json"]),
        ("barback events --f", ["--failed"]),
        ("barback completion ", ["--help"]),
        ("barback --venue ", []),
    ],
)
def test_bash_completes(
    line: str, expected: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    offered = bash_complete(script("bash", capsys, tmp_path), line)
    if line == "barback venue ":
        assert offered[:3] == ["add", "list", "secret"] and set(expected) <= set(offered)
    else:
        assert offered == expected


def test_the_table_has_every_command() -> None:
    parser = build_parser()
    table = completion_table(parser)
    for name in ("serve", "db", "venue", "events", "worker", "demo", "import", "shell", "stock"):
        assert name in table
    assert table["db"][0] == ["upgrade"]
    assert table["stock"][1] == ["--json"]
    assert "replay" in table["events"][0]


@pytest.mark.skipif(ZSH is None, reason="zsh is not installed (the bash script is tested)")
def test_zsh_loads_the_script(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = script("zsh", capsys, tmp_path)
    assert ZSH is not None
    program = f"autoload -Uz compinit && compinit -u && source {path} && print $_comps[barback]"
    done = subprocess.run([ZSH, "-f", "-c", program], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "_barback"), done.stderr


@pytest.mark.skipif(ZSH is None, reason="zsh is not installed (the bash script is tested)")
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("barback ve", ["venue"]),
        ("barback --venue demo st", ["stock"]),
        ("barback db u", ["upgrade"]),
        ("barback --venue demo sales today --", ["--chart", "--json"]),
    ],
)
def test_zsh_completes(
    line: str, expected: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = script("zsh", capsys, tmp_path)
    words = line.split(" ")
    # compadd stands in for the completion system here: it prints what it is offered, and
    # the test keeps the offers that match the word being typed, as zsh would.
    program = f"""
compdef() {{ : }}
compadd() {{
  if [[ $1 == -a ]]; then shift; for name in "$@"; do print -l -- ${{(P)name}}; done
  else [[ $1 == -- ]] && shift; print -l -- "$@"; fi
}}
source {path}
words=({" ".join(f"'{w}'" for w in words)})
CURRENT={len(words)}
_barback
"""
    assert ZSH is not None
    done = subprocess.run([ZSH, "-f", "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    offered = [w for w in done.stdout.split() if w.startswith(words[-1])]
    assert offered == expected


def test_an_unknown_shell_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "fish"]) == 2
    assert "invalid choice: 'fish'" in capsys.readouterr().err
