"""DP tabular mechanisms: generators that declare their event before reading, measure with calibrated noise,
select (exponential mechanism), fit the graphical model and sample. Each registers with the generator registry.
"""
