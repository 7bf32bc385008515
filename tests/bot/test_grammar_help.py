"""Help is generated from the grammar's table: every command appears, and every topic resolves."""

import pytest

from bot.commands.commands import Help
from bot.commands.grammar import COMMAND_WORDS, SPECS, parse
from bot.commands.help import help_text
from engine.errors import InvalidInput


def test_overview_lists_every_command_with_its_summary_under_reading_or_changing() -> None:
    text = help_text()
    reading, _, changing = text.partition("Changing (managers only):")
    for spec in SPECS:
        part = changing if spec.command.changes else reading
        assert f"  {spec.usage}\n      {spec.summary}" in part, spec.words


@pytest.mark.parametrize("words", COMMAND_WORDS)
def test_help_for_each_command_shows_its_usage_and_examples(words: str) -> None:
    command = parse(f"help {words}")
    assert command == Help(words)
    text = help_text(command.topic)
    spec = next(spec for spec in SPECS if spec.words == words)
    assert text.splitlines()[0] == spec.usage
    for example in spec.examples:
        assert f"  e.g. {example}" in text


def test_help_for_a_family_shows_every_form() -> None:
    text = help_text(parse("help summary").topic)  # type: ignore[union-attr]
    assert "summary <HH:MM> <channel>" in text
    assert "summary off" in text
    assert "summary post [<date>]" in text
    assert "(managers only)" in text


def test_help_for_an_unknown_topic_suggests() -> None:
    with pytest.raises(InvalidInput) as caught:
        help_text("mapp")
    assert caught.value.hint is not None
    assert caught.value.hint.startswith('did you mean: map "<pos item>"')


def test_every_usage_and_example_fits_a_slack_line() -> None:
    for spec in SPECS:
        assert spec.examples, spec.words
        assert spec.usage.startswith(spec.words.split()[0]), spec.words
        assert len(spec.usage) <= 100 and len(spec.summary) <= 100
