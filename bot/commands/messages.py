"""Every user-facing string of the command layer, in one place: summaries, titles, column names.

Templates use `str.format` fields named for what they hold. Slack and the terminal show the same
words; only the layout differs. Keep them short: a summary is one line a bar manager reads on a
phone between two orders.
"""

from __future__ import annotations

# --- reading -------------------------------------------------------------------------------------

STOCK_ALL = "{venue}: {n} products, {low} low"
STOCK_ONE = "{name}: {on_hand} on hand, {containers} containers{low}"
STOCK_NONE = "no products yet: add one with product add"
LOW_FLAG = ", LOW"
LOW_CELL = "LOW"

SALES = (
    "{venue}, {period}: net sales {net}, COGS {cogs}, pour cost {pct}, gross profit {profit}, "
    "{receipts} receipt{s}"
)
SALES_REFUNDS = " (after {refunds} of refunds)"
TOP_ITEMS = "Top items"
CHART_TITLE = "{venue}: sales {period}"
CHART_SUBTITLE = "net sales {net}, pour cost {pct}"
CHART_HOURS = "Hour ({zone}, {abbreviations})"
CHART_DAYS = "Business day ({zone}, from {cutoff})"

VARIANCE_ONE = "{name}: variance {variance} ({pct}), costing {cost}"
VARIANCE_ALL = "variance of {n} products between their counts: {cost} in all"
VARIANCE_NONE = "no variance yet: a product needs two counts"
VARIANCE_WITHOUT_COUNTS = "without two counts: {names}"

PRODUCTS = "{n} product{s}"
PRODUCTS_NONE = "no products yet: add one with product add"

MAPPINGS = "{items} POS items mapped, {rules} modifier rules"
MAPPINGS_ITEMS = "POS items"
MAPPINGS_RULES = "Modifier rules"

UNMAPPED = "seen without a mapping: POS items {items}, modifiers {modifiers}"
UNMAPPED_NONE = "every POS item and modifier seen is mapped"
UNMAPPED_ITEMS = "POS items"
UNMAPPED_MODIFIERS = "Modifiers"
ACTION_MAP = "Map"
ACTION_RULE = "Set rule"

WHY = "{name}: {on_hand} on hand = {start} + received {received} - waste {waste} - sold {sold}"
WHY_FROM_COUNT = "count {quantity} at {at}"
WHY_NO_COUNT = "no count yet (0)"
WHY_COUNT = "count"
WHY_RECEIVED = "received"
WHY_WASTE = "waste"
WHY_SALE = "sale"
WHY_REFUND = "refund"
WHY_OMITTED = "… {n} older sales"

SIMULATE = "one {item}{modifiers} would cost {cogs} (nothing was changed)"
SIMULATE_UNMAPPED = "no rule for: {names} (they change nothing)"

HISTORY = "the latest {n} change{s}"
HISTORY_NONE = "no changes yet"

COUNT_SESSION = "counted {n} product{s} at {at} (session {session}, by {who})"
COUNT_SESSION_VARIANCE = "variance {cost} in all; the biggest losses first:"
COUNT_SESSION_FIRST = "first count of {names}: no variance yet"
COUNT_SESSION_MORE = "…and {n} more: the full variance report has them all"
ACTION_FULL_VARIANCE = "Full variance report"
COUNT_SHEET_WRITTEN = (
    "wrote the count sheet of {n} product{s} to {file}: fill in the amount column "
    "(3.4 = containers, or 2550 ml), leave blank what you did not count, then: count import {file}"
)
COUNT_SHEET_SHARED = (
    "the count sheet of {n} product{s}, as {file}: fill in the amount column (3.4 = containers, "
    "or 2550 ml), leave blank what you did not count, share it here, then: count import {file}"
)
COUNT_SHEET_NONE = "no products to count yet: add one with product add"

# --- columns -------------------------------------------------------------------------------------

COL_PRODUCT = "Product"
COL_ON_HAND = "On hand"
COL_CONTAINERS = "Containers"
COL_PAR = "Par"
COL_REORDER = "Reorder"
COL_LOW = "Low"
COL_DAYS_LEFT = "Days left"
COL_ORDER = "Order"
COL_ITEM = "Item"
COL_QTY = "Qty"
COL_NET_SALES = "Net sales"
COL_COGS = "COGS"
COL_POUR_COST = "Pour cost"
COL_COUNTS = "Counts"
COL_EXPECTED = "Expected"
COL_WASTE = "Waste"
COL_ACTUAL = "Actual"
COL_VARIANCE = "Variance"
COL_PCT = "%"
COL_COST = "Cost"
COL_CATEGORY = "Category"
COL_CONTAINER = "Container"
COL_POS_ITEM = "POS item"
COL_DEPLETES = "Depletes"
COL_MODIFIER = "Modifier"
COL_RULE = "Rule"
COL_NAME = "Name"
COL_SEEN = "Seen"
COL_FIRST_SEEN = "First seen"
COL_LAST_SEEN = "Last seen"
COL_WHEN = "When"
COL_WHAT = "What"
COL_QUANTITY = "Quantity"
COL_DETAIL = "Detail"
COL_WHO = "Who"
COL_CHANGE = "Change"
COL_SHEET = ("product", "category", "container", "expected", "amount")
"""A count sheet's CSV columns; `count import` reads `product` and `amount` (or `count`)."""

# --- permissions and refusals ------------------------------------------------------------------

NOT_A_MANAGER = "{words} changes things: only a manager may do that"
NOT_A_MANAGER_HINT = "a manager can add you with: managers add @you"
SLACK_ONLY = "{words} works in Slack only"
SLACK_ONLY_HINT = "type it as /barback {words} ... in the venue's Slack channel"

# --- changes -------------------------------------------------------------------------------------

CHANGED = "{verb} {target}{details} (by {who})"
NONE_VALUE = "none"
ON = "on"
OFF = "off"
ACTIONS: dict[str, str] = {
    "product.add": "added product",
    "product.set": "changed",
    "product.rename": "renamed product",
    "product.remove": "removed product",
    "serving.set": "set serving",
    "serving.remove": "removed serving",
    "modifier.remove": "removed the rule of modifier",
    "map": "mapped",
    "unmap": "unmapped",
    "modifier": "set modifier",
    "count.session": "counted",
    "count": "counted",
    "receive": "received",
    "waste": "recorded waste of",
    "alerts": "set alerts of",
    "summary": "set the daily summary of",
    "connect": "connected",
    "venue.restock_refunds": "set refunds of",
    "disconnect": "disconnected",
}
"""How an audit action reads in an answer, by its longest listed prefix (`product.set.cost`
reads as `product.set`); an action not listed is shown as it is."""
CONNECT = "connect {provider}: open {url} and approve barback in {provider}"
CONNECT_OFFERS = "POS this barback can connect: {ready}"
CONNECT_OFFERS_NONE = "no POS is set up on this barback yet"
CONNECT_OFFERS_HINT = "{unready}; set the settings and restart barback"
CONNECT_UNREADY = "{label} needs {settings}"
CONNECT_UNKNOWN = "barback cannot connect {provider}"
CONNECT_NOT_CONFIGURED = "{label} is not set up on this barback: it needs {settings}"
CONNECT_NOT_CONFIGURED_HINT = "set them and restart barback; `connect` lists what is ready"
CONNECT_NEEDS_ACCOUNT = "connect {provider} needs the {account}"
CONNECT_NEEDS_ACCOUNT_HINT = "connect {provider} <{account}>"
CONNECT_NO_ACCOUNT = "connect {provider} takes no {what}: it answers a link to approve barback"
CONNECT_NO_ACCOUNT_HINT = "connect {provider}"
CONNECT_NO_URL = "connect needs the service's public address"
CONNECT_NO_URL_HINT = "set PUBLIC_URL to the address the POS reaches barback at"
CONNECT_NO_KEY = "connect needs the service's secret key to sign the link"
CONNECT_NO_KEY_HINT = (
    "set BARBACK_SECRET_KEY, or start barback serve once: it keeps a key in the data directory"
)
CHANNEL_NEEDS_ID = "{name} is a channel name: the terminal cannot look it up in Slack"
CHANNEL_NEEDS_ID_HINT = "give the channel id instead, e.g. alerts C0123ABC (Slack: channel details)"

# --- the menu (issue 9) ---------------------------------------------------------------------------
NEVER_SOLD = "On the menu, never sold"
NEVER_SOLD_COUNT = "; on the menu and never sold: {n}"
COL_KIND = "Kind"
SHEET = "{what}: {n} rows, in the sheet {file} (the shape its import reads)"
MENU_RECORDED = (
    "recorded the {provider} menu: {items} items, {modifiers} modifiers ({new} new, {renamed} "
    "renamed, {off} off the menu) (by {who})"
)
IMPORTED = (
    "imported {file}: {what} {added} added, {changed} changed, {unchanged} unchanged (by {who})"
)
REVIEW = "{n} to review, best guesses first (page {page} of {pages})"
REVIEW_EMPTY = "nothing to review: every POS item and modifier seen or on the menu is mapped"
ON_MENU = "menu"
NO_GUESS = "(no guess: map it yourself)"
COL_GUESS = "Best guess"
COL_CONFIDENCE = "Sure"
ACTION_ACCEPT = "Accept {name}"
ACTION_EDIT = "Edit {name}"
ACTION_MORE = "More"
ACCEPTED = "mapped {n} from the review queue (by {who})"
