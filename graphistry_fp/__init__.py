"""graphistry_fp."""
