"""Tools: PII scrubber, DP tabular synthesizers, DP text LM, metrics."""
