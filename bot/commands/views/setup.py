"""Bulk set-up and the review queue as replies: imports' outcomes, the exports, the queue."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands import messages as m
from bot.commands.bulk.mappings_file import write_mappings
from bot.commands.bulk.products_file import write_products
from bot.commands.replies import Action, Column, Document, Reply, Table
from engine.menu import MenuResult
from engine.reports import MappingsReport, ProductsReport
from engine.usecases.bulk import BulkResult
from engine.usecases.common import Change
from engine.usecases.review import ReviewReport

REVIEW_PAGE = 12
"""Entries a page: an Accept and an Edit button each, and More, stay within Slack's 25 buttons."""


def products_sheet(report: ProductsReport) -> Reply:
    text = write_products(report.products)
    summary = m.SHEET.format(what="products", n=len(report.products), file="products.csv")
    return Reply(summary=summary, document=Document("products.csv", text), data={"csv": text})


def mappings_sheet(report: MappingsReport) -> Reply:
    text = write_mappings(report)
    n = len(report.items) + len(report.rules)
    summary = m.SHEET.format(what="mappings and modifier rules", n=n, file="mappings.csv")
    return Reply(summary=summary, document=Document("mappings.csv", text), data={"csv": text})


def menu_reply(result: MenuResult, venue: str, who: str) -> Reply:
    summary = m.MENU_RECORDED.format(
        provider=result.provider,
        items=result.items,
        modifiers=result.modifiers,
        new=result.new,
        renamed=result.renamed,
        off=result.off_menu,
        who=who,
    )
    data = {
        "venue": venue,
        "provider": result.provider,
        "items": result.items,
        "modifiers": result.modifiers,
        "new": result.new,
        "renamed": result.renamed,
        "off_menu": result.off_menu,
        "adopted": list(result.adopted),
    }
    return Reply(summary="\n".join([summary, *result.adopted]), data=data)


def bulk_reply(result: BulkResult, what: str, venue: str, who: str) -> Reply:
    summary = m.IMPORTED.format(
        file=result.file,
        what=what,
        added=result.added,
        changed=result.changed,
        unchanged=result.unchanged,
        who=who,
    )
    data = {
        "venue": venue,
        "file": result.file,
        "added": result.added,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "adopted": list(result.notes),
    }
    return Reply(summary="\n".join([summary, *result.notes]), data=data)


def review_reply(report: ReviewReport, page: int) -> Reply:
    entries = report.entries
    pages = max(1, -(-len(entries) // REVIEW_PAGE))
    page = min(page, pages)
    shown = entries[(page - 1) * REVIEW_PAGE : page * REVIEW_PAGE]
    rows = tuple(
        (
            e.thing.name,
            e.thing.kind.value,
            str(e.thing.seen) if e.thing.seen else m.ON_MENU,
            e.guess.text if e.guess else m.NO_GUESS,
            f"{e.guess.confidence}%" if e.guess else "",
        )
        for e in shown
    )
    table = Table(
        title=None,
        columns=(
            Column(m.COL_NAME),
            Column(m.COL_KIND),
            Column(m.COL_SEEN, "right"),
            Column(m.COL_GUESS),
            Column(m.COL_CONFIDENCE, "right"),
        ),
        rows=rows,
    )
    actions: list[Action] = []
    for e in shown:
        name = _quoted(e.thing.name)
        if e.guess is not None:
            actions.append(
                Action(
                    m.ACTION_ACCEPT.format(name=e.thing.name), f"review accept {name}", "primary"
                )
            )
        if e.thing.kind.value == "item":
            actions.append(Action(m.ACTION_EDIT.format(name=e.thing.name), f"map {name}"))
    if page < pages:
        actions.append(Action(m.ACTION_MORE, f"review {page + 1}"))
    data = {
        "venue": report.venue.slug,
        "page": page,
        "pages": pages,
        "entries": [
            {
                "kind": e.thing.kind.value,
                "provider": e.thing.provider,
                "id": e.thing.external_id,
                "name": e.thing.name,
                "seen": e.thing.seen,
                "guess": e.guess.text if e.guess else None,
                "confidence": e.guess.confidence if e.guess else None,
            }
            for e in shown
        ],
    }
    if not entries:
        return Reply(summary=m.REVIEW_EMPTY, data=data)
    summary = m.REVIEW.format(n=len(entries), page=page, pages=pages)
    return Reply(summary=summary, tables=(table,), actions=tuple(actions), data=data)


def accepted_reply(changes: Sequence[Change], venue: str, who: str) -> Reply:
    lines = [m.ACCEPTED.format(n=len(changes), who=who)]
    lines += [f"{c.target}: {next(iter((c.new or {}).values()), '')}" for c in changes]
    data = {
        "venue": venue,
        "accepted": [{"name": c.target, "action": c.action, **dict(c.new or {})} for c in changes],
    }
    return Reply(summary="\n".join(lines), data=data)


def _quoted(name: str) -> str:
    return f"'{name}'" if '"' in name else f'"{name}"'
