"""The DP tabular engine, in three layers that import only downwards.

* ``mechanisms`` (AIM, MST, DP marginals): declare the DP event, measure noisy marginals, select, fit, sample;
* ``encoding``: columns to model codes and back (discretisation, DP compression into groups, within-group
  shapes, structural zeros, rank coupling), all from the public schema;
* ``model``: the junction-tree graphical model fitted to noisy marginals, and its samplers.
"""
