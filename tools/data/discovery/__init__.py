"""DP domain discovery: a schema drafted from a bare table, with a privacy guarantee.

A DP generator needs every column's domain from public metadata. When there is none, a declared share of the
run's budget estimates it, as one dp_accounting event committed to the ledger before the values are read:

* :mod:`.header`: the column names (and duplicate, empty or header-only files), from the header alone;
* :mod:`.profile`: what each cell is (missing, integer, fraction, date, text): measured only through noise;
* :mod:`.histogram`: noisy dense histograms and the stability-based (thresholded) histogram of present values;
* :mod:`.quantile`: DP bounds of a numeric column inside a public clipping range;
* :mod:`.budget`: the discovery's event and the split of the run's (epsilon, delta);
* :mod:`.draft`: the decisions, each column's origin, and the schema a person reviews.
"""
