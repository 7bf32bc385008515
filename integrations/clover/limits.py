"""The bounds of what barback accepts from Clover, in one place (brief: every outside value has a
documented bound and is refused with a clear reason when out of it).

Real Clover values sit far inside them (ids are 13 characters, item names at most 127); they
exist so that a broken or hostile payload is refused with a reason instead of reaching the
database or the arithmetic. Kept as plain constants so that the engine's own bounds, when they
exist, can replace them here without touching the readers.
"""

from __future__ import annotations

import re

ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
"""Clover ids (merchants, orders, line items, items, modifiers, payments, refunds): no `:`, so
they can be joined into barback's keys unambiguously."""

MAX_NAME = 255
"""Item, modifier and discount names (barback's `pos_items.name` is 255 characters)."""

MAX_CENTS = 10_000_000_000
"""Any amount, in minor units: $100,000,000."""

MAX_UNIT_QTY = 1_000_000_000
"""`unitQty` is fixed-point x1000: a million units on one line."""

MAX_PERCENT = 100
"""A discount percentage."""

MAX_TAX_RATE = 10_000_000
"""A tax rate in Clover's units (100% = 10,000,000; 7.975% = 797,500)."""

MAX_LINE_ITEMS = 1000
MAX_MODIFICATIONS = 100
MAX_DISCOUNTS = 100
MAX_PAYMENTS = 100
MAX_REFUNDS = 100
MAX_TAX_RATES = 20

MAX_NOTICES = 1000
"""Updates in one webhook delivery, all merchants together."""

VERIFICATION_CODE = re.compile(r"^[A-Za-z0-9-]{1,128}$")
"""The handshake's `verificationCode` (a UUID in practice)."""

MIN_MILLIS = 946_684_800_000
"""2000-01-01T00:00:00Z: Clover times are Unix milliseconds; an earlier one is not a real time."""
MAX_MILLIS = 4_102_444_800_000
"""2100-01-01T00:00:00Z."""
