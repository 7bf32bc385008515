"""A Clover delivery split into stored notices, with the spec's sample; what each notice fetches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integrations.clover.envelope import (
    FetchOrder,
    FetchPayment,
    Notice,
    decide,
    parse_notice,
    split,
)
from integrations.errors import BadPayload
from integrations.provider import Skip

SAMPLES = Path(__file__).resolve().parent / "samples"


def sample_body() -> bytes:
    body = json.loads((SAMPLES / "clover_webhook.json").read_text())
    return json.dumps({k: v for k, v in body.items() if not k.startswith("_")}).encode()


def body(merchants: dict[str, Any], app_id: str | None = "APP") -> bytes:
    return json.dumps({"appId": app_id, "merchants": merchants}).encode()


def test_the_sample_delivery_is_four_notices_of_two_merchants() -> None:
    found = split(sample_body())
    assert found.app_id == "DRKVJT2ZRRRSC" and found.ignored == 0
    assert [(n.merchant_id, n.object_id, n.type, n.ts) for n in found.notices] == [
        ("XYZVJT2ZRRRSC", "O:GHIVJT2ABCRSC", "UPDATE", 1716518048062),
        ("XYZVJT2ZRRRSC", "P:PAYMENT000001", "CREATE", 1716518047650),
        ("XYZVJT2ZRRRSC", "O:ABCVJTABCRRSC", "CREATE", 1716518056650),
        ("MNOVJT2ZRRRSC", "O:QRSVJT2ABCXYZ", "UPDATE", 1716518049150),
    ]
    assert found.notices[0].dedupe_key == "XYZVJT2ZRRRSC:O:GHIVJT2ABCRSC:UPDATE:1716518048062"


def test_bursts_collapse_to_the_latest_and_other_objects_are_ignored() -> None:
    updates = [
        {"objectId": "O:ORD1", "type": "UPDATE", "ts": 1716518048002},
        {"objectId": "O:ORD1", "type": "UPDATE", "ts": 1716518048900},
        {"objectId": "O:ORD1", "type": "CREATE", "ts": 1716518048001},
        {"objectId": "I:ITEM1", "type": "UPDATE", "ts": 1716518048000},
        {"objectId": "O:ORD2", "type": "DELETE", "ts": 1716518048000},
    ]
    found = split(body({"M1": updates}))
    assert [(n.object_id, n.ts) for n in found.notices] == [("O:ORD1", 1716518048900)]
    assert found.ignored == 4


def test_a_notice_survives_the_inbox_round_trip() -> None:
    notice = split(sample_body()).notices[1]
    assert parse_notice(notice.body) == notice
    assert json.loads(notice.body) == {
        "appId": "DRKVJT2ZRRRSC",
        "merchantId": "XYZVJT2ZRRRSC",
        "objectId": "P:PAYMENT000001",
        "type": "CREATE",
        "ts": 1716518047650,
    }


def test_orders_fetch_themselves_and_payments_their_order() -> None:
    order, payment, *_ = split(sample_body()).notices
    assert decide(order) == FetchOrder("XYZVJT2ZRRRSC", "GHIVJT2ABCRSC")
    assert decide(payment) == FetchPayment("XYZVJT2ZRRRSC", "PAYMENT000001")
    inventory = Notice(None, "M1", "I", "ITEM1", "UPDATE", 1716518048000)
    assert isinstance(decide(inventory), Skip)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[]", "must be a JSON object"),
        (b"{", "not JSON"),
        (body({"M1": {"objectId": "O:1"}}), "must be an array"),
        (body({"bad id!": []}), "merchant id"),
        (body({"M1": [{"objectId": "ORD1", "type": "UPDATE", "ts": 1716518048000}]}), "objectId"),
        (body({"M1": [{"objectId": "O:a b", "type": "UPDATE", "ts": 1716518048000}]}), "objectId"),
        (body({"M1": [{"objectId": "O:1", "type": "PATCH", "ts": 1716518048000}]}), "type"),
        (body({"M1": [{"objectId": "O:1", "type": "UPDATE", "ts": "now"}]}), "integer"),
        (body({"M1": [{"objectId": "O:1", "type": "UPDATE", "ts": 5}]}), "outside"),
        (body({"M1": [{"objectId": "O:1", "type": "UPDATE", "ts": 1716518048000}] * 1001}), "1000"),
        (body({}, app_id="not an id"), "appId"),
    ],
)
def test_deliveries_out_of_shape_or_bounds_are_refused(raw: bytes, message: str) -> None:
    with pytest.raises(BadPayload, match=message):
        split(raw)
