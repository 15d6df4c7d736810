"""Run the benchmarks: every ``bench/bench_*.py`` module's ``main()``, or the ones named.

    python -m bench                 # all of them
    python -m bench foundation      # bench/bench_foundation.py only
    python -m bench --quick         # tiny sizes, a few seconds each: proves the benches still run

``--quick`` is what CI runs: it fails when a bench crashes, never on a figure (its
figures, from tiny sizes on a busy machine, mean nothing).

Each module prints its own figures and records its headline ones (``bench/goals.py``);
the goal table of all of them is printed at the end. A module that fails is reported and
the others still run; the exit status is non-zero when any failed.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import goals

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    """Names of the benchmark modules, without the ``bench_`` prefix, sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


# Sizes for --quick; an explicit BENCH_* setting in the environment still wins.
QUICK = {
    "BENCH_QUICK": "1", "BENCH_SECONDS": "0.5", "BENCH_CONNECTIONS": "4", "BENCH_MEMBERS": "2000",
    "BENCH_ACCOUNT_REQUESTS": "3", "BENCH_CATALOG_SIZES": "20", "BENCH_BUYERS": "12",
    "BENCH_CLIENTS": "4", "BENCH_FLASH_BUYERS": "12", "BENCH_FLASH_STOCK": "5", "BENCH_EXPORT_SIZES": "5,10,20", "BENCH_CRYPTO_N": "500",
    "BENCH_LOOKUPS": "50", "BENCH_ROUNDS": "1", "BENCH_CPU_FLOWS": "10",
}


def main(argv: list[str]) -> int:
    if "--quick" in argv:
        argv = [a for a in argv if a != "--quick"]
        for key, value in QUICK.items():
            os.environ.setdefault(key, value)
    names = [a.removeprefix("bench_").removesuffix(".py") for a in argv] or discover()
    unknown = [n for n in names if not (HERE / f"bench_{n}.py").exists()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(discover())}")
        return 2
    failed = []
    # Each bench appends its headline figures here; the table is printed after the last one.
    fd, goals_file = tempfile.mkstemp(prefix="sentem-bench-goals-", suffix=".jsonl")
    os.close(fd)
    os.environ[goals.FILE_VAR] = goals_file
    for name in names:
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        # Each bench in its own process: one bench's state (a frozen clock, a pushed app
        # context, module caches) must never change what the next one measures.
        code = subprocess.run([sys.executable, "-c", f"import bench.bench_{name} as b; b.main()"],
                              cwd=HERE.parent, env=os.environ.copy()).returncode
        if code != 0:
            failed.append(name)
        print(f"--- {name}: {time.perf_counter() - started:.1f}s", flush=True)
    print("\n=== goals (every bench's headline figures; one run) ===")
    print("\n".join(goals.table(goals_file)))
    os.unlink(goals_file)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
