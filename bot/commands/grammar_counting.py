"""The stock commands' parsers and rows of the command table: counts (a spot count, the count
sheet, a count imported from a file), deliveries and waste.

`count` alone is the count sheet (Slack opens it as a form; the terminal prints it as CSV), and
`count <product> <amount>` the spot count of one bottle. A product whose name starts with `sheet`
or `import` is still counted by its name when a number follows (`count sheet cider 2`).
"""

from decimal import Decimal

from bot.commands import commands as c
from bot.commands.amounts import CONTAINER_WORDS, read_money, read_number, read_quantity
from bot.commands.arguments import read_name, read_rest_name, starts_value
from bot.commands.spec import Spec
from bot.commands.tokens import Cursor, Kind, Token
from engine.errors import InvalidInput

FREE = "free"
FILE_ENDINGS = (".csv", ".txt")


def _count(cur: Cursor) -> c.Command:
    if cur.at_end():
        return c.CountSheet()
    product = read_name(cur, "product", starts_value)
    amount = read_quantity(cur, "count", zero_allowed=True)
    cur.expect_end()
    return c.Count(product, amount)


def _spot_count_of(word: str, cur: Cursor) -> c.Command | None:
    """`count sheet cider 2` counts a product named "Sheet Cider": a value ends the line (a
    file name, `2026-11-30.csv`, does not count as one)."""
    ahead = 0
    while cur.peek(ahead + 1) is not None:
        ahead += 1
    last = cur.peek(ahead)
    if last is None or last.text.lower().endswith(FILE_ENDINGS):
        return None
    if starts_value(last) or (last.kind is Kind.QUOTED and last.text[:1].isdigit()):
        return _count(Cursor((Token(Kind.WORD, word), *cur.rest())))
    return None


def _count_sheet(cur: Cursor) -> c.Command:
    if (spot := _spot_count_of("sheet", cur)) is not None:
        return spot
    return c.CountSheet(read_rest_name(cur, "file name"))


def _count_import(cur: Cursor) -> c.Command:
    if (spot := _spot_count_of("import", cur)) is not None:
        return spot
    name = read_rest_name(cur, "file name")
    if name is None:
        raise InvalidInput("missing the file to import", hint="e.g. count import counts.csv")
    return c.CountImport(name)


def _receive(cur: Cursor) -> c.Command:
    product = read_name(cur, "product", starts_value)
    containers = read_number(cur, "number of containers")
    if containers == 0:
        raise InvalidInput("the number of containers must be more than 0")
    cur.accept_word(*CONTAINER_WORDS)
    cost = None
    if cur.accept_op("@"):
        if cur.accept_word(FREE):
            cost = c.MoneyText(Decimal(0), None)
        else:
            cost = read_money(cur, "cost per container")
            if cost.amount == 0:
                raise InvalidInput(
                    "a cost of 0 per container: was the delivery free?",
                    hint="write `@ free` for a free delivery, e.g. receive tito 1 @ free",
                )
    cur.expect_end()
    return c.Receive(product, containers, cost)


def _waste(cur: Cursor) -> c.Command:
    product = read_name(cur, "product", starts_value)
    quantity = read_quantity(cur, "quantity wasted")
    return c.Waste(product, quantity, read_rest_name(cur, "reason"))


STOCK_SPECS: tuple[Spec, ...] = (
    Spec(
        c.Count,
        'count "<product>" <amount>',
        "a spot count: 3.4 means 3.4 containers, 2550 ml a quantity",
        ('count "Tito\'s Vodka" 3.4', "count tito 2550 ml"),
        _count,
    ),
    Spec(
        c.CountSheet,
        "count sheet [<file.csv>]",
        "every product to count: in Slack a form (`count`, for managers), here a CSV to fill in",
        ("count sheet", "count sheet counts.csv", "count"),
        _count_sheet,
    ),
    Spec(
        c.CountImport,
        "count import <file.csv>",
        "a filled count sheet (product, amount), saved at once with one timestamp",
        ("count import counts.csv",),
        _count_import,
    ),
    Spec(
        c.Receive,
        'receive "<product>" <containers> [@ <cost per container> | @ free]',
        "a delivery (`@ free` for bottles that cost nothing: the product's cost stays)",
        ('receive "Tito\'s Vodka" 6 @ $21.75', "receive tito 6", "receive tito 1 @ free"),
        _receive,
    ),
    Spec(
        c.Waste,
        'waste "<product>" <quantity> [<reason>]',
        "a spill, breakage or comp poured off the books",
        ('waste "Tito\'s Vodka" 1.5 oz spilled', "waste tito 1 bottle dropped a bottle"),
        _waste,
    ),
)
