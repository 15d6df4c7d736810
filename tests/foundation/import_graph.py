"""The import graph of ``sentem/``, read from the source (AST), for the layer rules of issue 12.

Every import statement is found — at module level, inside functions, ``import a.b``,
``from .x import y``, ``from . import submodule`` — and resolved to the sentem modules
it loads; each module belongs to a top-level package (``sentem/orders/…`` → ``orders``,
``sentem/clock.py`` → ``clock``, ``sentem/__init__.py`` → ``sentem``) and each package
to a layer. Counts are of import *statements*, not imported names. Used by
``tests/foundation/test_architecture.py`` and ``scripts/import-report``.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from .import_time import import_time_registrations
from .package_cycles import count_cycles, shortest_cycle, strongly_connected  # noqa: F401  (re-exported)

ROOT = Path(__file__).resolve().parents[2]
TOP = "sentem"

# Lowest first; a package may import its own layer or a lower one, never a higher one.
# "ground", "ground services" and "privacy core" are exactly the modules DESIGN.md names; the
# other top-level helper modules sit above the core, so the ground and the core cannot lean on them.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("ground", frozenset({"clock", "config", "extensions", "db_types", "security"})),
    ("ground services", frozenset({"jobs", "notify"})),
    ("privacy core", frozenset({"privacy"})),
    ("helpers", frozenset({"i18n", "safe_next", "inputs", "health", "init_steps", "pgsandbox", "formats",
                           "korean"})),
    ("staff", frozenset({"staff"})),  # the staff guard/permissions: the lowest feature
    ("features", frozenset({"accounts", "shop", "orders", "delivery", "myinfo", "statistics", "support",
                            "policy"})),
    ("edges", frozenset({"admin", "cli", "web", TOP})),
)
RANK = {pkg: rank for rank, (_, pkgs) in enumerate(LAYERS) for pkg in pkgs}
LAYER_NAME = {pkg: name for name, pkgs in LAYERS for pkg in pkgs}
# Upward imports from these layers fail the test outright (issue 12, "done when").
STRICT_LAYERS = ("ground", "ground services", "privacy core")

@dataclass(frozen=True)
class Import:
    """One import statement of a sentem module and the sentem modules it loads."""

    module: str  # the importing module, dotted
    path: str  # relative file path
    line: int
    in_function: bool
    targets: tuple[str, ...]  # dotted sentem modules loaded by the statement

    @property
    def package(self) -> str:
        return top_package(self.module)

    @property
    def target_packages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(top_package(t) for t in self.targets))

    @property
    def cross(self) -> tuple[str, ...]:
        """The other top-level packages this statement imports."""
        return tuple(p for p in self.target_packages if p != self.package)

    @property
    def upward(self) -> tuple[str, ...]:
        """Packages of a higher layer (or of no layer) this statement imports."""
        mine = RANK.get(self.package, -1)
        return tuple(p for p in self.cross if RANK.get(p, len(LAYERS)) > mine)

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Graph:
    modules: dict[str, Path]
    imports: list[Import]
    side_effects: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, what)

    # -- the package graph -------------------------------------------------------------
    def packages(self) -> set[str]:
        return {top_package(m) for m in self.modules}

    def edges(self) -> dict[tuple[str, str], list[Import]]:
        """(importer package, imported package) -> the statements behind that arrow."""
        out: dict[tuple[str, str], list[Import]] = {}
        for imp in self.imports:
            for pkg in imp.cross:
                out.setdefault((imp.package, pkg), []).append(imp)
        return out

    def adjacency(self) -> dict[str, set[str]]:
        adj: dict[str, set[str]] = {p: set() for p in self.packages()}
        for a, b in self.edges():
            adj.setdefault(a, set()).add(b)
            adj.setdefault(b, set())
        return adj

    def cyclic_components(self) -> list[list[str]]:
        """Strongly connected components with more than one package (Tarjan)."""
        return [sorted(c) for c in strongly_connected(self.adjacency()) if len(c) > 1]

    def cycle_count(self, limit: int = 100_000) -> int:
        """Distinct elementary cycles between packages (capped at ``limit``)."""
        return count_cycles(self.adjacency(), limit)

    # -- counts ------------------------------------------------------------------------
    def cross_statements(self) -> list[Import]:
        return [i for i in self.imports if i.cross]

    def function_level_cross(self) -> list[Import]:
        return [i for i in self.imports if i.in_function and i.cross]

    def upward(self, layers: tuple[str, ...] | None = None) -> list[Import]:
        return [i for i in self.imports if i.upward
                and (layers is None or LAYER_NAME.get(i.package) in layers)]

    def unlayered(self) -> list[str]:
        return sorted(p for p in self.packages() if p not in RANK)

    def report(self) -> dict[str, int]:
        """The numbers quoted in notes: statements, upward, cycles, function-level."""
        return {
            "import statements (sentem → sentem)": len(self.imports),
            "cross-package import statements": len(self.cross_statements()),
            "upward from ground and privacy core": len(self.upward(STRICT_LAYERS)),
            "upward in all": len(self.upward()),
            "package arrows": len(self.edges()),
            "packages in cycles": sum(len(c) for c in self.cyclic_components()),
            "package cycles (elementary)": self.cycle_count(),
            "function-level cross-package imports": len(self.function_level_cross()),
            "import-time registrations": len(self.side_effects),
        }


def top_package(module: str) -> str:
    parts = module.split(".")
    return TOP if len(parts) == 1 else parts[1]


def load(root: Path = ROOT) -> Graph:
    """Parse every module under ``root/sentem`` into a :class:`Graph`."""
    modules: dict[str, Path] = {}
    for path in sorted((root / TOP).rglob("*.py")):
        rel = path.relative_to(root).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    graph = Graph(modules=modules, imports=[])
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        visitor = _Visitor(module, path.name == "__init__.py", str(path.relative_to(root)), modules)
        visitor.visit(tree)
        graph.imports.extend(visitor.imports)
        graph.side_effects.extend(import_time_registrations(tree, str(path.relative_to(root)),
                                                             visitor.sentem_names))
    return graph


class _Visitor(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, path: str, modules: dict[str, Path]):
        self.module, self.path, self.modules = module, path, modules
        self.package = module if is_package else module.rpartition(".")[0]
        self.depth = 0  # >0 inside a function body
        self.imports: list[Import] = []
        self.sentem_names: set[str] = set()  # module-level names bound by sentem imports

    def _function(self, node):
        for dec in node.decorator_list:
            self.visit(dec)
        self.visit(node.args)
        self.depth += 1
        for stmt in node.body:
            self.visit(stmt)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def visit_Import(self, node: ast.Import):
        targets = []
        for alias in node.names:
            if alias.name == TOP or alias.name.startswith(TOP + "."):
                targets.append(alias.name)
                if self.depth == 0:
                    self.sentem_names.add(alias.asname or alias.name.split(".")[0])
        self._add(node, targets)

    def visit_ImportFrom(self, node: ast.ImportFrom):
        if node.level:
            base_parts = self.package.split(".")
            base_parts = base_parts[: len(base_parts) - (node.level - 1)]
            base = ".".join(base_parts + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        if base != TOP and not base.startswith(TOP + "."):
            return
        targets = []
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            targets.append(candidate if candidate in self.modules else base)
            if self.depth == 0:
                self.sentem_names.add(alias.asname or alias.name)
        self._add(node, targets)

    def _add(self, node, targets):
        if targets:
            self.imports.append(Import(self.module, self.path, node.lineno, self.depth > 0,
                                       tuple(dict.fromkeys(targets))))
