"""Import-time registration: statements a module runs on import that change state elsewhere.

Part of the layer rules of issue 12 (``test_architecture.py``): registration belongs in
each package's ``init_app``, so that importing a module changes nothing global.
"""
from __future__ import annotations

import ast

# Import-time calls with these names are registration, whoever owns the function.
REGISTERING_NAMES = frozenset({"apply", "init_app", "install", "user_loader"})
REGISTERING_PREFIXES = ("register", "set_", "install_")
# Import-time calls of these methods on a name imported from another sentem module
# change that module's state (``REGISTRY.items.update``, ``schedule.add``, ``health.add``).
MUTATORS = frozenset({"add", "append", "extend", "update", "insert", "setdefault", "pop", "remove",
                      "clear", "discard", "__setitem__"})
# Another module's registry or declarations reached at import time.
SHARED_TABLES = frozenset({"REGISTRY", "DECLARE"})


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


def import_time_registrations(tree: ast.Module, path: str, sentem_names: set[str]):
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
