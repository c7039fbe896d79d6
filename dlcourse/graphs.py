"""Drawing small computational graphs: inputs on the left, data flowing right to the output.

The helpers know nothing about any particular node type. ``children(node)``
says which nodes a node was computed from, and ``label(node)`` what to write in
its box, so the same drawing serves a hand-made example and a learner's own
autograd objects (which need not be hashable: nodes are tracked by identity).
"""
from __future__ import annotations

from collections import deque
from typing import Callable, Iterable

from matplotlib.axes import Axes

from dlcourse.i18n import t

LEAF_COLOR = "#dbe9f6"  # inputs and parameters
INNER_COLOR = "#fdf0d5"  # results of an operation
OUTPUT_COLOR = "#f8d7da"  # the node the graph was traced from


def trace(root, children: Callable[[object], Iterable[object]]) -> tuple[list, list]:
    """Every node reachable from ``root`` through ``children``, and each edge once.

    Returns ``(nodes, edges)``: nodes breadth first from the root, edges as
    ``(child, parent)`` pairs (data flows from child to parent). A node used
    twice by the same parent (``x * x``) gives one edge.
    """
    nodes, edges = [root], []
    seen_nodes, seen_edges = {id(root)}, set()
    queue = deque([root])
    while queue:
        node = queue.popleft()
        for child in children(node):
            if (id(child), id(node)) not in seen_edges:
                seen_edges.add((id(child), id(node)))
                edges.append((child, node))
            if id(child) not in seen_nodes:
                seen_nodes.add(id(child))
                nodes.append(child)
                queue.append(child)
    return nodes, edges


def layout(nodes: list, edges: list, sweeps: int = 3) -> dict[int, tuple[float, float]]:
    """Positions keyed by ``id(node)``: column = longest path from an input, rows centred.

    Rows within a column start in the order of ``nodes`` (first at the top) and
    are then re-sorted a few times by the mean row of each node's neighbours in
    the previous column (left to right) and the next (right to left), which
    keeps edges short and crossings few on small graphs.
    """
    column = {id(node): 0 for node in nodes}
    for _ in range(len(nodes)):  # longest-path relaxation; graphs here are small
        changed = False
        for child, parent in edges:
            if column[id(parent)] < column[id(child)] + 1:
                column[id(parent)] = column[id(child)] + 1
                changed = True
        if not changed:
            break
    else:
        raise ValueError(t("the graph has a cycle; a computational graph must be acyclic"))
    inputs_of: dict[int, list[int]] = {id(node): [] for node in nodes}
    users_of: dict[int, list[int]] = {id(node): [] for node in nodes}
    for child, parent in edges:
        inputs_of[id(parent)].append(id(child))
        users_of[id(child)].append(id(parent))
    n_columns = max(column.values()) + 1
    order = [[id(node) for node in nodes if column[id(node)] == col] for col in range(n_columns)]

    def rows() -> dict[int, float]:
        return {key: (len(members) - 1) / 2 - i for members in order for i, key in enumerate(members)}

    def resort(col: int, neighbours: dict[int, list[int]]) -> None:
        row = rows()
        def key(node_key):
            linked = [row[k] for k in neighbours[node_key]]
            return -sum(linked) / len(linked) if linked else -row[node_key]
        order[col].sort(key=key)

    for _ in range(sweeps):
        for col in range(1, n_columns):
            resort(col, inputs_of)
        for col in range(n_columns - 2, -1, -1):
            resort(col, users_of)
    row = rows()
    return {key: (float(column[key]), row[key]) for key in row}


def draw_graph(ax: Axes, nodes: list, edges: list, label: Callable[[object], str],
               note: Callable[[object], str] | None = None, output=None, fontsize: float = 9,
               positions: dict[int, tuple[float, float]] | None = None) -> dict[int, tuple[float, float]]:
    """Draw boxes for ``nodes`` and arrows for ``edges`` (child → parent) on ``ax``.

    ``label(node)`` goes in the box; ``note(node)``, if given, is written in red
    under it (for example the gradient). ``output`` is coloured as the result
    (default: ``nodes[0]``, the root that ``trace`` starts from). ``positions``
    (keyed by ``id(node)``) overrides :func:`layout`. Returns the positions used.
    An edge that skips a column is drawn curved so it does not cross the boxes between.
    """
    positions = layout(nodes, edges) if positions is None else positions
    output = nodes[0] if output is None else output
    boxes = {}
    for node in nodes:
        x, y = positions[id(node)]
        inputs = any(parent is node for _, parent in edges)
        color = OUTPUT_COLOR if node is output else (INNER_COLOR if inputs else LEAF_COLOR)
        boxes[id(node)] = ax.text(x, y, label(node), ha="center", va="center", fontsize=fontsize, zorder=3,
                                  bbox=dict(boxstyle="round,pad=0.4", facecolor=color, edgecolor="0.3"))
        if note is not None:
            ax.annotate(note(node), xy=(0.5, 0.0), xycoords=boxes[id(node)], xytext=(0, -7),
                        textcoords="offset points", ha="center", va="top", fontsize=fontsize - 1,
                        color="crimson", zorder=3)
    for child, parent in edges:
        span = positions[id(parent)][0] - positions[id(child)][0]
        ax.annotate("", xy=(0.0, 0.5), xycoords=boxes[id(parent)], xytext=(1.0, 0.5),
                    textcoords=boxes[id(child)], zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color="0.35", shrinkA=6, shrinkB=6,
                                    connectionstyle=f"arc3,rad={-0.25 if span > 1 else 0.0}"))
    columns = [x for x, _ in positions.values()]
    rows = [y for _, y in positions.values()]
    ax.set_xlim(min(columns) - 0.6, max(columns) + 0.6)
    ax.set_ylim(min(rows) - 0.8, max(rows) + 0.6)
    ax.axis("off")
    return positions
