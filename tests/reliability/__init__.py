"""Reliability and security: races, faults, bad input, fuzzing, secrets (issue 8)."""
