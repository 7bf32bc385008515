"""The settings and administration commands' parsers and rows of the command table: alerts,
summaries, the venue a channel uses, the POS connection and the managers.

Separate from the other changing commands because they configure the workspace rather than the
inventory, and read Slack channels, users, times and percentages instead of products.
"""

from collections.abc import Callable
from typing import TypeVar, get_args

from bot.commands import commands as c
from bot.commands.amounts import read_money, read_percent
from bot.commands.arguments import choice, read_word
from bot.commands.dates import parse_date, parse_time
from bot.commands.slack_refs import parse_channel, parse_user
from bot.commands.spec import Spec
from bot.commands.tokens import Cursor, Token
from engine.errors import InvalidInput
from engine.venue import SLUG

T = TypeVar("T")


def _last(cur: Cursor, what: str, convert: Callable[[Token], T]) -> T:
    """The one remaining argument, converted."""
    token = cur.next()
    if token is None:
        raise InvalidInput(f"missing {what}")
    value = convert(token)
    cur.expect_end()
    return value


def _alerts_channel(cur: Cursor) -> c.Command:
    return c.AlertsChannel(_last(cur, "channel", parse_channel))


def _alerts_low(cur: Cursor) -> c.Command:
    setting = _last(cur, "on or off", lambda t: choice(t.text, ("on", "off"), "setting"))
    return c.AlertsLow(setting == "on")


def _restock_refunds(cur: Cursor) -> c.Command:
    setting = _last(cur, "on or off", lambda t: choice(t.text, ("on", "off"), "setting"))
    return c.RestockRefunds(setting == "on")


def _alerts_variance(cur: Cursor) -> c.Command:
    pct = read_percent(cur, "variance threshold")
    minimum = read_money(cur, "minimum amount") if cur.accept_word("min") else None
    cur.expect_end()
    return c.AlertsVariance(pct, minimum)


def _summary_schedule(cur: Cursor) -> c.Command:
    at = parse_time(read_word(cur, "time (HH:MM)"))
    return c.SummarySchedule(at, _last(cur, "channel", parse_channel))


def _summary_off(cur: Cursor) -> c.Command:
    cur.expect_end()
    return c.SummaryOff()


def _summary_post(cur: Cursor) -> c.Command:
    if cur.at_end():
        return c.SummaryPost()
    return c.SummaryPost(_last(cur, "date", lambda t: parse_date(t.text)))


def _use(cur: Cursor) -> c.Command:
    slug = _last(cur, "venue", lambda t: t.text.lower())
    if not SLUG.match(slug):
        raise InvalidInput(f"{slug!r} is not a venue slug", hint="e.g. use downtown")
    return c.Use(slug)


_PROVIDERS: dict[str, c.Provider] = {p: p for p in get_args(c.Provider)}


def _connect(cur: Cursor) -> c.Command:
    token = cur.next()
    if token is None:  # `connect` alone: which POS this barback can connect
        return c.Connect()
    provider = _PROVIDERS[choice(token.text, tuple(_PROVIDERS), "POS")]
    account = cur.next()  # Toast's restaurant GUID; the handler says which POS take one
    cur.expect_end()
    return c.Connect(provider, None if account is None else account.text)


def _disconnect(cur: Cursor) -> c.Command:
    provider = _last(cur, "POS", lambda t: choice(t.text, tuple(_PROVIDERS), "POS"))
    return c.Disconnect(_PROVIDERS[provider])


def _managers_add(cur: Cursor) -> c.Command:
    return c.ManagersAdd(_last(cur, "user", parse_user))


def _managers_remove(cur: Cursor) -> c.Command:
    return c.ManagersRemove(_last(cur, "user", parse_user))


SETTINGS_SPECS: tuple[Spec, ...] = (
    Spec(
        c.AlertsChannel,
        "alerts <channel>",
        "where alerts go",
        ("alerts #bar-alerts", "alerts C0123ABC"),
        _alerts_channel,
    ),
    Spec(c.AlertsLow, "alerts low on|off", "low-stock alerts", ("alerts low on",), _alerts_low),
    Spec(
        c.AlertsVariance,
        "alerts variance <pct>% [min $<amount>]",
        "alert when a count shows variance above the threshold",
        ("alerts variance 5%", "alerts variance 5% min $20"),
        _alerts_variance,
    ),
    Spec(
        c.RestockRefunds,
        "restock_refunds on|off",
        "whether a refund puts the poured drink back on the shelf",
        ("restock_refunds on", "restock_refunds off"),
        _restock_refunds,
    ),
    Spec(
        c.SummarySchedule,
        "summary <HH:MM> <channel>",
        "post the daily sales summary at this time",
        ("summary 09:00 #managers",),
        _summary_schedule,
    ),
    Spec(c.SummaryOff, "summary off", "stop the daily summary", ("summary off",), _summary_off),
    Spec(
        c.SummaryPost,
        "summary post [<date>]",
        "post a summary now (default: the last full business day)",
        ("summary post", "summary post 2026-11-21"),
        _summary_post,
    ),
    Spec(
        c.Use,
        "use <venue>",
        "bind this Slack channel to a venue",
        ("use downtown",),
        _use,
    ),
    Spec(
        c.Connect,
        "connect [square|clover|shopify|toast <restaurant guid>]",
        "connect the POS (alone: which POS this barback can connect)",
        ("connect square", "connect toast 0cd990c9-fd74-461d-8468-de2a0919ccbb", "connect"),
        _connect,
    ),
    Spec(
        c.Disconnect,
        "disconnect square|toast|clover|shopify",
        "stop reading the POS for this venue",
        ("disconnect square",),
        _disconnect,
    ),
    Spec(
        c.ManagersAdd,
        "managers add @user",
        "let someone change things",
        ("managers add <@U0123ABC|sam>", "managers add U0123ABC"),
        _managers_add,
    ),
    Spec(
        c.ManagersRemove,
        "managers remove @user",
        "stop someone changing things",
        ("managers remove <@U0123ABC>",),
        _managers_remove,
    ),
)
