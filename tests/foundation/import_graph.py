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

ROOT = Path(__file__).resolve().parents[2]
TOP = "sentem"

# Lowest first; a package may import its own layer or a lower one, never a higher one.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("ground", frozenset({"clock", "config", "extensions", "db_types", "i18n", "safe_next", "health",
                          "init_steps", "security"})),
    ("ground services", frozenset({"jobs", "notify"})),
    ("privacy core", frozenset({"privacy"})),
    ("staff", frozenset({"staff"})),  # the staff guard/permissions: the lowest feature
    ("features", frozenset({"accounts", "shop", "orders", "delivery", "myinfo", "support", "policy"})),
    ("edges", frozenset({"admin", "cli", "web", TOP})),
)
RANK = {pkg: rank for rank, (_, pkgs) in enumerate(LAYERS) for pkg in pkgs}
LAYER_NAME = {pkg: name for name, pkgs in LAYERS for pkg in pkgs}
# Upward imports from these layers fail the test outright (issue 12, "done when").
STRICT_LAYERS = ("ground", "ground services", "privacy core")

# Owned by another branch of issue 12 (the ``admin`` helper): the self-audit still
# reaches ``admin`` for its charts and report model, and the staff menu fills itself on
# import. Delete each entry when that branch lands (the architecture test fails as soon
# as an entry matches nothing).
PENDING_IMPORTS = frozenset({("sentem/privacy/audit.py", "admin")})
PENDING_REGISTRATIONS = frozenset({"sentem/admin/nav.py"})

# Import-time calls with these names are registration, whoever owns the function.
REGISTERING_NAMES = frozenset({"apply", "init_app", "install", "user_loader"})
REGISTERING_PREFIXES = ("register", "set_", "install_")
# Import-time calls of these methods on a name imported from another sentem module
# change that module's state (``REGISTRY.items.update``, ``schedule.add``, ``health.add``).
MUTATORS = frozenset({"add", "append", "extend", "update", "insert", "setdefault", "pop", "remove",
                      "clear", "discard", "__setitem__"})
# Another module's registry or declarations reached at import time.
SHARED_TABLES = frozenset({"REGISTRY", "DECLARE"})


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

    def without_pending(self) -> "Graph":
        """This graph without what another branch is fixing (``PENDING_*``)."""
        imports = []
        for imp in self.imports:
            kept = tuple(t for t in imp.targets if (imp.path, top_package(t)) not in PENDING_IMPORTS)
            imports.append(Import(imp.module, imp.path, imp.line, imp.in_function, kept))
        return Graph(self.modules, imports, [s for s in self.side_effects if s[0] not in PENDING_REGISTRATIONS])

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
        graph.side_effects.extend(_import_time_registrations(tree, str(path.relative_to(root)),
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


# -- import-time registration ----------------------------------------------------------

def _import_time_nodes(tree: ast.Module):
    """Every AST node evaluated when the module is imported (function bodies excluded)."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.extend(d for d in node.args.defaults + node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _chain(expr: ast.AST) -> list[str]:
    """``a.b[0].c`` → ["a", "b", "c"] (names and attributes, outermost last)."""
    names = []
    while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(expr, ast.Attribute):
            names.append(expr.attr)
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    if isinstance(expr, ast.Name):
        names.append(expr.id)
    return list(reversed(names))


def _import_time_registrations(tree: ast.Module, path: str, sentem_names: set[str]):
    """Import-time statements that register something or change another module's state.

    The rule, applied to everything a module runs when imported (its body, class bodies,
    decorators and default values; not function bodies):

    1. no call of a function or method named like a registration — ``apply``,
       ``init_app``, ``install``, ``user_loader``, ``register*``, ``set_*`` — whoever
       owns it: ``DECLARE.apply()``, ``register_item(...)``, ``set_member_lookup(...)``
       belong in ``init_app``;
    2. no call reaching another sentem module's state: a mutator (``add``, ``append``,
       ``update``, …) on a name imported from sentem (``schedule.add(...)``,
       ``health.add(...)``, ``REGISTRY.items.append(...)``), or anything through another
       module's ``REGISTRY`` or ``DECLARE`` (``records.DECLARE.item(...)``);
    3. no assignment into a name imported from sentem (``consent._lookup = …``,
       ``REGISTRY.items[k] = …``).

    A module's own ``DECLARE.item(...)`` at top level is allowed: it only records the
    declaration in that module until its package's ``init_app`` applies it. Blueprint
    decorators (``@bp.route``) are allowed too: a blueprint records them until
    ``register_blueprint``, which ``init_app`` calls.
    """
    found = []
    for node in _import_time_nodes(tree):
        if isinstance(node, ast.Call):
            chain = _chain(node.func)
            if not chain:
                continue
            imported = chain[0] in sentem_names
            what = f"{ast.unparse(node.func)}(…)"
            if chain[-1] in REGISTERING_NAMES or chain[-1].startswith(REGISTERING_PREFIXES):
                found.append((path, node.lineno, f"registration at import time: {what}"))
            elif imported and (chain[-1] in MUTATORS or SHARED_TABLES & set(chain)):
                found.append((path, node.lineno, f"changes another module at import time: {what}"))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                chain = _chain(target)
                if isinstance(target, (ast.Attribute, ast.Subscript)) and chain and chain[0] in sentem_names:
                    found.append((path, node.lineno, f"assigns into another module at import time: "
                                                     f"{ast.unparse(target)}"))
    return sorted(set(found))


# -- graph algorithms (no networkx here) -----------------------------------------------

def strongly_connected(adj: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(adj):
        if start in index:
            continue
        work = [(start, iter(sorted(adj[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(adj[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def count_cycles(adj: dict[str, set[str]], limit: int) -> int:
    """Elementary cycles: each counted once, from its smallest package (simple DFS)."""
    count = 0
    order = sorted(adj)
    for i, start in enumerate(order):
        allowed = set(order[i:])
        path = [start]
        on_path = {start}
        work = [iter(sorted(adj[start] & allowed))]
        while work:
            nxt = next(work[-1], None)
            if nxt is None:
                work.pop()
                on_path.discard(path.pop())
                continue
            if nxt == start:
                count += 1
                if count >= limit:
                    return count
            elif nxt not in on_path:
                path.append(nxt)
                on_path.add(nxt)
                work.append(iter(sorted(adj[nxt] & allowed)))
    return count


def shortest_cycle(adj: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first package (breadth-first)."""
    start = component[0]
    inside = set(component)
    parents: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        for nxt in sorted(adj[node] & inside):
            if nxt == start:
                path = [node]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])
                return list(reversed(path)) + [start]
            if nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return component
