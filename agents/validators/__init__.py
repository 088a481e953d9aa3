"""Validator agents: measure a synthetic table (``tabular``) or corpus (``text``) against the real data.

Their numbers read the real data and are not differentially private: they are for the data owner, in the
run's 0600 report, and the release policy (:mod:`privsynth.policies.release`) turns them into a verdict.
"""
