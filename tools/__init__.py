"""Tools: the implementations the agents and the graph call, each subpackage one concept.

* ``data``: the public schema and file I/O;
* ``tabular``: the DP tabular engine (``mechanisms`` -> ``encoding`` -> ``model``);
* ``textgen``: the DP text language model (DP-SGD on LoRA adapters);
* ``pii``: the PII scanner and scrubber (Presidio with a real spaCy model; not differential privacy);
* ``metrics``: fidelity, utility, privacy and text metrics, and the empirical privacy audit.
"""
