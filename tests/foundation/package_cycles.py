"""Graph algorithms for the package graph (networkx is not a dependency): Tarjan's strongly
connected components, a count of elementary cycles, and a shortest cycle to show."""
from __future__ import annotations

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
