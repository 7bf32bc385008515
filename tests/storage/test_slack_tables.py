"""barback's copies of slack_sdk's tables match what slack_sdk's own builders make.

slack-bolt's installation and OAuth state stores read and write these tables through Table
objects they build themselves; barback declares the same tables so its migrations create them.
A slack_sdk upgrade that changes a column shows up here, not as a failed Slack install.
"""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

from storage.tables import slack_bots, slack_installations, slack_oauth_states


def column_shape(column: Column[Any]) -> tuple[object, ...]:
    kind = column.type
    return (
        column.name,
        type(kind).__name__,
        getattr(kind, "length", None),
        column.nullable,
        column.primary_key,
        column.autoincrement,
    )


def shape(table: Table) -> dict[str, object]:
    return {
        "name": table.name,
        "columns": [column_shape(c) for c in table.columns],
        "indexes": sorted((i.name, tuple(c.name for c in i.columns)) for i in table.indexes),
    }


def builders() -> dict[str, Table]:
    metadata = MetaData()
    return {
        "slack_installations": SQLAlchemyInstallationStore.build_installations_table(
            metadata, "slack_installations"
        ),
        "slack_bots": SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
        "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table(
            metadata, "slack_oauth_states"
        ),
    }


@pytest.mark.parametrize(
    "ours", [slack_installations, slack_bots, slack_oauth_states], ids=lambda t: t.name
)
def test_table_matches_slack_sdks_builder(ours: Table) -> None:
    theirs = builders()[ours.name]
    assert shape(ours) == shape(theirs)


def test_the_comparison_sees_a_changed_column() -> None:
    changed = Table(
        "slack_oauth_states",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("state", String(100), nullable=False),  # slack_sdk's is String(200)
        Column("expire_at", DateTime, nullable=False),
    )
    assert shape(changed) != shape(builders()["slack_oauth_states"])
