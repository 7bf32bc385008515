"""Every adapter decodes its POS's JSON through one door (`integrations.json_fields`): the same
bounds for Square, Toast, Clover and Shopify bodies, and the same typed reads."""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType

import pytest

from integrations.clover import fields as clover
from integrations.errors import BadPayload
from integrations.shopify import fields as shopify
from integrations.square import fields as square
from integrations.toast import fields as toast

ADAPTERS = [square, toast, clover, shopify]


@pytest.mark.parametrize("fields", ADAPTERS, ids=lambda m: m.__name__.split(".")[1])
@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}", "nests deeper than 32 levels"),
        (b'{"amount": ' + b"9" * 25 + b"}", "more than 19 digits"),
        (b'{"amount": NaN}', "NaN"),
        (b"[]", "must be a JSON object"),
        (b"\xff{}", "not JSON"),
    ],
)
def test_every_adapter_refuses_the_same_hostile_json(
    fields: ModuleType, raw: bytes, reason: str
) -> None:
    with pytest.raises(BadPayload, match=reason):
        fields.decode(raw, "the body")


def test_toast_numbers_are_the_digits_written() -> None:
    body = toast.decode(b'{"price": 14.4, "quantity": 3}', "check")
    assert toast.number(body, "price", "check") == Decimal("14.40")
    assert square.decode(b'{"price": 14.4}', "x")["price"] == 14.4  # a float elsewhere


def test_typed_reads_name_the_path() -> None:
    body = square.decode(b'{"lines": [{"name": 7}], "at": "2026-12-01T20:00:00"}', "order")
    [(path, line)] = square.objects(body, "lines", "order")
    with pytest.raises(BadPayload, match=r"order\.lines\[0\]\.name must be a string"):
        square.text(line, "name", path)
    with pytest.raises(BadPayload, match=r"order\.at has no offset"):
        square.instant(body, "at", "order")
    with pytest.raises(BadPayload, match=r"order\.lines has 1 entries, at most 0"):
        toast.objects(body, "lines", "order", limit=0)
    with pytest.raises(BadPayload, match="is longer than 255 characters"):
        toast.text({"guid": "x" * 256}, "guid", "order")
