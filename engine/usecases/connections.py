"""`connect <pos> <account>`: bind a POS account to the venue, with an audit entry.

The POS's own check (does it let barback read this account?) is the `AccountBinder`'s; this use
case names who did it and keeps it in the audit log like any other change.
"""

from __future__ import annotations

from engine.connections import AccountBinder
from engine.ports import Clock, UnitOfWorkFactory
from engine.usecases.common import Change, VenueRef, commit_change, load_venue, require_actor


async def connect_account(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    binder: AccountBinder,
    label: str,
    account: str,
    kind: str = "account",
    actor: str,
) -> Change:
    """Bind `account` (a `kind`: `restaurant`) of the POS `label` to the venue; raises what the
    binder raises (nothing is written then)."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
    bound = await binder.bind(place, account.strip(), now)
    shown = f"{bound.name} ({bound.account})" if bound.name else bound.account
    old = {kind: shown} if bound.already else None
    change = Change("connect", label, old, {kind: shown}, actor, now, place)
    async with uow_factory() as uow:
        return await commit_change(uow, change)
