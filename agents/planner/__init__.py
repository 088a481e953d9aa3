"""The planner agent: a request (a sentence or a typed call) becomes a typed plan.

``plan`` holds the ``Plan`` model; the offline reader is one module per part of a request (``paths``,
``numbers``, ``privacy``, ``rows``, ``pii_words``, ``columns``, ``intent``, ``header``) run in order by
``parse``; ``choice`` explains the generator; ``llm`` and ``grounding`` plan with an LLM through structured
output; ``planner`` picks between them.
"""
