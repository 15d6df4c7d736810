"""The layers of issue 12, read from the source: what imports what, and what runs on import.

Ground (clock, config, extensions, db_types, i18n, safe_next, inputs, health, init_steps,
security; then jobs, notify) < privacy core < staff < features < edges (admin, cli,
web, create_app). A lower layer never imports a higher one, not even inside a
function; top-level packages import each other in no circle; imports hidden in
functions across packages stay few; nothing registers itself when imported.
``scripts/import-report -v`` prints the same numbers and every offending statement.
"""
from __future__ import annotations

import ast
import textwrap

import pytest

from tests.foundation import import_graph as ig
from tests.foundation import import_time

MAX_FUNCTION_LEVEL = 40  # issue 12: cross-package imports inside functions, in all


@pytest.fixture(scope="module")
def graph() -> ig.Graph:
    """The import graph of sentem/, with its counts printed (``pytest -s`` shows them)."""
    g = ig.load()
    print("\n" + "\n".join(f"{v:6d}  {k}" for k, v in g.report().items()))
    return g


def _lines(imports) -> str:
    return "\n".join(f"  {i.where()}: {i.package} → {', '.join(i.upward or i.cross)}" for i in imports)


def _fail_if(found, message: str) -> None:
    if found:
        pytest.fail(f"{message}:\n{found if isinstance(found, str) else _lines(found)}", pytrace=False)


def test_every_package_has_a_layer(graph):
    _fail_if(", ".join(graph.unlayered()), "top-level packages in no layer (add them to import_graph.LAYERS)")


def test_no_upward_import_from_the_ground_floor_or_the_privacy_core(graph):
    _fail_if(graph.upward(ig.STRICT_LAYERS), "the ground floor or the privacy core imports a higher layer")


def test_no_upward_import_anywhere(graph):
    _fail_if(graph.upward(), "imports that go up a layer")


def test_no_cycle_between_top_level_packages(graph):
    adj = graph.adjacency()
    edges = graph.edges()
    problems = []
    for component in graph.cyclic_components():
        cycle = ig.shortest_cycle(adj, component)
        problems.append(f"cycle {' → '.join(cycle)} (all of: {', '.join(component)})")
        for a, b in zip(cycle, cycle[1:]):
            problems.extend(f"  {a} → {b} at {imp.where()}" for imp in edges[(a, b)][:5])
    _fail_if("\n".join(problems), "top-level packages import each other in a circle")
    assert graph.cycle_count() == 0


def test_few_cross_package_imports_inside_functions(graph):
    hidden = graph.function_level_cross()
    if len(hidden) > MAX_FUNCTION_LEVEL:
        _fail_if(hidden, f"{len(hidden)} cross-package imports inside functions (at most {MAX_FUNCTION_LEVEL})")


def test_no_cross_package_import_hides_in_a_function(graph):
    """Without cycles there is nothing to dodge: imports sit at the top of the module."""
    _fail_if(graph.function_level_cross(),
             "cross-package imports inside functions (move them to the top of the module)")


def test_nothing_registers_itself_on_import(graph):
    _fail_if("\n".join(f"  {path}:{line}: {what}" for path, line, what in graph.side_effects),
             "import-time registration (move it into init_app)")


# -- the rules themselves, on small made-up modules ---------------------------------------

def _registrations(source: str) -> list[str]:
    tree = ast.parse(textwrap.dedent(source))
    visitor = ig._Visitor("sentem.orders.x", False, "x.py", {"sentem.jobs.schedule": None})
    visitor.visit(tree)
    return [what for _, _, what in import_time.import_time_registrations(tree, "x.py", visitor.sentem_names)]


def test_the_registration_rule_catches_import_time_registration_only():
    flagged = _registrations("""
        from ..jobs import schedule
        from ..privacy.registry import REGISTRY, register_item
        from . import records, bp

        DECLARE = records.Declarations()
        DECLARE.item(1)                      # own declarations: recorded, applied in init_app
        schedule.add(app, 1)                 # flagged
        REGISTRY.items.append(2)             # flagged
        REGISTRY.officer = 3                 # flagged
        register_item(4)                     # flagged
        records.DECLARE.item(5)              # flagged
        DECLARE.apply()                      # flagged

        @bp.route("/x")                      # a blueprint records routes until register_blueprint
        def view():
            schedule.add(app, 6)             # inside a function: fine
            DECLARE.apply()

        def init_app(app):
            register_item(7)
    """)
    assert sorted(flagged) == [
        "assigns into another module at import time: REGISTRY.officer",
        "changes another module at import time: REGISTRY.items.append(…)",
        "changes another module at import time: records.DECLARE.item(…)",
        "changes another module at import time: schedule.add(…)",
        "registration at import time: DECLARE.apply(…)",
        "registration at import time: register_item(…)",
    ]


def test_imports_resolve_to_modules_and_packages_inside_functions_too():
    tree = ast.parse(textwrap.dedent("""
        import sentem.clock
        from .. import create_app, clock
        from ..privacy import registry
        from . import models

        def later():
            from ..accounts.services import member_contact
            import sentem.security.fields as f
    """))
    modules = dict.fromkeys(["sentem", "sentem.clock", "sentem.privacy", "sentem.privacy.registry",
                             "sentem.jobs", "sentem.jobs.models", "sentem.accounts.services",
                             "sentem.security.fields"])
    visitor = ig._Visitor("sentem.jobs", True, "sentem/jobs/__init__.py", modules)
    visitor.visit(tree)
    got = [(i.line, i.in_function, i.targets) for i in visitor.imports]
    assert got == [
        (2, False, ("sentem.clock",)),
        (3, False, ("sentem", "sentem.clock")),
        (4, False, ("sentem.privacy.registry",)),
        (5, False, ("sentem.jobs.models",)),
        (8, True, ("sentem.accounts.services",)),
        (9, True, ("sentem.security.fields",)),
    ]
    assert [i.upward for i in visitor.imports] == [(), ("sentem",), ("privacy",), (), ("accounts",), ()]


def test_cycles_are_found_and_counted_by_hand():
    adj = {"a": {"b"}, "b": {"c", "a"}, "c": {"a"}, "d": {"a"}}
    components = sorted(sorted(c) for c in ig.strongly_connected(adj))
    assert components == [["a", "b", "c"], ["d"]]
    assert ig.count_cycles(adj, 100) == 2  # a→b→a and a→b→c→a
    assert ig.shortest_cycle(adj, ["a", "b", "c"]) == ["a", "b", "a"]
