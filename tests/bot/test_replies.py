"""The reply model: plain, frozen values with `--json` that keeps order and text as written."""

from __future__ import annotations

import dataclasses
import json
import pickle
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pytest

from bot.commands.replies import Action, ChartSpec, Column, Reply, Table

ROOT = Path(__file__).resolve().parents[2]


def sales_chart() -> ChartSpec:
    return ChartSpec(
        title="Downtown: sales by hour",
        currency="USD",
        x_labels=("18:00", "19:00", "20:00"),
        x_kind="hour",
        net_sales_minor=(4800, 0, 7550),
        pour_cost_pct=(19.0, None, 21.5),
        currency_exponent=2,
        subtitle="Sat 21 Nov 2026",
    )


def sales_reply() -> Reply:
    return Reply(
        summary="Sat 21 Nov: net sales $123.50, pour cost 17.06%",
        tables=(
            Table(
                title="Top items",
                columns=(Column("Item"), Column("Qty", "right"), Column("Net sales", "right")),
                rows=(("Margarita", "4", "48.00"), ("Tito’s & Soda", "3", "27.00")),
            ),
        ),
        chart=sales_chart(),
        actions=(Action("Yesterday", "sales yesterday"), Action("Variance", "variance", "primary")),
        data={
            "venue": "downtown",
            "from": "2026-11-21",
            "to": "2026-11-21",
            "currency": "USD",
            "net_sales": "123.50",
            "pour_cost_pct": 17.06,
            "items": [{"pos_item": "Tito’s & Soda", "quantity": 3, "net_sales": "27.00"}],
        },
    )


def test_to_json_round_trips_data_in_insertion_order() -> None:
    reply = sales_reply()

    text = reply.to_json()

    assert json.loads(text) == reply.data
    assert list(json.loads(text)) == list(reply.data)  # no sort_keys: the spec's order
    assert "Tito’s" in text  # ensure_ascii off: names stay readable


def test_to_json_accepts_read_only_mappings() -> None:
    data = MappingProxyType({"venue": "bar-é", "nested": MappingProxyType({"b": 1, "a": 2})})

    text = Reply(summary="ok", data=data).to_json()

    assert text == '{"venue": "bar-é", "nested": {"b": 1, "a": 2}}'


def test_to_json_refuses_values_the_handler_should_have_formatted() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        Reply(summary="x", data={"net_sales": Decimal("1.50")}).to_json()


def test_a_reply_without_data_is_an_empty_object() -> None:
    assert Reply(summary="Nothing to show").to_json() == "{}"


def test_refusal_carries_code_and_mirrors_it_in_json() -> None:
    reply = Reply.refusal("No product called “titos”", "not_found", hint="did you mean: Tito's")

    assert not reply.ok
    assert reply.error_code == "not_found"
    assert json.loads(reply.to_json()) == {
        "error": "not_found",
        "message": "No product called “titos”",
        "hint": "did you mean: Tito's",
    }


def test_ok_and_error_code_agree() -> None:
    with pytest.raises(ValueError):
        Reply(summary="x", ok=False)
    with pytest.raises(ValueError):
        Reply(summary="x", error_code="not_found")


def test_values_are_frozen_and_hashable() -> None:
    action = Action("Map", 'map "Espresso Martini" = ')
    with pytest.raises(dataclasses.FrozenInstanceError):
        action.command = "stock"  # type: ignore[misc]
    assert hash(action) == hash(Action("Map", 'map "Espresso Martini" = '))
    assert hash(sales_chart()) == hash(sales_chart())


def test_chart_spec_pickles_for_the_chart_process() -> None:
    spec = sales_chart()
    assert pickle.loads(pickle.dumps(spec)) == spec


def test_table_rows_match_columns() -> None:
    with pytest.raises(ValueError, match="row 2"):
        Table(title=None, columns=(Column("a"), Column("b")), rows=(("1", "2"), ("3",)))


def test_bad_align_and_style_are_refused() -> None:
    with pytest.raises(ValueError):
        Column("a", "centre")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Action("a", "stock", "warning")  # type: ignore[arg-type]


def chart(**changes: object) -> ChartSpec:
    return dataclasses.replace(sales_chart(), **changes)  # type: ignore[arg-type]


def test_chart_series_line_up_with_labels() -> None:
    with pytest.raises(ValueError, match="3 labels, 2 net sales"):
        chart(net_sales_minor=(1, 2))
    with pytest.raises(ValueError):
        chart(pour_cost_pct=(None,))


def test_chart_pour_cost_is_undefined_without_sales() -> None:
    with pytest.raises(ValueError, match="19:00"):
        chart(pour_cost_pct=(19.0, 0.0, 21.5))


def test_chart_kind_and_exponent_are_checked() -> None:
    with pytest.raises(ValueError):
        chart(x_kind="week")
    with pytest.raises(ValueError):
        chart(currency_exponent=-1)


def test_has_sales() -> None:
    assert chart().has_sales
    assert not chart(net_sales_minor=(0, 0, 0), pour_cost_pct=(None, None, None)).has_sales
    assert not chart(x_labels=(), net_sales_minor=(), pour_cost_pct=()).has_sales


def test_the_command_layer_imports_no_front_end_or_matplotlib() -> None:
    code = (
        "import sys, bot.commands.replies\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'slack_bolt', "
        "'slack_sdk', 'numpy')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
