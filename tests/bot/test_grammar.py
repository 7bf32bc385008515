"""The grammar's happy paths: every command of commands.md, every documented example, every form."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction as F

import pytest

from bot.commands import commands as c
from bot.commands import commands_setup as cs
from bot.commands.grammar import COMMAND_WORDS, SPECS, parse, usage

Q = c.QuantityText
M = c.MoneyText


def ing(amount: F | int, unit: str | None, product: str) -> c.Ingredient:
    return c.Ingredient(Q(F(amount), unit), product)


CASES: list[tuple[str, c.Command]] = [
    # reading
    ("help", c.Help()),
    ("", c.Help()),
    ("help map", c.Help("map")),
    ("HELP Product ADD", c.Help("product add")),
    ("help alerts", c.Help("alerts")),
    ("stock", c.Stock()),
    ("stock tito", c.Stock("tito")),
    ("STOCK Tito's   Vodka", c.Stock("Tito's Vodka")),
    ('stock "Tito\'s Vodka"', c.Stock("Tito's Vodka")),
    ("stock “Tito’s Vodka”", c.Stock("Tito’s Vodka")),
    ("stock ‘Tito’s Vodka’", c.Stock("Tito’s Vodka")),
    ("stock 'Tito's Vodka'", c.Stock("Tito's Vodka")),
    ("sales", c.Sales(c.Period(c.PeriodKind.TODAY))),
    ("sales today", c.Sales(c.Period(c.PeriodKind.TODAY))),
    ("sales yesterday", c.Sales(c.Period(c.PeriodKind.YESTERDAY))),
    ("sales Week", c.Sales(c.Period(c.PeriodKind.WEEK))),
    ("sales month", c.Sales(c.Period(c.PeriodKind.MONTH))),
    (
        "sales 2026-11-21",
        c.Sales(c.Period(c.PeriodKind.DAY, dt.date(2026, 11, 21), dt.date(2026, 11, 21))),
    ),
    (
        "sales 2026-11-01..2026-11-21",
        c.Sales(c.Period(c.PeriodKind.RANGE, dt.date(2026, 11, 1), dt.date(2026, 11, 21))),
    ),
    (
        "sales 2026-11-21..2026-11-21",
        c.Sales(c.Period(c.PeriodKind.RANGE, dt.date(2026, 11, 21), dt.date(2026, 11, 21))),
    ),
    (
        "sales 2026-11-01 .. 2026-11-21",
        c.Sales(c.Period(c.PeriodKind.RANGE, dt.date(2026, 11, 1), dt.date(2026, 11, 21))),
    ),
    ("variance", c.Variance()),
    ("variance tito", c.Variance("tito")),
    (
        "variance tito 2026-11-01 ..2026-11-21",
        c.Variance(
            "tito", c.Period(c.PeriodKind.RANGE, dt.date(2026, 11, 1), dt.date(2026, 11, 21))
        ),
    ),
    ("variance Tito's Vodka", c.Variance("Tito's Vodka")),
    (
        "variance 2026-11-01..2026-11-21",
        c.Variance(None, c.Period(c.PeriodKind.RANGE, dt.date(2026, 11, 1), dt.date(2026, 11, 21))),
    ),
    (
        'variance "Tito\'s Vodka" 2026-11-01..2026-11-21',
        c.Variance(
            "Tito's Vodka",
            c.Period(c.PeriodKind.RANGE, dt.date(2026, 11, 1), dt.date(2026, 11, 21)),
        ),
    ),
    (
        "variance tito 2026-11-21",
        c.Variance(
            "tito", c.Period(c.PeriodKind.DAY, dt.date(2026, 11, 21), dt.date(2026, 11, 21))
        ),
    ),
    ("unmapped", c.Unmapped()),
    ("mappings", c.Mappings()),
    ('mappings "Margarita"', c.Mappings("Margarita")),
    ("mappings Frozen Margarita", c.Mappings("Frozen Margarita")),
    ("products", c.Products()),
    ("stock <http://tito.com|tito.com>", c.Stock("tito.com")),  # Slack's auto-link of typed text
    ("stock Jack &amp; Coke", c.Stock("Jack & Coke")),
    ('why "Tito\'s Vodka"', c.Why("Tito's Vodka")),
    ("why tito", c.Why("tito")),
    ('simulate "Margarita"', c.Simulate("Margarita")),
    ('simulate "Margarita" with "Double"', c.Simulate("Margarita", ("Double",))),
    (
        'simulate "Margarita" with "Double" "Top Shelf"',
        c.Simulate("Margarita", ("Double", "Top Shelf")),
    ),
    (
        "simulate Frozen Margarita with Double with Top Shelf",
        c.Simulate("Frozen Margarita", ("Double", "Top Shelf")),
    ),
    ("history", c.History(20)),
    ("history 50", c.History(50)),
    # products, servings, mappings
    (
        'product add "Tito\'s Vodka" 750ml $22.50 par 6 reorder 2 category vodka',
        c.ProductAdd(
            "Tito's Vodka", Q(F(750), "ml"), M(Decimal("22.50"), "$"), F(6), F(2), "vodka"
        ),
    ),
    (
        "product add titos 750 ml 22.50",
        c.ProductAdd("titos", Q(F(750), "ml"), M(Decimal("22.50"), None)),
    ),
    (
        'product add "IPA Keg" 1/2 bbl €150 category "draft beer" par 1.5',
        c.ProductAdd(
            "IPA Keg", Q(F(1, 2), "bbl"), M(Decimal(150), "€"), F(3, 2), None, "draft beer"
        ),
    ),
    (
        "product add Bud Light 1 each $1.10 reorder 24 category canned beer",
        c.ProductAdd(
            "Bud Light", Q(F(1), "each"), M(Decimal("1.10"), "$"), None, F(24), "canned beer"
        ),
    ),
    (
        'product add "Lime Juice" 1 l 9€',
        c.ProductAdd("Lime Juice", Q(F(1), "l"), M(Decimal(9), "€")),
    ),
    (
        'product set "Tito\'s Vodka" cost $21.75',
        c.ProductSet("Tito's Vodka", "cost", M(Decimal("21.75"), "$")),
    ),
    ("product set tito par 8", c.ProductSet("tito", "par", F(8))),
    ("product set tito reorder 2.5", c.ProductSet("tito", "reorder", F(5, 2))),
    ("product set tito container 1 l", c.ProductSet("tito", "container", Q(F(1), "l"))),
    (
        "product set Tito's Vodka CONTAINER 1.75l",
        c.ProductSet("Tito's Vodka", "container", Q(F(7, 4), "l")),
    ),
    ("serving shot = 1.5 oz", c.ServingSet("shot", Q(F(3, 2), "oz"))),
    ("serving glass = 5oz", c.ServingSet("glass", Q(F(5), "oz"))),
    ("serving can = 1 each", c.ServingSet("can", Q(F(1), "each"))),
    ("serving double = 2 shot", c.ServingSet("double", Q(F(2), "shot"))),
    ('serving "tall pour" = 1 1/2 fl oz', c.ServingSet("tall pour", Q(F(3, 2), "oz"))),
    (
        'map "Margarita" = 1.5 oz Milagro Blanco + 0.75 oz Cointreau',
        c.Map("Margarita", (ing(F(3, 2), "oz", "Milagro Blanco"), ing(F(3, 4), "oz", "Cointreau"))),
    ),
    (
        'map "Margarita" = 1.5 oz Milagro Blanco + 0.75 oz Cointreau + 1 oz Lime Juice',
        c.Map(
            "Margarita",
            (
                ing(F(3, 2), "oz", "Milagro Blanco"),
                ing(F(3, 4), "oz", "Cointreau"),
                ing(1, "oz", "Lime Juice"),
            ),
        ),
    ),
    (
        "map \"Tito's Shot\" = shot Tito's Vodka",
        c.Map("Tito's Shot", (ing(1, "shot", "Tito's Vodka"),)),
    ),
    (
        'map "Double Tito" = 2 shot "Tito\'s Vodka"',
        c.Map("Double Tito", (ing(2, "shot", "Tito's Vodka"),)),
    ),
    ('map "Bud" = 1 "Bud Light"', c.Map("Bud", (ing(1, None, "Bud Light"),))),
    ('map "Pint" = 16oz IPA Keg', c.Map("Pint", (ing(16, "oz", "IPA Keg"),))),
    (
        "map SQ-ITEM-123 = 44 ml Vodka+4.4 cl Gin",
        c.Map("SQ-ITEM-123", (ing(44, "ml", "Vodka"), ing(F(22, 5), "cl", "Gin"))),
    ),
    ('unmap "Margarita"', c.Unmap("Margarita")),
    ("unmap Frozen Margarita", c.Unmap("Frozen Margarita")),
    ('modifier "Double" = x2', c.ModifierRuleSet("Double", c.Multiply(F(2)))),
    ("modifier Double = X 2", c.ModifierRuleSet("Double", c.Multiply(F(2)))),
    ('modifier "Tall" = ×1.5', c.ModifierRuleSet("Tall", c.Multiply(F(3, 2)))),
    ('modifier "Tall" = *3', c.ModifierRuleSet("Tall", c.Multiply(F(3)))),
    (
        'modifier "Cadillac" = + 0.5 oz Grand Marnier',
        c.ModifierRuleSet("Cadillac", c.Add(Q(F(1, 2), "oz"), "Grand Marnier")),
    ),
    (
        'modifier "Cadillac" = +0.5oz "Grand Marnier"',
        c.ModifierRuleSet("Cadillac", c.Add(Q(F(1, 2), "oz"), "Grand Marnier")),
    ),
    (
        'modifier "Top Shelf" = swap Milagro Blanco -> Patron Silver',
        c.ModifierRuleSet("Top Shelf", c.Swap("Milagro Blanco", "Patron Silver")),
    ),
    (  # what Slack sends for `->`
        'modifier "Top Shelf" = swap Milagro Blanco -&gt; Patron Silver',
        c.ModifierRuleSet("Top Shelf", c.Swap("Milagro Blanco", "Patron Silver")),
    ),
    (
        'modifier "Top Shelf" = swap "Milagro Blanco"→"Patron Silver"',
        c.ModifierRuleSet("Top Shelf", c.Swap("Milagro Blanco", "Patron Silver")),
    ),
    ('modifier "Salt Rim" = price only', c.ModifierRuleSet("Salt Rim", c.PriceOnly())),
    ('modifier "Salt Rim" = Price Only', c.ModifierRuleSet("Salt Rim", c.PriceOnly())),
    ("modifier MOD-77 = price-only", c.ModifierRuleSet("MOD-77", c.PriceOnly())),
    # the catalog's life
    ("product set tito category vodka", c.ProductSet("tito", "category", "vodka")),
    ('product set tito category "Top Shelf"', c.ProductSet("tito", "category", "Top Shelf")),
    ("product set tito category none", c.ProductSet("tito", "category", "none")),
    ("product set tito shelf 12", c.ProductSet("tito", "shelf", F(12))),
    ("product set tito shelf none", c.ProductSet("tito", "shelf", "none")),
    ('product rename "Titos" "Tito\'s Vodka"', c.ProductRename("Titos", "Tito's Vodka")),
    ("product rename titos to Tito's Vodka", c.ProductRename("titos", "Tito's Vodka")),
    ("product rename titos -> Tito's", c.ProductRename("titos", "Tito's")),
    ('product remove "Tito\'s Vodka"', c.ProductRemove("Tito's Vodka")),
    ("product remove tito", c.ProductRemove("tito")),
    ("serving remove glass", c.ServingRemove("glass")),
    ("serving remove = 1 oz", c.ServingSet("remove", Q(F(1), "oz"))),
    ('modifier remove "Double"', c.ModifierRemove("Double")),
    ("modifier remove top shelf", c.ModifierRemove("top shelf")),
    ("modifier remove ice = price only", c.ModifierRuleSet("remove ice", c.PriceOnly())),
    # stock
    ("count", c.CountSheet()),
    ("count sheet", c.CountSheet()),
    ("count sheet counts.csv", c.CountSheet("counts.csv")),
    ('count sheet "my counts.csv"', c.CountSheet("my counts.csv")),
    ("count import counts.csv", c.CountImport("counts.csv")),
    ("count import 2026-11-30.csv", c.CountImport("2026-11-30.csv")),
    ("count sheet cider 2", c.Count("sheet cider", Q(F(2), None))),
    ("count import lager 1.5", c.Count("import lager", Q(F(3, 2), None))),
    ('count tito "750 ml"', c.Count("tito", Q(F(750), "ml"))),
    ('count "Tito\'s Vodka" "2 1/2"', c.Count("Tito's Vodka", Q(F(5, 2), None))),
    ("count nan 3", c.Count("nan", Q(F(3), None))),
    ('count "Tito\'s Vodka" 3.4', c.Count("Tito's Vodka", Q(F(17, 5), None))),
    ("count tito 2550 ml", c.Count("tito", Q(F(2550), "ml"))),
    ("count tito 2550ml", c.Count("tito", Q(F(2550), "ml"))),
    ("count tito 0", c.Count("tito", Q(F(0), None))),
    ("count tito 3 bottles", c.Count("tito", Q(F(3), None))),
    ("count Tito's Vodka 1/2", c.Count("Tito's Vodka", Q(F(1, 2), None))),
    ("count tito .5", c.Count("tito", Q(F(1, 2), None))),
    (
        'receive "Tito\'s Vodka" 6 @ $21.75',
        c.Receive("Tito's Vodka", F(6), M(Decimal("21.75"), "$")),
    ),
    ("receive tito 6", c.Receive("tito", F(6))),
    ("receive tito 6@21.75", c.Receive("tito", F(6), M(Decimal("21.75"), None))),
    ("receive tito 6 bottles @ $ 21.75", c.Receive("tito", F(6), M(Decimal("21.75"), "$"))),
    ("receive tito 2 @ $1,200.50", c.Receive("tito", F(2), M(Decimal("1200.50"), "$"))),
    ("receive tito 2 @ free", c.Receive("tito", F(2), M(Decimal(0), None))),
    ('receive tito "2" @ "$21.75"', c.Receive("tito", F(2), M(Decimal("21.75"), "$"))),
    ('waste "Tito\'s Vodka" 1.5 oz spilled', c.Waste("Tito's Vodka", Q(F(3, 2), "oz"), "spilled")),
    ("waste tito 1.5 oz", c.Waste("tito", Q(F(3, 2), "oz"))),
    ("waste tito 1 bottle dropped a bottle", c.Waste("tito", Q(F(1), None), "dropped a bottle")),
    ('waste tito 1 "broken"', c.Waste("tito", Q(F(1), None), "broken")),
    ('waste "tito" shot comp for table 4', c.Waste("tito", Q(F(1), "shot"), "comp for table 4")),
    ("waste tito 2 shot comped", c.Waste("tito", Q(F(2), "shot"), "comped")),
    # alerts, summaries, workspace
    ("alerts C0123ABC", c.AlertsChannel(c.ChannelRef("C0123ABC", None))),
    ("alerts #C0123ABC", c.AlertsChannel(c.ChannelRef("C0123ABC", None))),
    ("alerts <#C0123ABC|bar-alerts>", c.AlertsChannel(c.ChannelRef("C0123ABC", "bar-alerts"))),
    ("alerts <#C0123ABC>", c.AlertsChannel(c.ChannelRef("C0123ABC", None))),
    ("alerts <#C0123ABC|>", c.AlertsChannel(c.ChannelRef("C0123ABC", None))),
    ("alerts #bar-alerts", c.AlertsChannel(c.ChannelRef(None, "bar-alerts"))),
    ("alerts #Bar_Alerts", c.AlertsChannel(c.ChannelRef(None, "bar_alerts"))),
    ("alerts low on", c.AlertsLow(True)),
    ("alerts LOW Off", c.AlertsLow(False)),
    ("restock_refunds on", c.RestockRefunds(True)),
    ("Restock_Refunds OFF", c.RestockRefunds(False)),
    ("alerts variance 5%", c.AlertsVariance(Decimal(5))),
    ("alerts variance 12.5 %", c.AlertsVariance(Decimal("12.5"))),
    ("alerts variance 5% min $20", c.AlertsVariance(Decimal(5), M(Decimal(20), "$"))),
    ("alerts variance 5 min 20", c.AlertsVariance(Decimal(5), M(Decimal(20), None))),
    ("summary 09:00 #managers", c.SummarySchedule(dt.time(9, 0), c.ChannelRef(None, "managers"))),
    (
        "summary 7:30 <#C0123ABC|managers>",
        c.SummarySchedule(dt.time(7, 30), c.ChannelRef("C0123ABC", "managers")),
    ),
    ("summary 23:59 C0123ABC", c.SummarySchedule(dt.time(23, 59), c.ChannelRef("C0123ABC", None))),
    ("summary off", c.SummaryOff()),
    ("summary post", c.SummaryPost()),
    ("summary post 2026-11-21", c.SummaryPost(dt.date(2026, 11, 21))),
    ("use downtown", c.Use("downtown")),
    ("use Uptown-2", c.Use("uptown-2")),
    ("connect square", c.Connect("square")),
    ("connect Toast", c.Connect("toast")),
    ("connect clover", c.Connect("clover")),
    ("connect shopify", c.Connect("shopify")),
    ("connect", c.Connect()),
    (
        "connect toast 0cd990c9-fd74-461d-8468-de2a0919ccbb",
        c.Connect("toast", "0cd990c9-fd74-461d-8468-de2a0919ccbb"),
    ),
    ("disconnect square", c.Disconnect("square")),
    ("managers add <@U0123ABC|sam>", c.ManagersAdd(c.UserRef("U0123ABC"))),
    ("managers add <@U0123ABC>", c.ManagersAdd(c.UserRef("U0123ABC"))),
    ("managers add U0123ABC", c.ManagersAdd(c.UserRef("U0123ABC"))),
    ("managers add @U0123ABC", c.ManagersAdd(c.UserRef("U0123ABC"))),
    ("managers add W0123ABC", c.ManagersAdd(c.UserRef("W0123ABC"))),
    ("managers remove <@U0123ABC|sam>", c.ManagersRemove(c.UserRef("U0123ABC"))),
    # whitespace and case
    ("  STOCK   tito  ", c.Stock("tito")),
    ("\tcount\u00a0tito\u00a03 ", c.Count("tito", Q(F(3), None))),
    ("Managers ADD <@U0123ABC>", c.ManagersAdd(c.UserRef("U0123ABC"))),
    # bulk set-up and the review queue (issue 9)
    ("unmapped --all", c.Unmapped(all=True)),
    ("unmapped all", c.Unmapped(all=True)),
    ("products --csv", c.Products(csv=True)),
    ("mappings --csv", c.Mappings(csv=True)),
    ('mappings "Margarita" --csv', c.Mappings("Margarita", csv=True)),
    ("menu import menu.csv", cs.MenuImport("menu.csv")),
    ('menu import "My Menu.json" provider Toast', cs.MenuImport("My Menu.json", "toast")),
    ("product import products.csv", cs.ProductImport("products.csv")),
    ("map import /tmp/mappings.csv", cs.MapImport("/tmp/mappings.csv")),
    ("review", cs.Review()),
    ("review 3", cs.Review(3)),
    ('review accept "Tito\'s Double"', cs.ReviewAccept(name="Tito's Double")),
    ("review accept Tito's Double", cs.ReviewAccept(name="Tito's Double")),
    ("review accept all above 80%", cs.ReviewAccept(above=F(80))),
    ("review accept all above 62.5 %", cs.ReviewAccept(above=F(125, 2))),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t for t, _ in CASES])
def test_parses(text: str, expected: c.Command) -> None:
    assert parse(text) == expected


def test_every_command_has_a_happy_path_here() -> None:
    assert {type(expected) for _, expected in CASES} == {spec.command for spec in SPECS}


@pytest.mark.parametrize(
    ("spec_words", "example"),
    [(spec.words, example) for spec in SPECS for example in spec.examples],
)
def test_every_example_in_the_table_parses_to_its_command(spec_words: str, example: str) -> None:
    assert parse(example).words == spec_words


# The examples written in ../shared/spec/commands.md, with what they mean.
SPEC_EXAMPLES: list[tuple[str, c.Command]] = [
    ("stock tito", c.Stock("tito")),
    ("stock", c.Stock()),
    ("sales yesterday", c.Sales(c.Period(c.PeriodKind.YESTERDAY))),
    (
        "sales 2026-11-21",
        c.Sales(c.Period(c.PeriodKind.DAY, dt.date(2026, 11, 21), dt.date(2026, 11, 21))),
    ),
    ("variance", c.Variance()),
    ("unmapped", c.Unmapped()),
    (
        'product add "Tito\'s Vodka" 750ml $22.50 par 6 reorder 2 category vodka',
        c.ProductAdd(
            "Tito's Vodka", Q(F(750), "ml"), M(Decimal("22.50"), "$"), F(6), F(2), "vodka"
        ),
    ),
    ("serving shot = 1.5 oz", c.ServingSet("shot", Q(F(3, 2), "oz"))),
    (
        'map "Margarita" = 1.5 oz Milagro Blanco + 0.75 oz Cointreau',
        c.Map("Margarita", (ing(F(3, 2), "oz", "Milagro Blanco"), ing(F(3, 4), "oz", "Cointreau"))),
    ),
    ("alerts <#C0123ABC|bar-alerts>", c.AlertsChannel(c.ChannelRef("C0123ABC", "bar-alerts"))),
    ("managers add <@U0123ABC|sam>", c.ManagersAdd(c.UserRef("U0123ABC"))),
    # engine.md's words
    (
        "map \"Tito's Shot\" = shot Tito's Vodka",
        c.Map("Tito's Shot", (ing(1, "shot", "Tito's Vodka"),)),
    ),
    ('modifier "Double" = x2', c.ModifierRuleSet("Double", c.Multiply(F(2)))),
    (
        'modifier "Grand" = + 0.5 oz Grand Marnier',
        c.ModifierRuleSet("Grand", c.Add(Q(F(1, 2), "oz"), "Grand Marnier")),
    ),
    (
        'modifier "Top" = swap Milagro Blanco -> Patron Silver',
        c.ModifierRuleSet("Top", c.Swap("Milagro Blanco", "Patron Silver")),
    ),
    ('modifier "Salt" = price only', c.ModifierRuleSet("Salt", c.PriceOnly())),
    ("serving glass = 5 oz", c.ServingSet("glass", Q(F(5), "oz"))),
    ("serving pint = 16 oz", c.ServingSet("pint", Q(F(16), "oz"))),
    ("serving can = 1 each", c.ServingSet("can", Q(F(1), "each"))),
]


@pytest.mark.parametrize(("text", "expected"), SPEC_EXAMPLES, ids=[t for t, _ in SPEC_EXAMPLES])
def test_spec_examples(text: str, expected: c.Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5 oz", Q(F(3, 2), "oz")),
        ("1.5oz", Q(F(3, 2), "oz")),
        ("44 ml", Q(F(44), "ml")),
        ("4.4 cl", Q(F(22, 5), "cl")),
        ("1 l", Q(F(1), "l")),
        ("750ml", Q(F(750), "ml")),
        ("1/2 bbl", Q(F(1, 2), "bbl")),
        ("1/6bbl", Q(F(1, 6), "bbl")),
        ("1 each", Q(F(1), "each")),
        ("1 EA", Q(F(1), "each")),
        ("shot", Q(F(1), "shot")),
        ("2 shot", Q(F(2), "shot")),
        ("2 shots", Q(F(2), "shots")),  # the engine accepts a plural serving name
        ("1 1/2 oz", Q(F(3, 2), "oz")),
        ("1.5 fl oz", Q(F(3, 2), "oz")),
        ("1.5 fl. oz.", Q(F(3, 2), "oz")),
        ("2 Ounces", Q(F(2), "oz")),
        ("1 Litre", Q(F(1), "l")),
        ("12 g", Q(F(12), "g")),
        ("1 kg", Q(F(1), "kg")),
        ("1 lb", Q(F(1), "lb")),
        ("5 gal", Q(F(5), "gal")),
    ],
)
def test_quantity_forms(text: str, expected: c.QuantityText) -> None:
    """Every quantity form of commands.md, read where a serving size is allowed."""
    assert parse(f'serving "x" = {text}') == c.ServingSet("x", expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$22.50", M(Decimal("22.50"), "$")),
        ("22.50", M(Decimal("22.50"), None)),
        ("€9", M(Decimal(9), "€")),
        ("9€", M(Decimal(9), "€")),
        ("£12.5", M(Decimal("12.5"), "£")),
        ("¥1500", M(Decimal(1500), "¥")),
        ("$.99", M(Decimal(".99"), "$")),
        ("1,200", M(Decimal(1200), None)),
        ("0", M(Decimal(0), None)),
        ("1.125", M(Decimal("1.125"), None)),
    ],
)
def test_money_forms(text: str, expected: c.MoneyText) -> None:
    assert parse(f"product set tito cost {text}") == c.ProductSet("tito", "cost", expected)


def test_command_words_cover_the_table_in_order() -> None:
    assert tuple(spec.words for spec in SPECS) == COMMAND_WORDS
    assert "product add" in COMMAND_WORDS
    assert "stock" in COMMAND_WORDS
    assert len(set(COMMAND_WORDS)) == len(COMMAND_WORDS)


def test_usage_of_a_command_and_of_a_family() -> None:
    assert usage("stock") == "stock [<product>]"
    assert usage("Product Add").startswith('product add "<name>" <container> <cost>')
    assert usage("alerts").splitlines() == [
        "alerts <channel>",
        "alerts low on|off",
        "alerts variance <pct>% [min $<amount>]",
    ]


def test_changes_flags_split_reading_from_changing() -> None:
    reading = {spec.words for spec in SPECS if not spec.command.changes}
    assert reading == {
        "help",
        "stock",
        "sales",
        "variance",
        "unmapped",
        "mappings",
        "products",
        "why",
        "simulate",
        "history",
        "review",
        "count sheet",
    }


def test_commands_are_frozen_and_hashable() -> None:
    command = parse('map "Margarita" = 1.5 oz Milagro Blanco + 0.75 oz Cointreau')
    assert isinstance(command, c.Map)
    assert hash(command) == hash(parse('map "Margarita" = 1.5oz Milagro Blanco+0.75oz Cointreau'))
    with pytest.raises(AttributeError):
        command.pos_item = "x"  # type: ignore[misc]


def test_quantity_text_reads_back() -> None:
    assert str(Q(F(3, 2), "oz")) == "1.5 oz"
    assert str(Q(F(750), "ml")) == "750 ml"
    assert str(Q(F(1, 3), "bbl")) == "1/3 bbl"
    assert str(Q(F(17, 5), None)) == "3.4"
