"""Policies: privacy ledger and accountant, budget policy, PII and release policies."""
