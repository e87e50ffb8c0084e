"""``python -m graphistry_fp <command>``: a small dispatcher (DESIGN.md section 8).

Each command lives in its own module exposing ``main(argv, prog) -> int``; the module is
imported only when its command runs, so ``serve`` never loads the client stack and
``plot`` never loads the server stack.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command -> (module, one-line help). Add a command by adding a line.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("graphistry_fp.demo", "plot a bundled graph for two tenants on a local server"),
    "plot": ("graphistry_fp.cli_plot", "upload a CSV or Parquet edge file and print its URL"),
    "serve": ("graphistry_fp.server.cli", "run the local Graphistry-compatible server"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch ``argv`` (default ``sys.argv[1:]``) to its command; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m graphistry_fp",
        description="graphistry_fp command line.",
        epilog="\n".join(f"  {name:8} {text}" for name, (_, text) in COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=sorted(COMMANDS), help="the command to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the command's arguments")
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    module_name = COMMANDS[args.command][0]
    module = importlib.import_module(module_name)
    code: int = module.main(args.args, prog=f"python -m graphistry_fp {args.command}")
    return code


if __name__ == "__main__":
    sys.exit(main())
