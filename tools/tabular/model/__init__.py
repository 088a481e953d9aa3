"""The graphical model: a junction tree of cliques fitted to noisy marginals by mirror descent, exact
marginals across cliques, and forward sampling with rounded or herded counts. Post-processing only: it reads
nothing but noisy measurements.
"""
