"""Data: the public schema and reading and fingerprinting of source files.

The schema (privsynth's format or a NIST data dictionary) declares domains, nullability and relations;
everything above takes domains from here, never from the private data.
"""
