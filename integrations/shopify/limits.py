"""The bounds a Shopify payload must keep, each refused at the door with a reason naming it.

They sit in one module so that, once `engine/bounds.py` holds the project's limits, switching is
one import here. Shopify's own limits are tighter than most of these; ours only keep a payload
from costing more than it is worth, and a typo (a quantity of 10,000,000) from reaching the books.
"""

from __future__ import annotations

MAX_LINE_ITEMS = 1_000
"""Line items in one order (Shopify checkouts stop at a few hundred)."""
MAX_QUANTITY = 10_000
"""Units on one line item or refund line."""
MAX_AMOUNT_DIGITS = 12
"""Digits before the decimal point of a money string: under a trillion in the shop's currency."""
MAX_PROPERTIES = 50
"""`properties` on one line item."""
MAX_MODIFIERS = 20
"""Modifiers one line item's properties may name."""
MAX_TEXT = 255
"""Characters in a name, title, property name or value that barback keeps."""
MAX_REFUNDS = 100
"""Refunds on one order."""
MAX_ID = 2**63 - 1
"""Shopify ids are positive 64-bit integers."""
