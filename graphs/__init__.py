"""Graphs: state, nodes, wiring (``build_graph``) and the public API."""

from privsynth.graphs.build import build_graph

__all__ = ["build_graph"]
