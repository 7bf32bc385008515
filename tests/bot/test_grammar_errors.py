"""Every way a command line can be wrong: InvalidInput naming what, with the closest valid form."""

import pytest

from bot.commands.grammar import parse, usage
from engine.errors import InvalidInput

# (text, words in the message, words in the hint)
ERRORS: list[tuple[str, str, str]] = [
    # unknown commands, with suggestions
    ("stok tito", "unknown command 'stok'", "did you mean: stock [<product>]"),
    ("salse yesterday", "unknown command 'salse'", "did you mean: sales ["),
    ("prodcut add x", "unknown command 'prodcut'", 'product add "<name>"'),
    ("frobnicate", "unknown command 'frobnicate'", "type help"),
    ('"stock" tito', "unknown command 'stock'", "stock [<product>]"),
    ("= x", "unknown command '='", "type help"),
    ("product ad tito", "product needs add or set, not 'ad'", 'did you mean: product add "<name>"'),
    ("product", "product needs add or set", 'usage: product add "<name>"'),
    ("managers ad <@U0123ABC>", "managers needs add or remove", "managers add @user"),
    ("alerts lo on", "'lo' is not a Slack channel", "did you mean: alerts low on|off"),
    ("alerts", "missing channel", "alerts low on|off"),
    ("summary pots", "'pots' is not a time", "did you mean: summary post [<date>]"),
    ("help stok", "no help for 'stok'", "did you mean: stock"),
    # missing arguments
    ("why", "missing product", 'usage: why "<product>"'),
    ("unmap", "missing POS item", 'unmap "<pos item>"'),
    ("simulate", "missing POS item", "simulate"),
    ("simulate margarita with", "missing modifier after 'with'", "simulate"),
    ('simulate "Margarita" double', "modifiers follow 'with'", "simulate"),
    ("product add", "missing product name", "product add"),
    ('product add "x"', "missing container size", "product add"),
    ('product add "x" 750ml', "missing cost per container", "product add"),
    ('product add "x" 750ml $20 par', "missing par", "product add"),
    ('product add "x" 750ml $20 color red', "unknown option 'color'", "par"),
    ('product add "x" 750ml $20 par 2 par 3', "par is given twice", "product add"),
    ('product add "x" 750ml $20 category', "missing category", "product add"),
    ('product set "x"', "missing what to set", "product set"),
    ('product set "x" cots 3', "unknown field 'cots'", "did you mean: cost"),
    ('product set "x" colour red', "unknown field 'colour'", "use cost, par, reorder, container"),
    ('product set "x" par', "missing par", "product set"),
    ('product set "x" par 3 extra', "unexpected 'extra'", "product set"),
    ("serving shot", "missing '=' after the serving name 'shot'", "serving <name> = <quantity>"),
    ('serving "shot" 1.5 oz', "missing '=' after the serving name 'shot', found '1.5'", "serving"),
    ("serving shot 1.5 oz", "missing '=' after the serving name 'shot 1.5 oz'", "serving"),
    ("serving shot =", "missing serving quantity", "serving"),
    ("map", "missing POS item", "map"),
    ('map "Margarita"', "missing '=' after the POS item 'Margarita'", "map"),
    ('map "Margarita" =', "missing quantity", "map"),
    ('map "Margarita" = 1.5 oz', "missing product after 1.5 oz", "map"),
    ('map "Margarita" = 1.5 oz Tequila +', "missing quantity", "map"),
    ('map "Margarita" = 1.5 oz Tequila = 2', "ingredients are joined with +", "map"),
    ('map "Margarita" = 1.5 oz "Tequila" Lime', "ingredients are joined with +", "map"),
    ('modifier "Double"', "missing '='", "modifier"),
    ('modifier "Double" =', "missing rule", "modifier"),
    ("count", "missing product", "count"),
    ("count tito", "missing count", 'count "<product>" <amount>'),
    ('count "tito"', "missing count", "count"),
    ("receive tito", "missing number of containers", "receive"),
    ("receive tito 6 @", "missing cost per container", "receive"),
    ("waste tito", "missing quantity wasted", "waste"),
    ("alerts low", "missing on or off", "alerts low on|off"),
    ("alerts variance", "missing variance threshold", "alerts variance"),
    ("alerts variance 5% min", "missing minimum amount", "alerts variance"),
    ("summary", "missing time", "summary <HH:MM> <channel>"),
    ("summary 09:00", "missing channel", "summary <HH:MM> <channel>"),
    ("use", "missing venue", "use <venue>"),
    ("managers add", "missing user", "managers add @user"),
    # extra words
    ("unmapped now", "unexpected 'now' at the end", "usage: unmapped"),
    ("products all", "unexpected 'all'", "products"),
    ("sales yesterday please", "unexpected 'please'", "sales"),
    ('stock "tito" vodka', "unexpected 'vodka' after the product", "stock"),
    ('stock tito "vodka"', "unexpected quote around 'vodka'", "stock"),
    ('stock ""', "the product is empty", "stock"),
    ("summary off now", "unexpected 'now'", "summary off"),
    ("alerts #bar extra", "unexpected 'extra'", "alerts"),
    ("use downtown uptown", "unexpected 'uptown'", "use"),
    ("count tito 3 ml extra", "unexpected 'extra'", "count"),
    ("receive tito 6 @ $20 each", "unexpected 'each'", "receive"),
    # bad quantities and units
    ('product add "x" 750 $20', "container size '750' needs a unit", "product add"),
    ('product add "x" 750 onz $20', "unknown unit 'onz'", "did you mean: oz"),
    ('product add "x" 750 bottles $20', "unknown unit 'bottles'", "ml, cl, l"),
    ('product add "x" shot $20', "container size 'shot' is not a quantity", "product add"),
    ('product set "x" container 1/2 bbll', "unknown unit 'bbll'", "did you mean: bbl"),
    ('product set "x" container 0 ml', "container size must be more than 0", "product set"),
    ("serving shot = 1.5", "serving quantity '3/2' needs a unit", "serving"),
    ("serving shot = 0 oz", "must be more than 0", "serving"),
    ("serving shot = 1/0 oz", "divides by zero", "serving"),
    ("serving shot = -1 oz", "is not a quantity", "serving"),
    ("serving shot = 1.5.5 oz", "is not a quantity", "serving"),
    ('map "M" = 0 oz Tequila', "quantity must be more than 0", "map"),
    ('map "M" = "Tequila"', "is not a quantity", "map"),
    ("count tito 1,5", "is not a quantity", "count"),
    ("count tito 3 4", "unexpected '4'", "count"),
    ("waste tito 0 oz", "must be more than 0", "waste"),
    ("receive tito 0", "number of containers must be more than 0", "receive"),
    ("receive tito six", "missing number of containers", "receive"),
    ('receive "tito" six', "number of containers 'six' is not a number", "receive"),
    ('modifier "Double" = x0', "the multiplier must be more than 0", "modifier"),
    ('modifier "Double" = x', "missing multiplier", "modifier"),
    ('modifier "Double" = x two', "multiplier 'two' is not a number", "modifier"),
    ('modifier "Double" = triple', "unknown modifier rule 'triple'", "x<n>"),
    ('modifier "Double" = price', "unknown modifier rule", "price only"),
    (
        'modifier "Top" = swap Milagro Blanco Patron',
        "missing '->' after the product to swap out 'Milagro Blanco Patron'",
        "swap <product> -> <product>",
    ),
    ('modifier "Top" = swap Milagro ->', "missing product to swap in", "modifier"),
    ('modifier "Top" = swap -> Patron', "missing product to swap out", "modifier"),
    ('modifier "Top" = + Tequila', "missing product after 1 Tequila", "modifier"),
    ('modifier "Top" = + "Tequila"', "is not a quantity", "modifier"),
    ('modifier "Top" = x2 extra', "unexpected 'extra'", "modifier"),
    # bad money
    ('product add "x" 750ml twenty', "'twenty' is not an amount of money", "product add"),
    ('product add "x" 750ml $-20', "is not an amount of money", "product add"),
    ('product add "x" 750ml $$20', "is not an amount of money", "product add"),
    ('product add "x" 750ml $20$', "is not an amount of money", "product add"),
    ('product add "x" 750ml 20.1234', "is not an amount of money", "product add"),
    ("product set tito cost 12,34", "is not an amount of money", "product set"),
    ("receive tito 6 @ abc", "'abc' is not an amount of money", "receive"),
    ("alerts variance 5% min lots", "is not an amount of money", "alerts variance"),
    ("alerts variance five", "'five' is not a percentage", "alerts variance"),
    ("alerts variance -5%", "is not a percentage", "alerts variance"),
    # bad dates and ranges
    ("sales yesterdy", "unknown period 'yesterdy'", "did you mean: yesterday"),
    ("sales 2026-13-01", "'2026-13-01' is not a real date", "sales"),
    ("sales 2026-02-30", "is not a real date", "sales"),
    ("sales 2026-11-21..2026-11-01", "ends before it starts", "sales"),
    ("sales 2026-11-01..", "is not a range", "sales"),
    ("sales ..2026-11-01", "is not a range", "sales"),
    ("sales 2026-11-01..tomorrow", "'tomorrow' is not a date", "sales"),
    ("sales 21/11/2026", "unknown period '21/11/2026'", "usage: sales [today|yesterday"),
    ("variance tito 2026-11-21..2026-11-01", "ends before it starts", "variance"),
    ("variance tito 2026-11-31..2026-12-01", "is not a real date", "variance"),
    ("summary post 2026-02-30", "is not a real date", "summary post"),
    ("summary post yesterday", "is not a date", "summary post"),
    # bad times
    ("summary 24:00 #managers", "'24:00' is not a time", "summary"),
    ("summary 9:60 #managers", "is not a time", "summary"),
    ("summary 9am #managers", "is not a time", "summary"),
    ("summary 0900 #managers", "is not a time", "summary"),
    # bad channels and users
    ("alerts bar-alerts", "'bar-alerts' is not a Slack channel", "#channel-name"),
    ("alerts #", "is not a Slack channel", "#channel-name"),
    ("alerts <#bad>", "is not a Slack channel", "#channel-name"),
    ("alerts <@U0123ABC>", "is not a Slack channel", "#channel-name"),
    ("alerts U0123ABC", "is not a Slack channel", "#channel-name"),
    ('alerts "bar alerts"', "is not a Slack channel", "#channel-name"),
    ("summary 09:00 managers", "'managers' is not a Slack channel", "#channel-name"),
    ("managers add sam", "'sam' is not a Slack user", "<@U0123ABC>"),
    ("managers add @sam", "'@sam' is not a Slack user", "<@U0123ABC>"),
    ("managers add <#C0123ABC|bar>", "is not a Slack user", "<@U0123ABC>"),
    ("managers add C0123ABC", "is not a Slack user", "<@U0123ABC>"),
    ("managers remove u0123abc", "is not a Slack user", "<@U0123ABC>"),
    # other bad words
    ("alerts low maybe", "unknown setting 'maybe'", "use on, off"),
    ("connect sqaure", "unknown POS 'sqaure'", "did you mean: square"),
    ("connect toast a b", "unexpected 'b' at the end", "usage: connect"),
    ("connect lightspeed", "unknown POS 'lightspeed'", "square, toast, clover, shopify"),
    ("use Down Town", "unexpected 'Town'", "use"),
    ("use -downtown", "is not a venue slug", "use downtown"),
    ("history 0", "1 to 1000", "history"),
    ("history 1.5", "1 to 1000", "history"),
    ("history 5000", "1 to 1000", "history"),
    ("history lots", "is not a number", "history"),
    # unterminated quotes
    ('count "tito 3', "unterminated quote", 'double quotes, e.g. stock "Tito\'s Vodka"'),
    ('map "Margarita = 1.5 oz Tequila', "unterminated quote", "double quotes"),
    ("stock “Tito’s Vodka", "unterminated quote", "double quotes"),
    ("stock 'Tito's Vodka", "unterminated quote", "double quotes"),
    ("stock ‘tito", "unterminated quote", "double quotes"),
]


@pytest.mark.parametrize(("text", "message", "hint"), ERRORS, ids=[t for t, _, _ in ERRORS])
def test_errors_name_what_was_wrong_and_the_closest_form(
    text: str, message: str, hint: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.hint is not None
    assert hint in caught.value.hint


def test_a_command_error_hint_carries_the_usage_and_an_example() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse("count tito")
    assert caught.value.hint == 'usage: count "<product>" <amount>, e.g. count "Tito\'s Vodka" 3.4'
    assert caught.value.code == "invalid_input"
    assert str(caught.value) == f"missing count ({caught.value.hint})"


def test_usage_of_an_unknown_command_suggests() -> None:
    with pytest.raises(InvalidInput) as caught:
        usage("stok")
    assert caught.value.hint == "did you mean: stock [<product>]"
