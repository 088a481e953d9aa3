"""The planner agent: the typed ``Plan``, the offline reader of a request's parts (``parse``) and the
planner that turns a sentence into a plan, with an LLM through structured output when one is configured.
"""
