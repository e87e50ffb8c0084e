"""The data dir at start: private to its owner, and rid of uploads a kill cut short.

The directory holds the token-signing secret and the password hashes (``server.sqlite3``)
and every uploaded table, so it is ``0700`` (created so, or tightened if it exists) and
the files in it are ``0600``, whatever the process umask. Bodies being received live in
``tmp/`` until they are checked and renamed into place; a server killed mid-upload leaves
its scratch file behind, and the next start removes it (no request can be using it then).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
TMP_DIR_NAME = "tmp"


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and its parents) if missing; the directory itself gets 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)


def prepare_data_dir(data_dir: Path) -> None:
    """Make ``data_dir`` private and empty its scratch directory."""
    make_private_dir(data_dir)
    tmp = data_dir / TMP_DIR_NAME
    if tmp.is_dir():
        shutil.rmtree(tmp, ignore_errors=True)
    make_private_dir(tmp)
