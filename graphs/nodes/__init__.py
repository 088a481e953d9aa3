"""The graph's nodes: the shared ones (plan, budget gate, reviews, release) and one branch per modality
(``table``, ``text``: prepare, scrub, generate, validate). Each node returns a partial state update.
"""
