"""The tokenizer and literal values, and the property that parse only ever raises InvalidInput."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.commands.amounts import UNIT_ALIASES
from bot.commands.commands import Command
from bot.commands.grammar import COMMAND_WORDS, SPECS, parse
from bot.commands.tokens import Kind, Token, join, tokenize
from engine.errors import InvalidInput
from engine.units import lookup_unit

W, Q, OP, M = Kind.WORD, Kind.QUOTED, Kind.OP, Kind.MENTION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("  stock\t tito ", [(W, "stock"), (W, "tito")]),
        ('"Tito\'s  Vodka"', [(Q, "Tito's Vodka")]),
        ("“Tito’s Vodka”", [(Q, "Tito’s Vodka")]),
        ("‘Tito’s Vodka’ 3", [(Q, "Tito’s Vodka"), (W, "3")]),
        ("'Tito's Vodka'=x", [(Q, "Tito's Vodka"), (OP, "="), (W, "x")]),
        ("Tito's", [(W, "Tito's")]),
        ('""', [(Q, "")]),
        (
            "a=b+c->d→e",
            [
                (W, "a"),
                (OP, "="),
                (W, "b"),
                (OP, "+"),
                (W, "c"),
                (OP, "->"),
                (W, "d"),
                (OP, "->"),
                (W, "e"),
            ],
        ),
        ("6@$22 @U0123ABC", [(W, "6"), (OP, "@"), (W, "$22"), (W, "@U0123ABC")]),
        (
            "<#C0123ABC|bar-alerts> <@U1234567|sam smith>",
            [(M, "<#C0123ABC|bar-alerts>"), (M, "<@U1234567|sam smith>")],
        ),
        (
            "a -&gt; b &amp; c &lt;3",
            [(W, "a"), (OP, "->"), (W, "b"), (W, "&"), (W, "c"), (W, "<3")],
        ),
        ("x2 5% $1,200.50 1/2bbl", [(W, "x2"), (W, "5%"), (W, "$1,200.50"), (W, "1/2bbl")]),
    ],
)
def test_tokenize(text: str, expected: list[tuple[Kind, str]]) -> None:
    assert [(t.kind, t.text) for t in tokenize(text)] == expected


def test_join_keeps_the_spacing_that_was_typed() -> None:
    assert join(tokenize("Jack+Coke  and   more")) == "Jack+Coke and more"
    assert join((Token(W, "a"), Token(OP, "+", spaced=False), Token(W, "b", spaced=True))) == "a+ b"


def test_every_canonical_unit_is_one_the_engine_knows() -> None:
    for spelling, canonical in UNIT_ALIASES.items():
        assert lookup_unit(spelling) is not None, spelling
        assert lookup_unit(spelling) == lookup_unit(canonical), spelling


def _parse_or_invalid(text: str) -> Command | None:
    try:
        return parse(text)
    except InvalidInput as error:
        assert error.message
        assert error.hint
        return None


_WORDS = st.sampled_from(
    [
        *COMMAND_WORDS,
        *(example for spec in SPECS for example in spec.examples),
        "tito",
        '"',
        "'",
        "“",
        "’",
        "=",
        "+",
        "->",
        "@",
        "$",
        "%",
        "x2",
        "1/0",
        "1/2",
        "..",
        "2026-02-30",
        "1.5",
        "oz",
        "shot",
        "with",
        "swap",
        "price",
        "only",
        "min",
        "par",
        "<#C0123ABC|a>",
        "<@U0123ABC>",
        "<",
        ">",
        "&gt;",
        "#",
        "99:99",
        "9" * 40,
        "ℵ",
        "٣",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.text())
@example("count tito " + "9" * 5000)
@example("sales 9999-99-99..0000-00-00")
@example('map "x" = 1' + "/1" * 50 + " oz y")
def test_parse_raises_only_invalid_input_on_any_text(text: str) -> None:
    _parse_or_invalid(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(_WORDS, max_size=8).map(" ".join))
def test_parse_raises_only_invalid_input_on_near_commands(text: str) -> None:
    _parse_or_invalid(text)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([e for spec in SPECS for e in spec.examples]), st.sampled_from(["", " ", "  "])
)
def test_extra_whitespace_and_case_change_nothing(example_text: str, pad: str) -> None:
    words = example_text.split(" ")
    spaced = pad + (" " + pad).join(words) + pad
    assert parse(spaced) == parse(example_text)
    first, _, rest = example_text.partition(" ")
    assert parse(f"{first.upper()} {rest}") == parse(example_text)
