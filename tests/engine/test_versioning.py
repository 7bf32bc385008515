"""Forward-only versions: in effect over [valid_from, valid_to); changes close and open."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from engine.catalog import PosItemId
from engine.errors import Conflict, InvalidInput
from engine.versioning import close, in_effect, supersede
from tests.engine.builders import RECIPES, T0

HOUR = timedelta(hours=1)
SHOT_RECIPE = replace(RECIPES[PosItemId("sq-titos-shot")], valid_from=T0)


def test_in_effect_boundaries() -> None:
    closed = close(SHOT_RECIPE, T0 + HOUR)
    assert in_effect([closed], T0) is closed  # valid_from inclusive
    assert in_effect([closed], T0 + HOUR) is None  # valid_to exclusive
    assert in_effect([closed], T0 - HOUR) is None
    assert in_effect([SHOT_RECIPE], T0 + 1000 * HOUR) is SHOT_RECIPE  # open-ended


def test_supersede_closes_and_opens_at_the_same_instant() -> None:
    following = replace(SHOT_RECIPE, valid_from=T0 + HOUR)
    closed, opened = supersede(SHOT_RECIPE, following)
    assert closed is not None and closed.valid_to == T0 + HOUR and opened is following
    assert in_effect([closed, opened], T0 + HOUR - timedelta(microseconds=1)) is closed
    assert in_effect([closed, opened], T0 + HOUR) is opened
    assert supersede(None, following) == (None, following)


def test_history_is_never_rewritten() -> None:
    with pytest.raises(Conflict, match="predate"):
        close(SHOT_RECIPE, T0 - HOUR)
    with pytest.raises(Conflict, match="already ended"):
        close(close(SHOT_RECIPE, T0 + HOUR), T0 + 2 * HOUR)
    with pytest.raises(InvalidInput, match="open-ended"):
        supersede(SHOT_RECIPE, replace(SHOT_RECIPE, valid_to=T0 + 2 * HOUR))
    with pytest.raises(InvalidInput, match="no time zone"):
        close(SHOT_RECIPE, datetime(2027, 1, 1))
