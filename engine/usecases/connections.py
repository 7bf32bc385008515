"""A venue's POS connections: binding an account (`connect <pos> <account>`), and ending a
connection, by hand (`disconnect <pos>`) or because the POS revoked barback's access (Square's
`oauth.authorization.revoked`, or its API refusing the credentials).

Binding: the POS's own check (does it let barback read this account?) is the `AccountBinder`'s;
this use case names who did it and keeps it in the audit log like any other change.

Ending, in one transaction: the connection is marked revoked and its tokens forgotten (so no
poller, webhook or refresh uses them again), the audit log says who did it, and the venue's alert
channel gets a DISCONNECTED alert (an outbox row; the dispatcher posts it). Sales stop arriving
from that POS until a manager runs `connect <pos>` again, which is why it is worth an alert: a
bar that does not notice would see its stock drift for days.

Decisions where the rules are silent:
- `disconnect` names a POS, not an account: it ends every account of that POS bound to the venue.
  Nothing connected is a refusal (`NotFound`), so a typo does not answer "done".
- barback does not call the POS to revoke the grant itself: the manager can do that in the POS's
  own settings, and a POS that is down must not block a manager from stopping barback reading.
- A revocation the POS reports twice (webhooks are at least once) alerts once: the second finds
  the connection revoked already and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from engine.alerts import AlertKind, NewAlert
from engine.connections import AccountBinder
from engine.errors import NotFound
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.usecases.common import Change, VenueRef, commit_change, load_venue, require_actor
from engine.venue import Venue

PROVIDER_NAMES = {"square": "Square", "toast": "Toast", "clover": "Clover", "shopify": "Shopify"}


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


async def disconnect(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, provider: str, actor: str
) -> Change:
    """`disconnect square`: stop reading the POS for the venue."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        accounts = await uow.connections.revoke(place.id, provider, now)
        if not accounts:
            name = PROVIDER_NAMES.get(provider, provider)
            raise NotFound(
                f"{place.name} reads nothing from {name}: there is no connection to end",
                hint=f"connect {provider} starts one",
            )
        await _alert(uow, place, provider, accounts, now, reason="disconnected", actor=actor)
        old = {"reading": ", ".join(accounts)}
        change = Change("disconnect", provider, old, {"reading": None}, actor, now, place)
        return await commit_change(uow, change)


async def revoked_by_pos(
    uow_factory: UnitOfWorkFactory, clock: Clock, *, provider: str, account: str, reason: str
) -> Venue | None:
    """The POS says barback's access to `account` is gone (`reason`, for people). The venue it
    was connected to; None when it was connected to none."""
    now = clock.now()
    async with uow_factory() as uow:
        venue_id = await uow.connections.venue_of(provider, account)
        if venue_id is None:
            return None
        place = await load_venue(uow, venue_id)
        revoked = await uow.connections.revoke(place.id, provider, now, merchant_id=account)
        if not revoked:
            return place  # reported before: nothing more to do
        await _alert(uow, place, provider, revoked, now, reason=reason, actor=None)
        by = f"pos:{provider}"
        change = Change(
            "disconnect", provider, {"reading": account}, {"reading": None}, by, now, place
        )
        await commit_change(uow, change)
        return place


async def _alert(
    uow: UnitOfWork,
    venue: Venue,
    provider: str,
    accounts: Sequence[str],
    now: datetime,
    *,
    reason: str,
    actor: str | None,
) -> None:
    settings = await uow.settings.get(venue.id)
    if settings.alert_channel is None:
        return
    payload: dict[str, object] = {
        "channel": settings.alert_channel,
        "venue": venue.name,
        "provider": PROVIDER_NAMES.get(provider, provider),
        "command": f"connect {provider}",
        "accounts": list(accounts),
        "reason": reason,
        "actor": actor,
    }
    key = f"disconnected:{venue.id}:{provider}:{','.join(accounts)}:{now.isoformat()}"
    await uow.alerts.add(NewAlert(venue.id, AlertKind.DISCONNECTED, key[:255], payload, now), now)
