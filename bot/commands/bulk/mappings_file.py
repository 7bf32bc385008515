"""`map import <file.csv>` and `mappings --csv`: the mapping sheet (docs/bulk-setup.md).

Columns: `pos item` (the name as seen, or the name to map by) and `recipe` required; `kind`
(`item`, the default, or `modifier`), `provider` and `id` optional. A recipe is written as after
the `=` of `map` (`1.5 oz "Milagro Blanco" + 0.75 oz Cointreau`, `2 shot tito`), a modifier's
as after the `=` of `modifier` (`x2`, `+ 0.5 oz "Grand Marnier"`, `swap milagro -> patron`,
`price only`). The export names each POS item by its provider and id (a mapping kept by name
has none), servings by name and other quantities exactly in ml, each or g.
"""

from __future__ import annotations

from functools import partial

from bot.commands import commands as c
from bot.commands import grammar
from bot.commands.bulk.sheets import Row, read_sheet, write_sheet
from bot.commands.rules import rule_input
from engine.errors import InvalidInput
from engine.records import PosKind, PosThing
from engine.reports import MappingsReport
from engine.usecases.bulk import MappingRow, Numbered, Problems
from engine.words import recipe_words, rule_words

COLUMNS = ("kind", "provider", "id", "pos item", "recipe")
KINDS = {"item": PosKind.ITEM, "": PosKind.ITEM, "modifier": PosKind.MODIFIER}


def read_mappings(data: bytes, file: str) -> list[Numbered[MappingRow]]:
    rows = read_sheet(data, file, required=("pos item", "recipe"), optional=COLUMNS[:3])
    problems = Problems(file)
    found = [
        Numbered(row.line, mapping)
        for row in rows
        if (mapping := problems.check(row.line, partial(_mapping, row))) is not None
    ]
    problems.refuse_if_any()
    return found


def _mapping(row: Row) -> MappingRow:
    kind = KINDS.get(row.get("kind").lower())
    if kind is None:
        raise InvalidInput(f"kind {row.get('kind')!r} is not item or modifier")
    name, recipe = row.get("pos item"), row.get("recipe")
    if not name and not row.get("id"):
        raise InvalidInput("a row needs a pos item (or an id)")
    if not recipe:
        raise InvalidInput("the recipe is empty")
    provider, ident = row.get("provider") or None, row.get("id") or None
    if kind is PosKind.ITEM:
        command = grammar.parse(f'map "x" = {recipe}')
        assert isinstance(command, c.Map)
        return MappingRow(kind, name, items=command.items, provider=provider, external_id=ident)
    command = grammar.parse(f'modifier "x" = {recipe}')
    assert isinstance(command, c.ModifierRuleSet)
    rule = rule_input(command.rule)
    return MappingRow(kind, name, rule=rule, provider=provider, external_id=ident)


def write_mappings(report: MappingsReport) -> str:
    names, servings, units = report.product_names, report.servings, report.venue.units
    rows = [
        [
            "item",
            *_key(m.pos_item),
            m.pos_item.name,
            recipe_words(m.recipe.items, names, servings, units),
        ]
        for m in report.items
    ]
    rows += [
        [
            "modifier",
            *_key(r.modifier),
            r.modifier.name,
            rule_words(r.rule.kind, names, servings, units),
        ]
        for r in report.rules
    ]
    return write_sheet(COLUMNS, rows)


def _key(thing: PosThing) -> list[str]:
    """A mapping kept by name has no provider and id: imported back, it is kept by name again."""
    return ["", ""] if thing.by_name else [thing.provider, thing.external_id]
