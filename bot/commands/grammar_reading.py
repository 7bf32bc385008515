"""The reading commands' parsers and rows of the command table: stock, sales, variance,
unmapped, mappings, products, why, simulate, history.

Separate from the changing and settings commands so each module holds one family of commands;
`help` stays in `grammar` because its parser reads the table itself.
"""

from collections.abc import Callable

from bot.commands import commands as c
from bot.commands.amounts import read_number
from bot.commands.arguments import choice, read_name, read_required_rest_name, read_rest_name
from bot.commands.dates import RELATIVE_PERIODS, looks_like_dates, parse_period
from bot.commands.spec import Spec
from bot.commands.tokens import Cursor, Kind, Token, join
from engine.errors import InvalidInput


def _stock(cur: Cursor) -> c.Command:
    return c.Stock(read_rest_name(cur, "product"))


def _period(token: Token, *, relative: bool) -> c.Period:
    if relative and not looks_like_dates(token.text) and token.text.lower() not in RELATIVE_PERIODS:
        choice(token.text, tuple(RELATIVE_PERIODS), "period", listed=False)
    return parse_period(token.text, relative=relative)


def _range_glued(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """`2026-11-01 .. 2026-11-21` at the end of the line reads as `2026-11-01..2026-11-21`."""
    while len(tokens) >= 2 and (tokens[-1].text.startswith("..") or tokens[-2].text.endswith("..")):
        a, b = tokens[-2], tokens[-1]
        if a.kind is not Kind.WORD or b.kind is not Kind.WORD:
            break
        tokens = (*tokens[:-2], Token(Kind.WORD, a.text + b.text, a.spaced))
    return tokens


def _sales(cur: Cursor) -> c.Command:
    rest = Cursor(_range_glued(cur.rest()))
    token = rest.next()
    if token is None:
        return c.Sales()
    rest.expect_end()
    return c.Sales(_period(token, relative=True))


def _variance(cur: Cursor) -> c.Command:
    tokens = _range_glued(cur.rest())
    last = tokens[-1] if tokens else None
    period = None
    if last is not None and last.kind is Kind.WORD and looks_like_dates(last.text):
        period, tokens = _period(last, relative=False), tokens[:-1]
    return c.Variance(read_rest_name(Cursor(tokens), "product"), period)


def _unmapped(cur: Cursor) -> c.Command:
    everything = cur.accept_word("--all") or cur.accept_word("all")
    cur.expect_end()
    return c.Unmapped(all=everything)


def _csv_flag(cur: Cursor) -> tuple[Cursor, bool]:
    """`--csv` at the end of the line: the sheet the matching import reads."""
    tokens = cur.rest()
    if tokens and tokens[-1].is_word("--csv"):
        return Cursor(tokens[:-1]), True
    return Cursor(tokens), False


def _mappings(cur: Cursor) -> c.Command:
    cur, sheet = _csv_flag(cur)
    return c.Mappings(read_rest_name(cur, "POS item"), csv=sheet)


def _products(cur: Cursor) -> c.Command:
    cur, sheet = _csv_flag(cur)
    cur.expect_end()
    return c.Products(csv=sheet)


def _why(cur: Cursor) -> c.Command:
    return c.Why(read_required_rest_name(cur, "product"))


def _simulate(cur: Cursor) -> c.Command:
    with_word: Callable[[Token], bool] = lambda t: t.is_word("with")  # noqa: E731
    pos_item = read_name(cur, "POS item", with_word)
    modifiers: list[str] = []
    while not cur.at_end():
        if not cur.accept_word("with"):
            raise InvalidInput(f"unexpected {join(cur.rest())!r}: modifiers follow 'with'")
        before = len(modifiers)
        while (token := cur.peek()) is not None and not token.is_word("with"):
            modifiers.append(read_name(cur, "modifier", with_word))
            if (after := cur.peek()) is not None and after.kind is Kind.OP:
                raise InvalidInput(f"unexpected {after.text!r} in the modifiers")
        if len(modifiers) == before:
            raise InvalidInput("missing modifier after 'with'")
    return c.Simulate(pos_item, tuple(modifiers))


def _history(cur: Cursor) -> c.Command:
    if cur.at_end():
        return c.History()
    n = read_number(cur, "number of changes")
    cur.expect_end()
    if n.denominator != 1 or not 1 <= n <= 1000:
        raise InvalidInput(f"history shows 1 to 1000 changes, not {n}")
    return c.History(int(n))


READING_SPECS: tuple[Spec, ...] = (
    Spec(
        c.Stock,
        "stock [<product>]",
        "on-hand, par, reorder point, low flag, days to stockout, suggested order",
        ("stock", "stock tito", 'stock "Tito\'s Vodka"'),
        _stock,
    ),
    Spec(
        c.Sales,
        "sales [today|yesterday|week|month|<date>|<date>..<date>]",
        "net sales, COGS, pour cost %, gross profit, receipts, top items (default: today)",
        ("sales", "sales yesterday", "sales 2026-11-21", "sales 2026-11-01..2026-11-21"),
        _sales,
    ),
    Spec(
        c.Variance,
        "variance [<product>] [<date>..<date>]",
        "expected vs actual usage between the last two counts (or the counts bounding the range)",
        ("variance", "variance tito", "variance tito 2026-11-01..2026-11-21"),
        _variance,
    ),
    Spec(
        c.Unmapped,
        "unmapped [--all]",
        "POS items and modifiers sold without a mapping; --all: and the menu's never sold",
        ("unmapped", "unmapped --all"),
        _unmapped,
    ),
    Spec(
        c.Mappings,
        "mappings [<pos item>] [--csv]",
        "what each POS item depletes, and the modifier rules; --csv: the sheet map import reads",
        ("mappings", 'mappings "Margarita"', "mappings --csv"),
        _mappings,
    ),
    Spec(
        c.Products,
        "products [--csv]",
        "the product list with container, cost, par, reorder point; --csv: the sheet product "
        "import reads",
        ("products", "products --csv"),
        _products,
    ),
    Spec(
        c.Why,
        'why "<product>"',
        "the ledger behind the on-hand figure: last count, deliveries, waste, sales since",
        ('why "Tito\'s Vodka"', "why tito"),
        _why,
    ),
    Spec(
        c.Simulate,
        'simulate "<pos item>" [with "<modifier>" ...]',
        "what one sale of it would deplete and cost, changing nothing",
        ('simulate "Margarita"', 'simulate "Margarita" with "Double" "Top Shelf"'),
        _simulate,
    ),
    Spec(
        c.History,
        "history [<n>]",
        "the latest changes: who changed what",
        ("history", "history 50"),
        _history,
    ),
)
