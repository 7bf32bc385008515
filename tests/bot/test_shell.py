"""`bot.shell`: the loop fed line by line (no tty), and Tab completion's candidates."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest

from bot.commands.replies import Reply
from bot.shell import Completer, loop, product_names


def feeder(lines: list[str | BaseException]) -> tuple[list[str], Callable[[str], str]]:
    prompts: list[str] = []
    items: Iterator[str | BaseException] = iter(lines)

    def read(prompt: str) -> str:
        prompts.append(prompt)
        item = next(items, EOFError())
        if isinstance(item, BaseException):
            raise item
        return item

    return prompts, read


def run(lines: list[str | BaseException]) -> tuple[int, list[str], str, str]:
    ran: list[str] = []

    def execute(text: str) -> Reply:
        ran.append(text)
        if text.startswith("bad"):
            return Reply.refusal("unknown command 'bad'", "invalid_input", hint="type help")
        return Reply(summary=f"ran {text}")

    _, read = feeder(lines)
    out, err = io.StringIO(), io.StringIO()
    status = loop(execute, read, out, err, prompt="downtown> ")
    return status, ran, out.getvalue(), err.getvalue()


def test_lines_run_until_exit() -> None:
    status, ran, out, err = run(["stock", "  ", "bad words", "sales  ", "exit", "never"])
    assert status == 0
    assert ran == ["stock", "bad words", "sales"]
    assert out == "ran stock\nran sales\n"
    assert err == "barback: unknown command 'bad'\n  type help\n"


@pytest.mark.parametrize("leave", ["quit", "EXIT", EOFError()])
def test_quit_exit_and_ctrl_d_leave(leave: str | BaseException) -> None:
    status, ran, _, _ = run(["stock", leave, "sales"])
    assert (status, ran) == (0, ["stock"])


def test_ctrl_c_drops_the_line_and_goes_on() -> None:
    status, ran, out, _ = run([KeyboardInterrupt(), "stock"])
    assert (status, ran) == (0, ["stock"])
    assert out.startswith("^C\n")


def test_after_runs_after_each_command() -> None:
    seen: list[tuple[str, bool]] = []
    _, read = feeder(["product add x", "stock"])
    loop(
        lambda text: Reply(text),
        read,
        io.StringIO(),
        io.StringIO(),
        after=lambda text, reply: seen.append((text, reply.ok)),
    )
    assert seen == [("product add x", True), ("stock", True)]


COMPLETER = Completer(["Tito's Vodka", "Tequila", "Cointreau"])


@pytest.mark.parametrize(
    ("before", "word", "expected"),
    [
        ("", "st", ["stock"]),
        ("", "s", ["sales", "serving", "simulate", "stock", "summary"]),
        ("", "q", ["quit"]),
        ("product ", "a", ["add"]),
        ("alerts ", "", ["low", "variance", '"Tito\'s Vodka"', "Tequila", "Cointreau"]),
        ("stock ", "t", ['"Tito\'s Vodka"', "Tequila"]),
        ("stock ", '"ti', ['"Tito\'s Vodka"']),
        ("count ", "coin", ["Cointreau"]),
        ('map "Shot" = 1.5 oz ', "TI", ['"Tito\'s Vodka"']),
    ],
)
def test_completion(before: str, word: str, expected: list[str]) -> None:
    assert COMPLETER.candidates(before, word) == expected


def test_product_names_come_from_the_products_json() -> None:
    reply = Reply("2 products", data={"products": [{"name": "A"}, {"name": "B"}, {"x": 1}]})
    assert product_names(reply) == ["A", "B"]
    assert product_names(Reply("none")) == ()
