"""Dependencies: what the code imports is pinned directly, and CI installs exactly the lock.

``requirements.txt`` / ``requirements-dev.txt`` hold the direct pins; ``requirements.lock``
(``make lock``) pins every package with its hashes and is what ``make install`` installs
with ``--require-hashes``. A pin changed without regenerating the lock fails here, not in CI.
"""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def _pins(path: Path) -> dict[str, str]:
    """name -> version of the ``==`` pins in a requirements file, following ``-r``."""
    out: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            out.update(_pins(path.parent / line[3:].strip()))
        elif (found := PIN.match(line)):
            out[_name(found.group(1))] = found.group(2)
    return out


def _lock() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from requirements.lock."""
    out: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if (found := PIN.match(line)):
            current = _name(found.group(1))
            out[current] = (found.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = out[current]
            out[current] = (version, hashes + 1)
    return out


def test_every_direct_pin_is_in_the_lock_with_hashes():
    lock = _lock()
    direct = _pins(ROOT / "requirements-dev.txt")
    assert {"ruff", "pytest", "croniter", "holidays", "flask"} <= set(direct)
    stale = {name: (version, lock.get(name, ("missing", 0))[0]) for name, version in direct.items()
             if lock.get(name, ("missing",))[0] != version}
    assert not stale, f"requirements.lock is stale (direct pin, lock): {stale}; run `make lock`"
    assert all(hashes for _version, hashes in lock.values()), "every locked package needs its hashes"


def test_what_the_code_imports_is_a_direct_requirement():
    """A package the code imports is listed in requirements.txt, not left to another's dependency."""
    runtime = set(_pins(ROOT / "requirements.txt"))
    distributions = packages_distributions()
    missing = {}
    for path in (ROOT / "sentem").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "sentem":
                    continue
                names = {_name(d) for d in distributions.get(top, [top])}
                if not names & runtime:
                    missing.setdefault(top, str(path.relative_to(ROOT)))
    assert not missing, f"imported but not pinned in requirements.txt: {missing}"
