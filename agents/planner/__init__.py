"""The planner agent: a request (a sentence or a typed call) becomes a typed plan.

``plan`` holds the ``Plan`` model, ``parse`` the offline reader of a request's parts, and ``planner`` the
planner, which uses an LLM through structured output when one is configured.
"""
