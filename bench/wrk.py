"""wrk, the load generator: the tools it needs, its Lua scripts, one run and its figures.

wrk runs on core CLIENT_CORE and the server it loads on SERVER_CORE (`taskset`), CONNECTIONS
connections for SECONDS, after a run of WARMUP_SECONDS.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SECONDS = 10
WARMUP_SECONDS = 2
CONNECTIONS = 32
SERVER_CORE = "1"
CLIENT_CORE = "0"

# Loads "<signature>\t<body>" lines and pre-formats every request in init() (before wrk's timer
# starts); done() prints one machine-readable line. No response() callback: it would slow wrk.
POST_LUA = r"""
local requests = {}
local n = 0
local i = 0

function init(args)
  local path = args[2]
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    n = n + 1
    requests[n] = wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Barback-Signature"] = line:sub(1, tab - 1),
    }, line:sub(tab + 1))
  end
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return requests[i]
end

-- milliseconds each connection waits before its next request (the steady run; else 0)
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")

function delay()
  return pause
end
"""

DONE_LUA = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d connect=%d read=%d " ..
    "write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""

_RESULT = re.compile(r"^BENCH (.*)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def acknowledged(self) -> int:
        return self.requests - self.non2xx


def missing_tools() -> str | None:
    """Why the benchmark cannot run here, or None."""
    if shutil.which("wrk") is None:
        return (
            "wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu; `make bench` does it "
            "when run as root), or `brew install wrk`"
        )
    if shutil.which("taskset") is None:
        return "taskset is not installed (util-linux): the server and wrk are pinned to cores"
    if len(os.sched_getaffinity(0)) < 2:
        return "needs 2 cores (server on core 1, wrk on core 0)"
    return None


def pinned(core: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", core, *command]


def wrk(url: str, seconds: int, script: Path, *args: str, rate: int | None = None) -> WrkResult:
    """`rate`: pace the connections to about that many requests/s (else as fast as answered)."""
    command = pinned(
        CLIENT_CORE,
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script), url],
    )
    if args:
        command += ["--", *args]
    pause = 0 if rate is None else round(1000 * CONNECTIONS / rate)
    env = {**os.environ, "BENCH_PAUSE_MS": str(pause)}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    found = _RESULT.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    return WrkResult(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        non2xx=values["non2xx"],
        socket_errors=values["connect"] + values["read"] + values["write"] + values["timeout"],
    )
