"""The bulk set-up and review commands' parsers and rows of the command table (issue 9):
`menu import`, `product import`, `map import`, `review`, `review accept`.

A file is named by one word or a quoted name (a path in the terminal, a file shared in the
channel in Slack).
"""

from fractions import Fraction

from bot.commands import commands as c
from bot.commands import commands_setup as cs
from bot.commands.amounts import read_number, read_percent
from bot.commands.arguments import read_name, read_required_rest_name
from bot.commands.spec import Spec
from bot.commands.tokens import Cursor, Kind
from engine.errors import InvalidInput

PROVIDER_WORDS = ("square", "toast", "clover", "shopify", "generic")


def _file(cur: Cursor) -> str:
    token = cur.next()
    if token is None or token.kind not in (Kind.WORD, Kind.QUOTED) or not token.text:
        raise InvalidInput("missing the file to import")
    return token.text


def _menu_import(cur: Cursor) -> c.Command:
    file = _file(cur)
    provider = "generic"
    if cur.accept_word("provider"):
        provider = read_name(cur, "provider").lower()
        if provider not in PROVIDER_WORDS:
            raise InvalidInput(
                f"unknown provider {provider!r}", hint="use " + ", ".join(PROVIDER_WORDS)
            )
    cur.expect_end()
    return cs.MenuImport(file, provider)


def _product_import(cur: Cursor) -> c.Command:
    file = _file(cur)
    cur.expect_end()
    return cs.ProductImport(file)


def _map_import(cur: Cursor) -> c.Command:
    file = _file(cur)
    cur.expect_end()
    return cs.MapImport(file)


def _review(cur: Cursor) -> c.Command:
    if cur.at_end():
        return cs.Review()
    page = read_number(cur, "page")
    cur.expect_end()
    if page.denominator != 1 or not 1 <= page <= 1000:
        raise InvalidInput(f"a page is 1 to 1000, not {page}")
    return cs.Review(int(page))


def _review_accept(cur: Cursor) -> c.Command:
    if cur.accept_word("all"):
        if not cur.accept_word("above"):
            raise InvalidInput("missing 'above <n>%' after 'all'")
        n = read_percent(cur, "confidence")
        cur.expect_end()
        if not 0 <= n < 100:
            raise InvalidInput(f"a confidence is 0% to 99%, not {n}%")
        return cs.ReviewAccept(above=Fraction(n))
    return cs.ReviewAccept(name=read_required_rest_name(cur, "POS item or modifier"))


SETUP_SPECS: tuple[Spec, ...] = (
    Spec(
        cs.MenuImport,
        "menu import <file> [provider <pos>]",
        "the POS's menu (items, modifiers, categories) from a CSV or JSON file, all or nothing",
        ("menu import menu.csv", "menu import menu.json provider toast"),
        _menu_import,
    ),
    Spec(
        cs.ProductImport,
        "product import <file.csv>",
        "products from a sheet (name, container, cost, par, reorder, category, vendor), "
        "all or nothing",
        ("product import products.csv",),
        _product_import,
    ),
    Spec(
        cs.MapImport,
        "map import <file.csv>",
        "mappings from a sheet (POS item name or id, recipe), all or nothing",
        ("map import mappings.csv",),
        _map_import,
    ),
    Spec(
        cs.Review,
        "review [<page>]",
        "each unmapped item and modifier with the best-guess rule and its confidence",
        ("review", "review 2"),
        _review,
    ),
    Spec(
        cs.ReviewAccept,
        "review accept <item> | review accept all above <n>%",
        "map from the review queue: one item, or every guess above a confidence",
        ('review accept "Tito\'s Double"', "review accept all above 80%"),
        _review_accept,
    ),
)
