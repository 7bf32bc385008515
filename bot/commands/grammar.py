"""The one command grammar of `../shared/spec/commands.md`, as a table of specs.

`parse(text)` turns what a manager typed (in Slack, the CLI or the shell) into one typed command of
`bot.commands.commands`, or raises `engine.errors.InvalidInput` naming what was wrong, with the
closest valid form as the hint. It never returns a partial command.

`SPECS` is the only list of commands: dispatch, `COMMAND_WORDS` (shell completion), `usage()` and
the help text (`bot.commands.help`) are all read from it, so they cannot drift apart.
"""

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar, get_args

from bot.commands import commands as c
from bot.commands.tokens import (
    CONTAINER_WORDS,
    CURRENCY_SYMBOLS,
    RELATIVE_PERIODS,
    Cursor,
    Kind,
    Token,
    is_number,
    join,
    looks_like_dates,
    parse_channel,
    parse_date,
    parse_period,
    parse_time,
    parse_user,
    read_money,
    read_number,
    read_percent,
    read_quantity,
    tokenize,
)
from engine.errors import InvalidInput
from engine.venue import SLUG


@dataclass(frozen=True, slots=True)
class Spec:
    """One command: its words, how it is written and explained, and how its arguments are read."""

    command: type[c.Command]
    usage: str
    summary: str
    examples: tuple[str, ...]
    parse: Callable[[Cursor], c.Command]

    @property
    def words(self) -> str:
        return self.command.words


T = TypeVar("T")

# --- names --------------------------------------------------------------------------------------


def _name(cur: Cursor, what: str, stop: Callable[[Token], bool] = lambda t: False) -> str:
    """A quoted name, or unquoted words up to an operator, a quoted token or `stop`."""
    token = cur.peek()
    if token is not None and token.kind is Kind.QUOTED:
        cur.next()
        name = token.text
    else:
        name = join(cur.take_while(lambda t: t.kind in (Kind.WORD, Kind.MENTION) and not stop(t)))
    if not name:
        raise InvalidInput(f"missing {what}")
    return name


def _rest_name(cur: Cursor, what: str) -> str | None:
    """A name that ends the line: one quoted name, or every remaining word."""
    tokens = cur.rest()
    if not tokens:
        return None
    if tokens[0].kind is Kind.QUOTED:
        if len(tokens) > 1:
            raise InvalidInput(f"unexpected {join(tokens[1:])!r} after the {what}")
        if not tokens[0].text:
            raise InvalidInput(f"the {what} is empty")
        return tokens[0].text
    if quoted := [t for t in tokens if t.kind is Kind.QUOTED]:
        raise InvalidInput(f"unexpected quote around {quoted[0].text!r} in the {what}")
    return join(tokens)


def _required_rest_name(cur: Cursor, what: str) -> str:
    name = _rest_name(cur, what)
    if name is None:
        raise InvalidInput(f"missing {what}")
    return name


def _starts_value(token: Token) -> bool:
    """A word that starts a number or an amount: where an unquoted product name stops."""
    return token.kind is Kind.WORD and token.text[:1] in "0123456789." + CURRENCY_SYMBOLS


def _word(cur: Cursor, what: str) -> str:
    token = cur.next()
    if token is None:
        raise InvalidInput(f"missing {what}")
    return token.text


def _expect_op(cur: Cursor, op: str, what: str, name: str) -> None:
    if not cur.accept_op(op):
        token = cur.peek()
        found = f", found {token.text!r}" if token is not None else ""
        raise InvalidInput(f"missing '{op}' after the {what} {name!r}{found}")


def _choice(word: str, choices: tuple[str, ...], what: str, *, listed: bool = True) -> str:
    """One of a few words, any case; else the closest (or, if `listed`, all of them) as the hint."""
    key = word.lower()
    if key in choices:
        return key
    close = difflib.get_close_matches(key, choices, n=1)
    listing = "use " + ", ".join(choices) if listed else None
    raise InvalidInput(
        f"unknown {what} {word!r}", hint=f"did you mean: {close[0]}" if close else listing
    )


# --- reading ------------------------------------------------------------------------------------


def _help(cur: Cursor) -> c.Command:
    words = " ".join(t.text.lower() for t in cur.rest())
    if not words:
        return c.Help()
    return c.Help(_topic(words))


def _stock(cur: Cursor) -> c.Command:
    return c.Stock(_rest_name(cur, "product"))


def _period(token: Token, *, relative: bool) -> c.Period:
    if relative and not looks_like_dates(token.text) and token.text.lower() not in RELATIVE_PERIODS:
        _choice(token.text, tuple(RELATIVE_PERIODS), "period", listed=False)
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
    return c.Variance(_rest_name(Cursor(tokens), "product"), period)


def _unmapped(cur: Cursor) -> c.Command:
    cur.expect_end()
    return c.Unmapped()


def _mappings(cur: Cursor) -> c.Command:
    return c.Mappings(_rest_name(cur, "POS item"))


def _products(cur: Cursor) -> c.Command:
    cur.expect_end()
    return c.Products()


def _why(cur: Cursor) -> c.Command:
    return c.Why(_required_rest_name(cur, "product"))


def _simulate(cur: Cursor) -> c.Command:
    with_word: Callable[[Token], bool] = lambda t: t.is_word("with")  # noqa: E731
    pos_item = _name(cur, "POS item", with_word)
    modifiers: list[str] = []
    while not cur.at_end():
        if not cur.accept_word("with"):
            raise InvalidInput(f"unexpected {join(cur.rest())!r}: modifiers follow 'with'")
        before = len(modifiers)
        while (token := cur.peek()) is not None and not token.is_word("with"):
            modifiers.append(_name(cur, "modifier", with_word))
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


# --- changing: products, servings, mappings -----------------------------------------------------

_OPTIONS = ("par", "reorder", "category")
_FIELDS: dict[str, c.ProductField] = {f: f for f in get_args(c.ProductField)}


def _product_add(cur: Cursor) -> c.Command:
    name = _name(cur, "product name", _starts_value)
    container = read_quantity(cur, "container size", unit_needed=True, known_units_only=True)
    cost = read_money(cur, "cost per container")
    options: dict[str, Fraction | str] = {}
    while (token := cur.next()) is not None:
        key = _choice(token.text, _OPTIONS, "option") if token.kind is Kind.WORD else None
        if key is None:
            raise InvalidInput(f"unexpected {token.text!r}: options are par, reorder, category")
        if key in options:
            raise InvalidInput(f"{key} is given twice")
        if key == "category":
            options[key] = _name(cur, "category", lambda t: t.is_word(*_OPTIONS))
        else:
            options[key] = read_number(cur, key)
    par, reorder, category = (options.get(k) for k in _OPTIONS)
    assert not isinstance(par, str) and not isinstance(reorder, str)
    assert category is None or isinstance(category, str)
    return c.ProductAdd(name, container, cost, par, reorder, category)


def _product_set(cur: Cursor) -> c.Command:
    name = _name(cur, "product name", lambda t: t.is_word(*_FIELDS))
    word = _word(cur, "what to set (cost, par, reorder or container)")
    field = _FIELDS[_choice(word, tuple(_FIELDS), "field")]
    value: c.MoneyText | Fraction | c.QuantityText
    if field == "cost":
        value = read_money(cur, "cost per container")
    elif field == "container":
        value = read_quantity(cur, "container size", unit_needed=True, known_units_only=True)
    else:
        value = read_number(cur, field)
    cur.expect_end()
    return c.ProductSet(name, field, value)


def _serving(cur: Cursor) -> c.Command:
    name = _name(cur, "serving name")
    _expect_op(cur, "=", "serving name", name)
    quantity = read_quantity(cur, "serving quantity", unit_needed=True)
    cur.expect_end()
    return c.ServingSet(name, quantity)


def _ingredient(cur: Cursor) -> c.Ingredient:
    quantity = read_quantity(cur, "quantity")
    return c.Ingredient(quantity, _name(cur, f"product after {quantity}"))


def _map(cur: Cursor) -> c.Command:
    pos_item = _name(cur, "POS item")
    _expect_op(cur, "=", "POS item", pos_item)
    items = [_ingredient(cur)]
    while cur.accept_op("+"):
        items.append(_ingredient(cur))
    if not cur.at_end():
        raise InvalidInput(f"unexpected {join(cur.rest())!r}: ingredients are joined with +")
    return c.Map(pos_item, tuple(items))


def _unmap(cur: Cursor) -> c.Command:
    return c.Unmap(_required_rest_name(cur, "POS item"))


def _modifier(cur: Cursor) -> c.Command:
    modifier = _name(cur, "modifier")
    _expect_op(cur, "=", "modifier", modifier)
    token = cur.peek()
    rule: c.ModifierRule
    if token is None:
        raise InvalidInput("missing rule after '='")
    if multiply := _multiply(cur):
        rule = multiply
    elif cur.accept_op("+"):
        rule = c.Add(*_ingredient(cur))
    elif cur.accept_word("swap"):
        from_product = _name(cur, "product to swap out")
        _expect_op(cur, "->", "product to swap out", from_product)
        rule = c.Swap(from_product, _name(cur, "product to swap in"))
    elif cur.accept_word("price-only") or (cur.accept_word("price") and cur.accept_word("only")):
        rule = c.PriceOnly()
    else:
        raise InvalidInput(f"unknown modifier rule {join(cur.rest())!r}")
    cur.expect_end()
    return c.ModifierRuleSet(modifier, rule)


def _multiply(cur: Cursor) -> c.Multiply | None:
    """`x2`, `X2`, `×1.5`, `*2` or `x 2`; None when the rule is not a multiplication."""
    token = cur.peek()
    if token is None or token.kind is not Kind.WORD or token.text[:1].lower() not in "x×*":
        return None
    glued = token.text[1:]
    if glued and not is_number(Token(Kind.WORD, glued)):
        return None
    cur.next()
    factor = read_number(Cursor((Token(Kind.WORD, glued),)) if glued else cur, "multiplier")
    if factor == 0:
        raise InvalidInput("the multiplier must be more than 0")
    return c.Multiply(factor)


# --- changing: stock ----------------------------------------------------------------------------


def _count(cur: Cursor) -> c.Command:
    product = _name(cur, "product", _starts_value)
    amount = read_quantity(cur, "count", zero_allowed=True)
    cur.expect_end()
    return c.Count(product, amount)


def _receive(cur: Cursor) -> c.Command:
    product = _name(cur, "product", _starts_value)
    containers = read_number(cur, "number of containers")
    if containers == 0:
        raise InvalidInput("the number of containers must be more than 0")
    cur.accept_word(*CONTAINER_WORDS)
    cost = read_money(cur, "cost per container") if cur.accept_op("@") else None
    cur.expect_end()
    return c.Receive(product, containers, cost)


def _waste(cur: Cursor) -> c.Command:
    product = _name(cur, "product", _starts_value)
    quantity = read_quantity(cur, "quantity wasted")
    return c.Waste(product, quantity, _rest_name(cur, "reason"))


# --- changing: alerts, summaries, the workspace -------------------------------------------------


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
    setting = _last(cur, "on or off", lambda t: _choice(t.text, ("on", "off"), "setting"))
    return c.AlertsLow(setting == "on")


def _alerts_variance(cur: Cursor) -> c.Command:
    pct = read_percent(cur, "variance threshold")
    minimum = read_money(cur, "minimum amount") if cur.accept_word("min") else None
    cur.expect_end()
    return c.AlertsVariance(pct, minimum)


def _summary_schedule(cur: Cursor) -> c.Command:
    at = parse_time(_word(cur, "time (HH:MM)"))
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
    provider = _last(cur, "POS", lambda t: _choice(t.text, tuple(_PROVIDERS), "POS"))
    return c.Connect(_PROVIDERS[provider])


def _managers_add(cur: Cursor) -> c.Command:
    return c.ManagersAdd(_last(cur, "user", parse_user))


def _managers_remove(cur: Cursor) -> c.Command:
    return c.ManagersRemove(_last(cur, "user", parse_user))


# --- the table ----------------------------------------------------------------------------------

SPECS: tuple[Spec, ...] = (
    Spec(c.Help, "help [<command>]", "the grammar, with examples", ("help", "help map"), _help),
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
        "unmapped",
        "POS items and modifiers seen without a mapping, most frequent first",
        ("unmapped",),
        _unmapped,
    ),
    Spec(
        c.Mappings,
        "mappings [<pos item>]",
        "what each POS item depletes, and the modifier rules",
        ("mappings", 'mappings "Margarita"'),
        _mappings,
    ),
    Spec(
        c.Products,
        "products",
        "the product list with container, cost, par, reorder point",
        ("products",),
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
    Spec(
        c.ProductAdd,
        'product add "<name>" <container> <cost> [par <n>] [reorder <n>] [category <c>]',
        "a new product; par and reorder point in containers",
        ('product add "Tito\'s Vodka" 750ml $22.50 par 6 reorder 2 category vodka',),
        _product_add,
    ),
    Spec(
        c.ProductSet,
        'product set "<name>" cost <cost> | par <n> | reorder <n> | container <size>',
        "change one thing about a product, from now on",
        ('product set "Tito\'s Vodka" cost $21.75', "product set tito par 8"),
        _product_set,
    ),
    Spec(
        c.ServingSet,
        "serving <name> = <quantity>",
        "a named standard amount for the venue",
        ("serving shot = 1.5 oz", "serving glass = 5 oz"),
        _serving,
    ),
    Spec(
        c.Map,
        'map "<pos item>" = <quantity> <product> [+ <quantity> <product> ...]',
        "what one sale of a POS item depletes, from now on",
        (
            'map "Margarita" = 1.5 oz Milagro Blanco + 0.75 oz Cointreau + 1 oz Lime Juice',
            "map \"Tito's Shot\" = shot Tito's Vodka",
        ),
        _map,
    ),
    Spec(
        c.Unmap,
        'unmap "<pos item>"',
        "stop depleting it from now on",
        ('unmap "Margarita"',),
        _unmap,
    ),
    Spec(
        c.ModifierRuleSet,
        'modifier "<modifier>" = x<n> | + <quantity> <product> | swap <product> -> <product> '
        "| price only",
        "what a POS modifier does to a line's recipe",
        (
            'modifier "Double" = x2',
            'modifier "Cadillac" = + 0.5 oz Grand Marnier',
            'modifier "Top Shelf" = swap Milagro Blanco -> Patron Silver',
            'modifier "Salt Rim" = price only',
        ),
        _modifier,
    ),
    Spec(
        c.Count,
        'count "<product>" <amount>',
        "a count: 3.4 means 3.4 containers, 2550 ml a quantity",
        ('count "Tito\'s Vodka" 3.4', "count tito 2550 ml"),
        _count,
    ),
    Spec(
        c.Receive,
        'receive "<product>" <containers> [@ <cost per container>]',
        "a delivery",
        ('receive "Tito\'s Vodka" 6 @ $21.75', "receive tito 6"),
        _receive,
    ),
    Spec(
        c.Waste,
        'waste "<product>" <quantity> [<reason>]',
        "a spill, breakage or comp poured off the books",
        ('waste "Tito\'s Vodka" 1.5 oz spilled', "waste tito 1 bottle dropped a bottle"),
        _waste,
    ),
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
        "connect square|toast|clover|shopify",
        "start the POS's authorization",
        ("connect square",),
        _connect,
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

COMMAND_WORDS: tuple[str, ...] = tuple(spec.words for spec in SPECS)
_FIRST_WORDS: tuple[str, ...] = tuple(dict.fromkeys(w.split()[0] for w in COMMAND_WORDS))


def specs_for(topic: str) -> tuple[Spec, ...]:
    """The specs a topic names: a family by its first word (`product`, `alerts`: every form), or
    one command by all its words (`product add`)."""
    key = " ".join(topic.lower().split())
    family = tuple(spec for spec in SPECS if spec.words.split()[0] == key)
    return family or tuple(spec for spec in SPECS if spec.words == key)


def _did_you_mean(word: str) -> str:
    close = difflib.get_close_matches(word.lower(), _FIRST_WORDS, n=2, cutoff=0.6)
    if not close:
        return "type help for the list of commands"
    return "did you mean: " + " / ".join(s.usage for w in close for s in specs_for(w))


def _topic(words: str) -> str:
    if not specs_for(words):
        raise InvalidInput(f"no help for {words!r}", hint=_did_you_mean(words.split()[0]))
    return " ".join(words.split())


def usage(command_word: str) -> str:
    """The usage line(s) of a command or family: `usage("alerts")` gives all three forms."""
    specs = specs_for(command_word)
    if not specs:
        raise InvalidInput(f"unknown command {command_word!r}", hint=_did_you_mean(command_word))
    return "\n".join(spec.usage for spec in specs)


def _hint(spec: Spec) -> str:
    return f"usage: {spec.usage}, e.g. {spec.examples[0]}"


def _dispatch(tokens: tuple[Token, ...]) -> tuple[Spec, Cursor]:
    first = tokens[0]
    family = specs_for(first.text) if first.kind is Kind.WORD else ()
    if not family or first.text.lower() not in _FIRST_WORDS:
        raise InvalidInput(f"unknown command {first.text!r}", hint=_did_you_mean(first.text))
    second = tokens[1] if len(tokens) > 1 else None
    for spec in family:
        sub = spec.words.split()[1:]
        if sub and second is not None and second.is_word(sub[0]):
            return spec, Cursor(tokens[2:])
    for spec in family:
        if len(spec.words.split()) == 1:
            return spec, Cursor(tokens[1:])
    subwords = [spec.words.split()[1] for spec in family]
    needs = f"{first.text.lower()} needs {' or '.join(subwords)}"
    if second is None:
        raise InvalidInput(needs, hint="usage: " + " / ".join(s.usage for s in family))
    close = difflib.get_close_matches(second.text.lower(), subwords, n=1)
    chosen = [s for s in family if s.words.split()[1] in close] or list(family)
    raise InvalidInput(
        f"{needs}, not {second.text!r}", hint="did you mean: " + " / ".join(s.usage for s in chosen)
    )


def parse(text: str) -> c.Command:
    """Parse one command line. Empty text is `help`. Raises InvalidInput, never anything else."""
    tokens = tokenize(text)
    if not tokens:
        return c.Help()
    spec, cur = _dispatch(tokens)
    try:
        return spec.parse(cur)
    except InvalidInput as error:
        hint = _sibling_hint(spec, tokens) or error.hint or _hint(spec)
        raise InvalidInput(error.message, hint=hint) from None


def _sibling_hint(spec: Spec, tokens: tuple[Token, ...]) -> str | None:
    """When the bare form of a family fails (`alerts <channel>`), a second word close to another
    form's (`alerts lo on`) points there; no argument at all (`alerts`) lists every form."""
    family = specs_for(spec.words.split()[0])
    if " " in spec.words or len(family) == 1:
        return None
    if len(tokens) == 1:
        return "usage: " + " / ".join(s.usage for s in family)
    forms = {s.words.split()[1]: s for s in family if " " in s.words}
    close = difflib.get_close_matches(tokens[1].text.lower(), list(forms), n=1, cutoff=0.6)
    return f"did you mean: {forms[close[0]].usage}" if close else None
