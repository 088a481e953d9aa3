"""Encoding between a table and the model's codes, from the public schema only.

Discretisation, the DP compression of fine bins into model groups, within-group shapes, heaping,
structural zeros and rank coupling.
"""
