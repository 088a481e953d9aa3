"""Data: the public schema (domains, nullability, relations; privsynth's format or a NIST data dictionary)
and reading and fingerprinting of source files. Everything above it takes domains from here, never from
the private data.
"""
