"""`products`, `mappings [<pos item>]` and `unmapped`: what the catalog holds and what it lacks."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands import formats as f
from bot.commands import messages as m
from bot.commands.quoting import quote_name
from bot.commands.replies import Action, Column, Reply, Table
from engine.alerts import RecipeGuess
from engine.records import Sighting
from engine.reports import MappingsReport, ProductsReport, UnmappedReport
from engine.usecases.describe import recipe_text, rule_text
from engine.venue import Venue


def products_reply(report: ProductsReport) -> Reply:
    venue = report.venue
    table = Table(
        title=None,
        columns=(
            Column(m.COL_PRODUCT),
            Column(m.COL_CATEGORY),
            Column(m.COL_CONTAINER, "right"),
            Column(m.COL_COST, "right"),
            Column(m.COL_PAR, "right"),
            Column(m.COL_REORDER, "right"),
        ),
        rows=tuple(
            (
                p.name,
                p.category or "",
                f.quantity_text(p.container_size, venue),
                f.money_text(p.cost_per_container, venue),
                f.containers_text(p.par),
                f.containers_text(p.reorder_at),
            )
            for p in report.products
        ),
    )
    data = {
        "venue": venue.slug,
        "products": [
            {
                "name": p.name,
                "category": p.category,
                "unit": p.dimension.base_unit,
                "container_size": f.base(p.container_size),
                "cost": f.money(p.cost_per_container),
                "par": f.containers(p.par),
                "reorder_at": f.containers(p.reorder_at),
            }
            for p in report.products
        ],
    }
    n = len(report.products)
    summary = m.PRODUCTS.format(n=n, s="" if n == 1 else "s") if n else m.PRODUCTS_NONE
    return Reply(summary=summary, tables=(table,) if n else (), data=data)


def mappings_reply(report: MappingsReport) -> Reply:
    venue, names = report.venue, report.product_names
    items = Table(
        title=m.MAPPINGS_ITEMS,
        columns=(Column(m.COL_POS_ITEM), Column(m.COL_DEPLETES)),
        rows=tuple(
            (i.pos_item.name, recipe_text(i.recipe, names, venue.units, report.servings))
            for i in report.items
        ),
    )
    rules = Table(
        title=m.MAPPINGS_RULES,
        columns=(Column(m.COL_MODIFIER), Column(m.COL_RULE)),
        rows=tuple(
            (r.modifier.name, rule_text(r.rule.kind, names, venue.units, report.servings))
            for r in report.rules
        ),
    )
    data = {
        "venue": venue.slug,
        "items": [
            {
                "pos_item": i.pos_item.name,
                "pos_item_id": i.pos_item.external_id,
                "provider": i.pos_item.provider,
                "since": f.instant(i.recipe.valid_from, venue),
                "recipe": [
                    {
                        "product": names[item.product_id],
                        "quantity": f.base(item.quantity),
                        "unit": item.quantity.dimension.base_unit,
                        "serving": item.serving_name,
                    }
                    for item in i.recipe.items
                ],
            }
            for i in report.items
        ],
        "modifiers": [
            {
                "modifier": r.modifier.name,
                "modifier_id": r.modifier.external_id,
                "provider": r.modifier.provider,
                "rule": rule_text(r.rule.kind, names, venue.units, report.servings),
                "since": f.instant(r.rule.valid_from, venue),
            }
            for r in report.rules
        ],
    }
    summary = m.MAPPINGS.format(items=len(report.items), rules=len(report.rules))
    tables = tuple(t for t in (items, rules) if t.rows)
    return Reply(summary=summary, tables=tables, data=data)


def unmapped_reply(report: UnmappedReport) -> Reply:
    venue = report.venue
    tables = []
    for title, sightings in (
        (m.UNMAPPED_ITEMS, report.items),
        (m.UNMAPPED_MODIFIERS, report.modifiers),
    ):
        if sightings:
            tables.append(
                Table(
                    title=title,
                    columns=(
                        Column(m.COL_NAME),
                        Column(m.COL_SEEN, "right"),
                        Column(m.COL_FIRST_SEEN),
                        Column(m.COL_LAST_SEEN),
                    ),
                    rows=tuple(_sighting_cells(s, venue) for s in sightings),
                )
            )
    if report.on_menu:
        tables.append(
            Table(
                title=m.NEVER_SOLD,
                columns=(Column(m.COL_NAME), Column(m.COL_KIND), Column(m.COL_CATEGORY)),
                rows=tuple((s.name, s.kind.value, s.category or "") for s in report.on_menu),
            )
        )
    actions = [_map_action(s, report.guesses.get(s.name.casefold(), ())) for s in report.items]
    actions += [
        _rule_action(s, report.guesses.get(s.name.casefold(), ())) for s in report.modifiers
    ]
    data = {
        "venue": venue.slug,
        "items": [_sighting_json(s, venue, "pos_item_id") for s in report.items],
        "modifiers": [_sighting_json(s, venue, "modifier_id") for s in report.modifiers],
    }
    if report.on_menu:
        data["on_menu"] = [
            {
                "kind": s.kind.value,
                "id": s.external_id,
                "provider": s.provider,
                "name": s.name,
                "category": s.category,
            }
            for s in report.on_menu
        ]
    if report.items or report.modifiers:
        summary = m.UNMAPPED.format(items=len(report.items), modifiers=len(report.modifiers))
    else:
        summary = m.UNMAPPED_NONE
    if report.on_menu:
        summary += m.NEVER_SOLD_COUNT.format(n=len(report.on_menu))
    return Reply(summary=summary, tables=tuple(tables), actions=tuple(actions), data=data)


def _sighting_cells(s: Sighting, venue: Venue) -> tuple[str, ...]:
    return (
        s.name,
        str(s.seen),
        f.instant_text(s.first_seen, venue),
        f.instant_text(s.last_seen, venue),
    )


def _sighting_json(s: Sighting, venue: Venue, id_key: str) -> dict[str, object]:
    return {
        id_key: s.external_id,
        "provider": s.provider,
        "name": s.name,
        "seen": s.seen,
        "first_seen": f.instant(s.first_seen, venue),
        "last_seen": f.instant(s.last_seen, venue),
    }


def _map_action(s: Sighting, guesses: Sequence[RecipeGuess]) -> Action:
    """The Map button opens the form (`map "X" = `); typed, the best guess is filled in."""
    head = f"map {quote_name(s.name)} = "
    recipe = " + ".join(f"{g.quantity} {quote_name(g.product)}" for g in guesses)
    return Action(m.ACTION_MAP, head, typed=head + recipe if recipe else None)


_MULTIPLIERS = {"double": "x2", "triple": "x3"}
_ADDING = frozenset(("extra", "add", "added", "plus", "float", "shot", "splash", "side"))


def _rule_action(s: Sighting, guesses: Sequence[RecipeGuess]) -> Action:
    """A modifier's likely rule: `x2` for a double, `+ <pour>` for an extra of a product, else
    `price only` (an upcharge that pours nothing)."""
    head = f"modifier {quote_name(s.name)} = "
    words = set(s.name.casefold().replace("-", " ").split())
    rule = next((x for word, x in _MULTIPLIERS.items() if word in words), None)
    if rule is None and guesses and words & _ADDING:
        rule = f"+ {guesses[0].quantity} {quote_name(guesses[0].product)}"
    return Action(m.ACTION_RULE, head, typed=head + (rule or "price only"))
