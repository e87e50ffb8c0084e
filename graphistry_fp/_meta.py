"""Version and agent identity, sent in every dataset's metadata."""

__version__ = "0.1.0"
AGENT_NAME = "graphistry_fp"
# A fixed tag rather than pygraphistry's machine fingerprint (md5 of hostname and MAC):
# the server learns which library uploaded, not which machine.
USERTAG = f"{AGENT_NAME}-{__version__}"
