"""dlcourse.graphs: tracing and drawing small computational graphs."""
from types import SimpleNamespace

import pytest
from matplotlib.figure import Figure

from dlcourse.graphs import draw_graph, layout, trace
from dlcourse.plotting import figure_png


class Unhashable:
    """A node type like a learner's Value that defines __eq__, which makes it unhashable."""

    def __init__(self, name, *inputs):
        self.name, self.inputs = name, inputs

    def __eq__(self, other):
        return NotImplemented

    __hash__ = None


def example():
    """f = (x * y + z) * x, with x used twice."""
    x, y, z = Unhashable("x"), Unhashable("y"), Unhashable("z")
    a = Unhashable("a", x, y)
    b = Unhashable("b", a, z)
    f = Unhashable("f", b, x)
    return f, (x, y, z, a, b)


def test_trace_finds_every_node_and_edge_once():
    f, (x, y, z, a, b) = example()
    nodes, edges = trace(f, lambda n: n.inputs)
    assert [n.name for n in nodes] == ["f", "b", "x", "a", "z", "y"]
    assert {(c.name, p.name) for c, p in edges} == {("b", "f"), ("x", "f"), ("a", "b"), ("z", "b"),
                                                    ("x", "a"), ("y", "a")}
    assert len(edges) == 6
    square = Unhashable("square", x, x)
    nodes, edges = trace(square, lambda n: n.inputs)
    assert len(nodes) == 2 and len(edges) == 1, "x * x has one input node and one edge"


def test_layout_puts_each_node_after_its_inputs():
    f, (x, y, z, a, b) = example()
    nodes, edges = trace(f, lambda n: n.inputs)
    positions = layout(nodes, edges)
    column = {n.name: positions[id(n)][0] for n in nodes}
    assert column == {"x": 0, "y": 0, "z": 0, "a": 1, "b": 2, "f": 3}
    for child, parent in edges:
        assert positions[id(child)][0] < positions[id(parent)][0]
    rows = sorted(positions[id(n)][1] for n in (x, y, z))
    assert rows == [-1.0, 0.0, 1.0], "a column's rows are centred and one apart"


def test_layout_rejects_cycles():
    p = SimpleNamespace(inputs=())
    q = SimpleNamespace(inputs=(p,))
    p.inputs = (q,)
    nodes, edges = trace(q, lambda n: n.inputs)
    with pytest.raises(ValueError, match="cycle"):
        layout(nodes, edges)


def test_draw_graph_draws_a_box_per_node_and_an_arrow_per_edge():
    f, _ = example()
    nodes, edges = trace(f, lambda n: n.inputs)
    figure = Figure()
    ax = figure.add_subplot()
    draw_graph(ax, nodes, edges, label=lambda n: n.name, note=lambda n: f"grad of {n.name}")
    labels = [t.get_text() for t in ax.texts]
    assert sorted(t for t in labels if len(t) == 1) == ["a", "b", "f", "x", "y", "z"]
    assert sum(t.startswith("grad of") for t in labels) == 6
    arrows = [t for t in ax.texts if t.get_text() == "" and t.arrow_patch is not None]
    assert len(arrows) == 6
    assert len(figure_png(figure)) > 1000


def test_draw_graph_accepts_fixed_positions():
    f, (x, y, z, a, b) = example()
    nodes, edges = trace(f, lambda n: n.inputs)
    fixed = {id(n): (float(i), 0.0) for i, n in enumerate([x, y, z, a, b, f])}
    figure = Figure()
    used = draw_graph(figure.add_subplot(), nodes, edges, label=lambda n: n.name, positions=fixed)
    assert used == fixed
    figure_png(figure)
