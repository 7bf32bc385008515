"""`engine.identity`, pure: which arrival adopts which placeholder."""

from __future__ import annotations

from engine.identity import Arrival, candidate_keys, plan_adoptions, receipt_arrivals
from engine.records import GENERIC_PROVIDER, PosKind, PosThing
from tests.engine.usecases_world import T0, line, receipt

ITEM, MOD = PosKind.ITEM, PosKind.MODIFIER


def placeholder(key: str, kind: PosKind = ITEM, row: int = 1) -> PosThing:
    return PosThing(row, kind, GENERIC_PROVIDER, key, key.title(), by_name=True)


def arrival(external_id: str, name: str, provider: str = "square") -> Arrival:
    return Arrival(ITEM, provider, external_id, name)


def test_the_first_arrival_with_the_name_adopts_and_a_namesake_stays_unmapped() -> None:
    first, second = arrival("SQ-1", "Tito's  SHOT"), arrival("TO-9", "tito's shot", "toast")

    (adoption,) = plan_adoptions([first, second], [placeholder("tito's shot")], set())

    assert adoption.arrival == first


def test_an_arrival_with_a_mapping_of_its_own_adopts_nothing() -> None:
    mapped, fresh = arrival("SQ-1", "Margarita"), arrival("SQ-2", "Margarita")

    (adoption,) = plan_adoptions([mapped, fresh], [placeholder("margarita")], {mapped.key})

    assert adoption.arrival == fresh


def test_a_typed_id_is_adopted_by_that_id_after_names() -> None:
    by_id = arrival("cocktail-paloma", "Paloma")
    assert plan_adoptions([by_id], [placeholder("cocktail-paloma")], set())[0].arrival == by_id
    by_name = arrival("X-1", "cocktail-paloma")
    both = plan_adoptions([by_id, by_name], [placeholder("cocktail-paloma")], set())
    assert [a.arrival for a in both] == [by_name]


def test_a_generic_line_keyed_by_the_name_is_the_placeholder_itself() -> None:
    itself = Arrival(ITEM, GENERIC_PROVIDER, "margarita", "Margarita")
    assert plan_adoptions([itself], [placeholder("margarita")], set()) == ()


def test_items_adopt_item_placeholders_and_modifiers_modifier_ones() -> None:
    r = receipt("R1", T0, line("L1", "dbl", "G&T", modifiers=(("dbl", "Double"),)))
    arrivals = receipt_arrivals([r])
    assert candidate_keys(arrivals) == {ITEM: {"g&t", "dbl"}, MOD: {"dbl", "double"}}

    adoptions = plan_adoptions(arrivals, [placeholder("double", MOD)], set())

    assert [(a.arrival.kind, a.arrival.external_id) for a in adoptions] == [(MOD, "dbl")]


def test_each_placeholder_and_each_arrival_adopt_once() -> None:
    one = arrival("SQ-1", "Double")
    adoptions = plan_adoptions(
        [one], [placeholder("double", row=1), placeholder("sq-1", row=2)], ()
    )
    assert len(adoptions) == 1


def test_the_latest_name_of_an_id_is_its_arrival() -> None:
    older = receipt("R1", T0, line("L1", "SQ-1", "Tito Shot"))
    newer = receipt("R2", T0, line("L1", "SQ-1", "Tito's Shot"))
    assert receipt_arrivals([older, newer]) == [arrival("SQ-1", "Tito's Shot")]
