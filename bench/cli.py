"""The CLI's answer times, beside `python -c pass` measured in the same run.

Aims (issue 13): `barback --help` under 80 ms, and a reading command on the demo venue
(`barback --venue demo stock`, after `barback demo`) under 250 ms, each at most 3x
`python -c pass`. Python's own start is the floor every command pays, so the ratio is the
figure that travels between machines; the milliseconds are this machine's.

Set-up: a SQLite database in a temporary directory, `barback serve` on a free port, and
`barback demo --receipts 120 --seed 1` against it. Then each command runs `RUNS` times, the
commands interleaved round-robin (so a burst of load from elsewhere on a shared machine hits all
of them alike), and the medians are printed:

- `python -c pass`: the same interpreter the `barback` script runs on;
- `barback --help`, `barback --version`;
- `barback --venue demo stock`: answered by the running service through its local socket;
- the same with no service on its data directory: the command loads the grammar, SQLAlchemy
  and the driver itself (reported, not an aim: it is what a terminal without a service pays).

Exit status 1 when a measured aim is missed, so `make bench` shows it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.servers import barback_command, free_port, server_env, stop, wait_ready

RUNS = 21
RECEIPTS = 120
AIMS = {"barback --help": 80.0, "barback --venue demo stock": 250.0}
MAX_RATIO = 3.0


def timed(command: Sequence[str], env: dict[str, str]) -> float:
    """Wall-clock milliseconds of one run; the command must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[:500]}")
    return elapsed


def main() -> int:
    barback = barback_command()
    with tempfile.TemporaryDirectory(prefix="barback-bench-cli-") as folder:
        root = Path(folder)
        port = free_port()
        env = server_env(f"sqlite+aiosqlite:///{root / 'demo.db'}", port, root / "data")
        subprocess.run([*barback, "db", "upgrade"], env=env, check=True, capture_output=True)
        server = subprocess.Popen([*barback, "serve"], env=env)
        try:
            wait_ready(server, f"http://127.0.0.1:{port}/healthz")
            demo = [*barback, "demo", "--url", f"http://127.0.0.1:{port}"]
            demo += ["--receipts", str(RECEIPTS), "--seed", "1"]
            subprocess.run(demo, env=env, check=True, capture_output=True)
            alone = env | {"BARBACK_DATA_DIR": str(root / "no-service")}
            commands = {
                "python -c pass": ([sys.executable, "-c", "pass"], env),
                "barback --help": ([*barback, "--help"], env),
                "barback --version": ([*barback, "--version"], env),
                "barback --venue demo stock": ([*barback, "--venue", "demo", "stock"], env),
                "  the same, no service running": ([*barback, "--venue", "demo", "stock"], alone),
            }
            for command, command_env in commands.values():  # warm the file cache
                timed(command, command_env)
            times: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(RUNS):
                for name, (command, command_env) in commands.items():
                    times[name].append(timed(command, command_env))
        finally:
            stop(server)
    return report({name: statistics.median(values) for name, values in times.items()})


def report(medians: dict[str, float]) -> int:
    floor = medians["python -c pass"]
    print(f"median of {RUNS} runs each, interleaved; {os.cpu_count()} cores")
    print(f"{'command':<34} {'ms':>8} {'x pass':>7}  aim")
    missed = 0
    for name, ms in medians.items():
        ratio = ms / floor
        aim = ""
        if name in AIMS:
            met = ms < AIMS[name] and ratio <= MAX_RATIO
            missed += not met
            verdict = "met" if met else "MISSED"
            aim = f"< {AIMS[name]:.0f} ms and <= {MAX_RATIO:.0f}x pass: {verdict}"
        print(f"{name:<34} {ms:8.1f} {ratio:7.2f}  {aim}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
