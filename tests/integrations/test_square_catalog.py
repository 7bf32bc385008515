"""Square's catalog as barback's menu: the pure reading, and ListCatalog against the fake Square."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from engine.records import PosKind
from integrations.errors import UpstreamUnavailable
from integrations.square.catalog import display_name, menu_entries
from integrations.square.client import SquareClient
from integrations.square.provider import SquareProvider
from tests.integrations.fakes.square import (
    FakeSquare,
    catalog_category,
    catalog_item,
    catalog_modifier_list,
)

OBJECTS = [
    catalog_category("CAT-VODKA", "Vodka"),
    catalog_item("IT-TITO", "Tito's Shot", [("V-TITO", "Regular")], category_id="CAT-VODKA"),
    catalog_item("IT-IPA", "Draft IPA", [("V-IPA-PINT", "Pint"), ("V-IPA-HALF", "Half")]),
    catalog_modifier_list("ML-SIZE", "Size", [("M-DBL", "Double"), ("M-TRP", "Triple")]),
    {"type": "TAX", "id": "TX-1", "tax_data": {"name": "Sales tax"}},
]


def test_variations_are_items_named_as_orders_name_them() -> None:
    entries, left_out = menu_entries(OBJECTS)

    items = [(e.external_id, e.name, e.category) for e in entries if e.kind is PosKind.ITEM]
    assert items == [
        ("V-TITO", "Tito's Shot", "Vodka"),
        ("V-IPA-PINT", "Draft IPA (Pint)", None),
        ("V-IPA-HALF", "Draft IPA (Half)", None),
    ]
    modifiers = [(e.external_id, e.name, e.category) for e in entries if e.kind is PosKind.MODIFIER]
    assert modifiers == [("M-DBL", "Double", "Size"), ("M-TRP", "Triple", "Size")]
    assert left_out == 1  # the tax


def test_the_default_variation_name_is_left_out() -> None:
    assert display_name("Old Fashioned", "Regular") == "Old Fashioned"
    assert display_name("Old Fashioned", "regular ") == "Old Fashioned"
    assert display_name("Old Fashioned", "Large") == "Old Fashioned (Large)"
    assert display_name("Old Fashioned", None) == "Old Fashioned"


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare() as fake:
        yield fake


class Tokens:
    def __init__(self, token: str) -> None:
        self.token = token

    async def access_token(self, provider: str, account: str) -> str:
        return self.token


async def test_the_whole_catalog_is_read_page_by_page(square: FakeSquare) -> None:
    square.catalog = [
        catalog_item(f"IT-{n}", f"Drink {n}", [(f"V-{n}", "Regular")]) for n in range(25)
    ]
    square.catalog_page = 10
    async with aiohttp.ClientSession() as session:
        client = SquareClient(session, square.base_url)
        provider = SquareProvider(
            signature_key="k", notification_url="u", client=client, tokens=Tokens(square.grant())
        )
        menu = await provider.menu(square.merchant_id)

    assert menu.provider == "square"
    assert [e.external_id for e in menu.entries] == [f"V-{n}" for n in range(25)]
    pages = square.calls("/v2/catalog/list")
    assert len(pages) == 3
    assert all(call.method == "GET" for call in pages)  # read-only


async def test_a_rate_limited_catalog_read_is_retried_later(square: FakeSquare) -> None:
    square.rate_limit(1, retry_after=2)
    async with aiohttp.ClientSession() as session:
        client = SquareClient(session, square.base_url)
        with pytest.raises(UpstreamUnavailable) as limited:
            await client.list_catalog(square.grant())
    assert limited.value.retry_after == 2
