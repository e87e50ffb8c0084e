"""Side-by-side benchmarks of graphistry_fp against pygraphistry 0.61.2 (a script, not tests)."""
