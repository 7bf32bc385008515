"""No module imports itself back through others, inside a room or across rooms.

import-linter holds the rooms' layers; a cycle inside one room (`app.importing` and
`app.terminal_session` used to import each other) is its own kind of tangle: neither module can
be read, loaded or tested without the other. Lazy imports inside functions count too.
"""

from __future__ import annotations

import grimp

ROOMS = ("app", "bot", "integrations", "storage", "engine")


def test_no_import_cycles() -> None:
    graph = grimp.build_graph(*ROOMS, include_external_packages=False)
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.add(" -> ".join((module, *back)))
    assert sorted(cycles) == []


def test_the_check_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    graph.add_import(importer="app.a", imported="app.b")
    graph.add_import(importer="app.b", imported="app.a")
    assert graph.find_shortest_chain(importer="app.b", imported="app.a") == ("app.b", "app.a")
