"""DP tabular mechanisms, each a generator registered with the generator registry.

Each declares its event before reading, measures with calibrated noise, selects (exponential mechanism),
fits the graphical model and samples.
"""
