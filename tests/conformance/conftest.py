"""The kit's fixtures: every `pos_*.py` beside this file is an adapter, and each case runs for each
adapter (and, through `database`, on SQLite and PostgreSQL).

`@pytest.mark.needs("reconcile")` keeps a case to the adapters listing that feature; the others
are simply not parametrised with it (nothing is skipped).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpClient

from storage.database import Database
from tests.conformance.adapter import PosAdapter
from tests.conformance.bar import Bar, open_bar


def adapter_names() -> list[str]:
    here = Path(__file__).parent
    return sorted(path.stem.removeprefix("pos_") for path in here.glob("pos_*.py"))


def make_adapter(name: str) -> PosAdapter:
    module = importlib.import_module(f"tests.conformance.pos_{name}")
    adapter: PosAdapter = module.Adapter()
    return adapter


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(*features): run only for adapters with them")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "pos_name" not in metafunc.fixturenames:
        return
    needed: set[str] = set()
    for mark in metafunc.definition.iter_markers("needs"):
        needed.update(mark.args)
    names = [n for n in adapter_names() if needed <= set(make_adapter(n).features)]
    metafunc.parametrize("pos_name", names)


@pytest.fixture
async def pos(pos_name: str) -> AsyncIterator[PosAdapter]:
    adapter = make_adapter(pos_name)
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


@pytest.fixture
async def bar(database: Database, aiohttp_client: AiohttpClient, pos: PosAdapter) -> Bar:
    return await open_bar(database, aiohttp_client, pos)
