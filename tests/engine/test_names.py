"""Names match case-insensitively; an unambiguous prefix is enough; ambiguity lists candidates."""

from __future__ import annotations

import pytest

from engine.errors import Ambiguous, NotFound
from engine.names import match, match_name

PRODUCTS = ["Tito's Vodka", "Tito", "Milagro Blanco", "Patron Silver", "Patron Reposado"]


def test_exact_match_wins_over_prefix() -> None:
    assert match_name("tito", PRODUCTS) == "Tito"
    assert match_name("TITO'S VODKA", PRODUCTS) == "Tito's Vodka"


def test_unambiguous_prefix() -> None:
    assert match_name("tito's", PRODUCTS) == "Tito's Vodka"
    assert match_name("mil", PRODUCTS) == "Milagro Blanco"
    assert match_name("silver", PRODUCTS) == "Patron Silver"  # start of a later word


def test_ambiguous_lists_candidates() -> None:
    with pytest.raises(Ambiguous) as caught:
        match_name("patron", PRODUCTS)
    assert caught.value.candidates == ["Patron Reposado", "Patron Silver"]
    assert "did you mean: Patron Reposado, Patron Silver" in str(caught.value)


def test_not_found_suggests_close_names() -> None:
    with pytest.raises(NotFound) as caught:
        match_name("milagor blanco", PRODUCTS)
    assert caught.value.hint == "did you mean 'Milagro Blanco'?"
    with pytest.raises(NotFound):
        match_name("", PRODUCTS)


def test_match_returns_the_value() -> None:
    assert match("tito's", {"Tito's Vodka": 1, "Milagro": 2}) == 1
