"""The graph's nodes, each returning a partial state update.

Shared: ``shared`` (plan, budget gate), ``review`` (human checkpoints), ``release``. One branch per modality:
``table`` and ``text`` (prepare, scrub, generate, validate).
"""
