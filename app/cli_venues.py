"""`barback venue add|list|secret|archive`: the venues this barback books for (administration:
the terminal only, whoever can run it is trusted)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.subcommands import Subparsers, add_command, format_table, with_database

if TYPE_CHECKING:
    from app.config import Settings
    from engine.venue import Venue

ACTOR = "cli"  # who the audit log names when the shell gives no user

_VENUE_ADD = (
    "barback venue add downtown --name 'Downtown' --timezone America/New_York --currency USD"
)


def add_venue_commands(commands: Subparsers[argparse.ArgumentParser]) -> None:
    venue = add_command(
        commands,
        "venue",
        None,
        summary="add and list venues, print a venue's webhook secret",
        description="Add and list venues; print a venue's webhook secret.",
        examples=[_VENUE_ADD, "barback venue list", "barback venue secret downtown"],
    )
    actions = venue.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = add_command(
        actions,
        "add",
        run_venue_add,
        summary="add a venue",
        description="Add a venue. It gets a fresh secret for the generic webhook.",
        examples=[
            _VENUE_ADD,
            "barback venue add soho --name 'Soho' --timezone Europe/London --currency GBP",
            "barback venue add mitte --name 'Mitte' --timezone Europe/Berlin --currency EUR "
            "--units metric",
        ],
    )
    add.add_argument("slug", help="short name: lower-case letters, digits and dashes")
    add.add_argument("--name", required=True, help="the name people know it by")
    add.add_argument(
        "--timezone", required=True, metavar="TZ", help="IANA time zone, e.g. America/New_York"
    )
    add.add_argument(
        "--currency", required=True, metavar="CUR", help="ISO 4217 code, e.g. USD, EUR, GBP"
    )
    add.add_argument(
        "--units",
        choices=["us", "metric", "imperial"],
        help="how volumes are written; default: us for USD, imperial for GBP, metric otherwise",
    )
    listing = add_command(
        actions,
        "list",
        run_venue_list,
        summary="list the venues",
        description="List the venues: slug, name, time zone, currency, units.",
        examples=["barback venue list", "barback venue list --json"],
    )
    listing.add_argument("--json", action="store_true", help='print {"venues": [...]}')
    secret = add_command(
        actions,
        "secret",
        run_venue_secret,
        summary="print a venue's webhook secret alone on one line",
        description="Print the venue's generic-webhook secret alone on one line, for scripts.",
        examples=["SECRET=$(barback venue secret downtown)"],
    )
    secret.add_argument("slug", help="the venue's slug")
    archive = add_command(
        actions,
        "archive",
        run_venue_archive,
        summary="archive a venue: webhooks and changes refused from now on, history kept",
        description=(
            "Archive a venue, for good: its webhooks are refused (404), its POS is no longer\n"
            "read, Slack no longer offers it, and no change to it is accepted; its history stays\n"
            "readable (`barback --venue <slug> history`). Refused while webhook events it\n"
            "acknowledged wait to be booked."
        ),
        examples=["barback venue archive uptown"],
    )
    archive.add_argument("slug", help="the venue's slug")


def run_venue_add(args: argparse.Namespace, settings: Settings) -> int:
    from app.clock import SystemClock
    from engine.venue_admin import add_venue

    venue = with_database(
        settings,
        lambda database: add_venue(
            database.unit_of_work,
            SystemClock(),
            slug=args.slug,
            name=args.name,
            timezone=args.timezone,
            currency=args.currency,
            units=args.units,
            actor=ACTOR,
        ),
    )
    print(
        f"added venue {venue.slug} ({venue.name}, {venue.timezone}, {venue.currency}, "
        f"{venue.units.value}); its webhook secret: barback venue secret {venue.slug}",
        file=sys.stderr,
    )
    return 0


def run_venue_list(args: argparse.Namespace, settings: Settings) -> int:
    from engine.venue_admin import list_venues

    venues = with_database(settings, lambda db: list_venues(db.unit_of_work))
    if args.json:
        import json

        listed = [
            {
                "slug": v.slug,
                "name": v.name,
                "timezone": v.timezone,
                "currency": v.currency,
                "units": v.units.value,
            }
            for v in venues
        ]
        print(json.dumps({"venues": listed}, ensure_ascii=False))
        return 0
    if not venues:
        print("no venues yet (add one with `barback venue add`)", file=sys.stderr)
        return 0
    rows = [("SLUG", "NAME", "TIMEZONE", "CURRENCY", "UNITS")] + [
        (v.slug, v.name + _archived(v), v.timezone, v.currency, v.units.value) for v in venues
    ]
    print(format_table(rows))
    return 0


def run_venue_secret(args: argparse.Namespace, settings: Settings) -> int:
    from engine.venue_admin import venue_secret

    secret = with_database(settings, lambda db: venue_secret(db.unit_of_work, args.slug))
    print(secret)
    return 0


def _archived(venue: Venue) -> str:
    if venue.archived_at is None:
        return ""
    return f" (archived {venue.archived_at.astimezone(venue.zone).date().isoformat()})"


def run_venue_archive(args: argparse.Namespace, settings: Settings) -> int:
    from app.clock import SystemClock
    from engine.venue_admin import archive_venue

    venue = with_database(
        settings,
        lambda database: archive_venue(
            database.unit_of_work, SystemClock(), slug=args.slug, actor=f"cli:{args.user}"
        ),
    )
    print(
        f"archived venue {venue.slug} ({venue.name}): its webhooks and changes are refused from "
        "now on; its history is kept",
        file=sys.stderr,
    )
    return 0
