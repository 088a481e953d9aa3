"""Graphs: state, nodes, wiring (build_graph) and the public API."""
