"""The citation graph: GraphML and GEXF for Gephi, and a drawing as inline SVG.

The XML is written with ``xml.etree`` (which escapes), with the characters XML 1.0
forbids removed first: article text can hold stray control characters. The SVG is a
layered drawing: documents in the first column, what they cite in the next, what those
cite after, so a chain doc → the Journal → Interfax → Mizintsev reads left to right.
Nodes in a column are ordered by the mean position of their neighbours (two sweeps of
the barycenter heuristic), which untangles most crossings at no cost.
"""

from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..files import write_atomic

__all__ = [
    "CitationGraph",
    "Edge",
    "Node",
    "load_graph",
    "render_svg",
    "write_gexf",
    "write_graphml",
]

_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

TYPE_COLOURS = {
    "document": "#3b3b3b", "outlet": "#e45756", "person": "#54a24b", "anonymous": "#b279a2",
    "government": "#4c78a8", "military": "#72b7b2", "intelligence": "#9d755d",
    "social-post": "#f58518", "group": "#eeca3b", "organization": "#ff9da6",
}
BASIS_COLOURS = {"explicit": "#4c78a8", "credit": "#f58518", "inferred": "#9a9a9a"}


@dataclass
class Node:
    key: str
    label: str
    type: str
    title: str | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    basis: str
    weight: int


@dataclass
class CitationGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def load_graph(con: duckdb.DuckDBPyConnection) -> CitationGraph:
    """The graph of ``link_citations`` (documents get their title and outlet)."""
    graph = CitationGraph()
    for fk, fname, ftype, tk, tname, ttype, basis, weight in con.execute(
        "SELECT from_key, from_name, from_type, to_key, to_name, to_type, basis, weight "
        "FROM link_citations ORDER BY from_key, to_key, basis"
    ).fetchall():
        graph.nodes.setdefault(fk, Node(fk, fname or fk, ftype or "other"))
        graph.nodes.setdefault(tk, Node(tk, tname or tk, ttype or "other"))
        graph.edges.append(Edge(fk, tk, basis, int(weight)))
    for doc_id, title, outlet in con.execute("SELECT doc_id, title, outlet FROM documents").fetchall():
        node = graph.nodes.get("doc:" + doc_id)
        if node is not None:
            node.title, node.outlet = title, outlet
    return graph


def _clean(value: object) -> str:
    return _XML_BAD.sub("", str(value))


def _atomic_write_xml(root: ET.Element, path: str | Path) -> None:
    ET.indent(root)
    write_atomic(path, lambda fh: ET.ElementTree(root).write(fh, encoding="utf-8", xml_declaration=True))


def write_graphml(graph: CitationGraph, path: str | Path) -> None:
    """GraphML (directed) with node label/type/title/outlet and edge basis/weight."""
    root = ET.Element("graphml", {"xmlns": "http://graphml.graphdrawing.org/xmlns"})
    for key, target, typ in (
        ("label", "node", "string"), ("type", "node", "string"), ("key", "node", "string"),
        ("title", "node", "string"), ("outlet", "node", "string"),
        ("basis", "edge", "string"), ("weight", "edge", "double"),
    ):
        ET.SubElement(root, "key", {"id": key, "for": target, "attr.name": key, "attr.type": typ})
    g = ET.SubElement(root, "graph", {"id": "citations", "edgedefault": "directed"})
    ids = {key: f"n{i}" for i, key in enumerate(graph.nodes)}
    for key, node in graph.nodes.items():
        el = ET.SubElement(g, "node", {"id": ids[key]})
        for name, value in (("label", node.label), ("type", node.type), ("key", key),
                            ("title", node.title), ("outlet", node.outlet)):
            if value is not None:
                ET.SubElement(el, "data", {"key": name}).text = _clean(value)
    for i, edge in enumerate(graph.edges):
        el = ET.SubElement(g, "edge", {"id": f"e{i}", "source": ids[edge.source], "target": ids[edge.target]})
        ET.SubElement(el, "data", {"key": "basis"}).text = edge.basis
        ET.SubElement(el, "data", {"key": "weight"}).text = str(float(edge.weight))
    _atomic_write_xml(root, path)


def write_gexf(graph: CitationGraph, path: str | Path) -> None:
    """GEXF 1.3 (Gephi's own format), directed, with node type/outlet and edge basis."""
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "sourcetrace"
    ET.SubElement(meta, "description").text = "citation graph: who relays whom"
    g = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    node_attrs = ET.SubElement(g, "attributes", {"class": "node"})
    for i, name in enumerate(("type", "outlet", "title")):
        ET.SubElement(node_attrs, "attribute", {"id": str(i), "title": name, "type": "string"})
    edge_attrs = ET.SubElement(g, "attributes", {"class": "edge"})
    ET.SubElement(edge_attrs, "attribute", {"id": "0", "title": "basis", "type": "string"})
    nodes = ET.SubElement(g, "nodes")
    ids = {key: f"n{i}" for i, key in enumerate(graph.nodes)}
    for key, node in graph.nodes.items():
        el = ET.SubElement(nodes, "node", {"id": ids[key], "label": _clean(node.label)})
        values = ET.SubElement(el, "attvalues")
        for i, value in enumerate((node.type, node.outlet, node.title)):
            if value is not None:
                ET.SubElement(values, "attvalue", {"for": str(i), "value": _clean(value)})
    edges = ET.SubElement(g, "edges")
    for i, edge in enumerate(graph.edges):
        el = ET.SubElement(edges, "edge", {"id": f"e{i}", "source": ids[edge.source],
                                           "target": ids[edge.target], "weight": str(float(edge.weight))})
        values = ET.SubElement(el, "attvalues")
        ET.SubElement(values, "attvalue", {"for": "0", "value": edge.basis})
    _atomic_write_xml(root, path)


# -- drawing -----------------------------------------------------------------------------


def _top_nodes(graph: CitationGraph, max_nodes: int) -> set[str]:
    if len(graph.nodes) <= max_nodes:
        return set(graph.nodes)
    degree: dict[str, int] = defaultdict(int)
    for e in graph.edges:
        degree[e.source] += e.weight
        degree[e.target] += e.weight
    ranked = sorted(graph.nodes, key=lambda k: (-degree[k], k))
    return set(ranked[:max_nodes])


def _layers(keys: set[str], edges: list[Edge]) -> dict[str, int]:
    """Depth of each node: documents 0, then breadth-first along the edges."""
    succ: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        succ[e.source].append(e.target)
    depth = {k: 0 for k in keys if k.startswith("doc:")}  # articles, not cited "documents"
    if not depth:  # no document drawn: start from nodes nobody cites
        targets = {e.target for e in edges}
        depth = {k: 0 for k in keys if k not in targets} or {min(keys): 0}
    queue = deque(depth)
    while queue:
        k = queue.popleft()
        for t in succ[k]:
            if t not in depth:
                depth[t] = depth[k] + 1
                queue.append(t)
    for k in keys:
        depth.setdefault(k, 1)
    return depth


def render_svg(graph: CitationGraph, *, max_nodes: int = 120) -> str:
    """An inline ``<svg>`` of the citation graph (the ``max_nodes`` best connected nodes)."""
    keys = _top_nodes(graph, max_nodes)
    edges = [e for e in graph.edges if e.source in keys and e.target in keys and e.source != e.target]
    if not keys:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40" role="img"><text x="10" y="25">no citations</text></svg>'
    depth = _layers(keys, edges)
    layers: dict[int, list[str]] = defaultdict(list)
    for k in sorted(keys, key=lambda k: (graph.nodes[k].label.lower(), k)):
        layers[depth[k]].append(k)
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        preds[e.target].append(e.source)
        succs[e.source].append(e.target)
    order = {k: i for layer in layers.values() for i, k in enumerate(layer)}
    n_layers = max(layers) + 1
    for _ in range(2):
        for d in range(1, n_layers):
            layer = layers.get(d, [])
            layer.sort(key=lambda k: _mean([order[p] for p in preds[k]], order[k]))
            order.update({k: i for i, k in enumerate(layer)})
        for d in range(n_layers - 2, -1, -1):
            layer = layers.get(d, [])
            layer.sort(key=lambda k: _mean([order[s] for s in succs[k]], order[k]))
            order.update({k: i for i, k in enumerate(layer)})
    row_h, col_w, margin, label_w = 22, 270, 20, 230
    tallest = max(len(layer) for layer in layers.values())
    height = margin * 2 + tallest * row_h + 30
    left = 200  # the first column's labels go left of their nodes, clear of the edges
    width = margin * 2 + left + (n_layers - 1) * col_w + label_w
    pos: dict[str, tuple[float, float]] = {}
    for d, layer in layers.items():
        offset = (tallest - len(layer)) * row_h / 2
        for i, k in enumerate(layer):
            pos[k] = (margin + left + d * col_w, margin + 30 + offset + i * row_h)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="citation graph" font-family="sans-serif" font-size="11">',
        "<defs>",
    ]
    for basis, colour in BASIS_COLOURS.items():
        out.append(
            f'<marker id="arrow-{basis}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    legend_x = margin
    for basis, colour in BASIS_COLOURS.items():
        out.append(f'<line x1="{legend_x}" y1="{margin}" x2="{legend_x + 24}" y2="{margin}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{legend_x + 28}" y="{margin + 4}">{html.escape(basis)}</text>')
        legend_x += 100
    for e in edges:
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        colour = BASIS_COLOURS.get(e.basis, "#999")
        dash = ' stroke-dasharray="4 3"' if e.basis == "inferred" else ""
        w = 1 + math.log(max(e.weight, 1), 2) / 2
        if x2 > x1:
            mid = (x1 + x2) / 2
            d_attr = f"M{x1 + 6:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2 - 7:.1f},{y2:.1f}"
        else:  # same column or backwards: a loop out to the left
            bend = x1 - 40 - abs(y2 - y1) / 4
            d_attr = f"M{x1 - 6:.1f},{y1:.1f} C{bend:.1f},{y1:.1f} {bend:.1f},{y2:.1f} {x2 - 7:.1f},{y2:.1f}"
        title = html.escape(f"{graph.nodes[e.source].label} → {graph.nodes[e.target].label} ({e.basis}, {e.weight})")
        out.append(
            f'<path d="{d_attr}" fill="none" stroke="{colour}" stroke-opacity="0.7" stroke-width="{w:.1f}"{dash} '
            f'marker-end="url(#arrow-{html.escape(e.basis)})"><title>{title}</title></path>'
        )
    for k in keys:
        node = graph.nodes[k]
        x, y = pos[k]
        colour = TYPE_COLOURS.get(node.type, "#bab0ac")
        label = node.label if len(node.label) <= 36 else node.label[:35] + "…"
        full = node.label if not node.title else f"{node.label}: {node.title}"
        full += f" ({node.type})"
        first = depth[k] == 0
        text_x, anchor = (x - 9, ' text-anchor="end"') if first else (x + 9, "")
        out.append(
            f'<g><title>{html.escape(full)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
            f'<text x="{text_x:.1f}" y="{y + 4:.1f}"{anchor}>{html.escape(label)}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _mean(values: list[int], default: int) -> float:
    return sum(values) / len(values) if values else float(default)
