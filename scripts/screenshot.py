"""Take the README's screenshot of the viewer: ``python scripts/screenshot.py``.

Starts the local server, plots the demo graph for the demo's tenants (as
``python -m graphistry_fp demo`` does), and has headless Chromium (Debian's ``chromium``
package, /usr/bin/chromium) load the first tenant's viewer URL and save a PNG.

Options: ``--out docs/viewer.png`` (default), ``--tenant 0|1``, ``--size 1200,800``,
``--budget-ms 12000`` (virtual time given to the page to load and lay out the graph).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphistry_fp.demo import TENANTS, plot_tenants  # noqa: E402
from graphistry_fp.server import LocalServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--force-device-scale-factor=1",
)  # fmt: skip


def screenshot(url: str, out: Path, size: str, budget_ms: int) -> None:
    """Save a PNG of ``url`` as headless Chromium renders it after ``budget_ms``."""
    chromium = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="graphistry_fp-chromium-") as profile:
        command = [
            chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
            f"--virtual-time-budget={budget_ms}", f"--screenshot={out}", url,
        ]  # fmt: skip
        subprocess.run(command, check=True, timeout=120, capture_output=True)


def main() -> int:
    """Plot the demo graph and write the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "viewer.png")
    parser.add_argument("--tenant", type=int, default=0, choices=range(len(TENANTS)))
    parser.add_argument("--size", default="1200,800")
    parser.add_argument("--budget-ms", type=int, default=12000)
    args = parser.parse_args()
    with LocalServer(users=[t.user_spec for t in TENANTS]) as server:
        plotted = plot_tenants(server)
        url = plotted[args.tenant][1].url
        screenshot(url, args.out, args.size, args.budget_ms)
    print(f"{args.out}: screenshot of {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
