"""The graphical model: a junction tree of cliques fitted to noisy marginals by mirror descent.

It gives exact marginals across cliques and samples forward with rounded or herded counts. Post-processing
only: it reads nothing but noisy measurements.
"""
