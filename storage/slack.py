"""`SqlSlackDirectory`: which venue a Slack channel or workspace uses, and who manages it there.

Three tables (docs/data-model.md): `slack_bindings` (a channel's venue, set by `use <venue>`),
`slack_managers` (who may change a venue, per workspace, set by `managers add|remove`) and
`venue_settings.slack_team_id` (the workspace a venue belongs to with multi-workspace OAuth; a
single-workspace token owns every venue and leaves it unset). Each change writes its audit entry
in the same transaction, like the engine's use cases do.

Each method is one short transaction of its own; nothing here is on the webhook path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from engine.venue import Venue, VenueId
from storage.audit import SqlAuditLog
from storage.dialects import insert_for
from storage.tables import slack_bindings, slack_managers, venue_settings, venues
from storage.venues import venue_from_row


class SqlSlackDirectory:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def venues(self, team_id: str | None) -> Sequence[Venue]:
        """Every venue (`team_id` None: one workspace owns them all), else the team's, by slug."""
        query = select(venues).where(venues.c.archived_at.is_(None)).order_by(venues.c.slug)
        if team_id is not None:
            query = query.join(venue_settings, venue_settings.c.venue_id == venues.c.id).where(
                venue_settings.c.slack_team_id == team_id
            )
        async with self._engine.connect() as db:
            return [venue_from_row(row) for row in await db.execute(query)]

    async def venue(self, slug: str) -> Venue | None:
        async with self._engine.connect() as db:
            row = (
                await db.execute(
                    select(venues).where(venues.c.slug == slug, venues.c.archived_at.is_(None))
                )
            ).one_or_none()
        return None if row is None else venue_from_row(row)

    async def team_of(self, venue_id: VenueId) -> str | None:
        """The workspace that claimed the venue (multi-workspace mode), or None."""
        async with self._engine.connect() as db:
            team: str | None = await db.scalar(
                select(venue_settings.c.slack_team_id).where(venue_settings.c.venue_id == venue_id)
            )
        return team

    async def bound_venue(self, team_id: str, channel_id: str) -> Venue | None:
        query = (
            select(venues)
            .join(slack_bindings, slack_bindings.c.venue_id == venues.c.id)
            .where(
                slack_bindings.c.team_id == team_id,
                slack_bindings.c.channel_id == channel_id,
                venues.c.archived_at.is_(None),
            )
        )
        async with self._engine.connect() as db:
            row = (await db.execute(query)).one_or_none()
        return None if row is None else venue_from_row(row)

    async def bind(
        self,
        *,
        team_id: str,
        channel_id: str,
        venue: Venue,
        claim: bool,
        actor: str,
        at: datetime,
    ) -> str | None:
        """Bind the channel to `venue`; with `claim`, the venue also becomes the workspace's.
        Returns the slug the channel used before (None: unbound)."""
        async with self._engine.begin() as db:
            before = await db.scalar(
                select(venues.c.slug)
                .join(slack_bindings, slack_bindings.c.venue_id == venues.c.id)
                .where(
                    slack_bindings.c.team_id == team_id, slack_bindings.c.channel_id == channel_id
                )
            )
            values = {"venue_id": venue.id}
            await db.execute(
                insert_for(db, slack_bindings)
                .values(team_id=team_id, channel_id=channel_id, **values)
                .on_conflict_do_update(
                    index_elements=[slack_bindings.c.team_id, slack_bindings.c.channel_id],
                    set_=values,
                )
            )
            if claim:
                await _claim(db, venue.id, team_id)
            await SqlAuditLog(db).record(
                venue_id=venue.id,
                actor=actor,
                action="slack.use",
                target=f"{team_id}/{channel_id}",
                old={"venue": before},
                new={"venue": venue.slug},
                at=at,
            )
        return None if before is None else str(before)

    async def managers(self, venue_id: VenueId, team_id: str) -> frozenset[str]:
        query = select(slack_managers.c.user_id).where(
            slack_managers.c.venue_id == venue_id, slack_managers.c.team_id == team_id
        )
        async with self._engine.connect() as db:
            return frozenset(str(user) for user in await db.scalars(query))

    async def add_manager(
        self, *, venue: Venue, team_id: str, user_id: str, actor: str, at: datetime
    ) -> bool:
        """True if added, False if the user already was a manager (nothing written)."""
        async with self._engine.begin() as db:
            added = await db.execute(
                insert_for(db, slack_managers)
                .values(venue_id=venue.id, team_id=team_id, user_id=user_id)
                .on_conflict_do_nothing()
            )
            if not added.rowcount:
                return False
            await SqlAuditLog(db).record(
                venue_id=venue.id,
                actor=actor,
                action="slack.managers.add",
                target=user_id,
                old={"manager": False},
                new={"manager": True},
                at=at,
            )
        return True

    async def remove_manager(
        self, *, venue: Venue, team_id: str, user_id: str, actor: str, at: datetime
    ) -> bool:
        """True if removed, False if the user was not a manager (nothing written)."""
        async with self._engine.begin() as db:
            removed = await db.execute(
                delete(slack_managers).where(
                    and_(
                        slack_managers.c.venue_id == venue.id,
                        slack_managers.c.team_id == team_id,
                        slack_managers.c.user_id == user_id,
                    )
                )
            )
            if not removed.rowcount:
                return False
            await SqlAuditLog(db).record(
                venue_id=venue.id,
                actor=actor,
                action="slack.managers.remove",
                target=user_id,
                old={"manager": True},
                new={"manager": False},
                at=at,
            )
        return True


async def _claim(db: AsyncConnection, venue_id: VenueId, team_id: str) -> None:
    """Set the venue's workspace (the settings row may not exist yet: its defaults apply)."""
    values = {"slack_team_id": team_id}
    await db.execute(
        insert_for(db, venue_settings)
        .values(venue_id=venue_id, **values)
        .on_conflict_do_update(index_elements=[venue_settings.c.venue_id], set_=values)
    )
