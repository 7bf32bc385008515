"""`python -m bench [name ...]`: run the benchmarks (all, or those named).

Each benchmark is a module with `main() -> int` listed in `BENCHMARKS`; performance.md holds the
measurements they reproduce.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

# name -> module: a new benchmark is one line here.
BENCHMARKS: dict[str, str] = {
    "sales": "bench.sales",
    "webhooks_inbox": "bench.webhooks_inbox",
    "webhooks": "bench.webhooks",
    "cli": "bench.cli",
}


def load(name: str) -> Callable[[], int]:
    main: Callable[[], int] = importlib.import_module(BENCHMARKS[name]).main
    return main


def main(argv: list[str] | None = None) -> int:
    names = (sys.argv[1:] if argv is None else argv) or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    status = 0
    for name in names:
        print(f"== {name}")
        status = max(status, load(name)())
    return status


if __name__ == "__main__":
    raise SystemExit(main())
