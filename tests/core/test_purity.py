"""Purity (DESIGN.md 2, STYLE.md habit 1): ``graphistry_fp.core``, ``graphistry_fp.effects``
and the façade load no networking module, and planning and dry runs work with sockets
disabled.

pandas and pyarrow import ``socket`` themselves, so for ``socket`` (and ``ssl``, ``select``)
the test compares with a baseline subprocess that imports only our dependencies (pandas,
pyarrow, attrs, pyrsistent): what we add on top must be nothing. ``requests``, ``urllib3``
and ``http.client`` must not be loaded at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

NEVER = ["requests", "urllib3", "http.client", "httpx", "h11", "aiohttp"]
NOT_ADDED = ["socket", "ssl", "select", "selectors", "asyncio", "http", "urllib.request", "email"]
WATCHED = NEVER + NOT_ADDED


def loaded_after(imports: str) -> dict[str, bool]:
    """Which watched modules a fresh interpreter has loaded after running ``imports``."""
    code = textwrap.dedent(
        f"""
        import json, sys
        {imports}
        print(json.dumps({{m: m in sys.modules for m in {WATCHED!r}}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    result: dict[str, bool] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def baseline() -> dict[str, bool]:
    return loaded_after("import pandas, pyarrow, pyarrow.compute, attrs, pyrsistent")


@pytest.mark.parametrize(
    "imports",
    [
        "import graphistry_fp.core",
        "import graphistry_fp.effects",
        "import graphistry_fp.core, graphistry_fp.effects",
        "import graphistry_fp",
        "import graphistry_fp as g; g.DryRunClient; g.Plottable; g.PlotPlan",
    ],
)
def test_imports_load_no_network_module(baseline: dict[str, bool], imports: str) -> None:
    """Importing the pure half (and the façade, whose clients load lazily) loads none of
    requests/urllib3/http.client, and no socket-using module beyond what pandas and
    pyarrow load by themselves."""
    after = loaded_after(imports)
    assert [] == [m for m in NEVER if after[m]]
    assert [] == [m for m in NOT_ADDED if after[m] and not baseline[m]]


NO_SOCKETS = textwrap.dedent(
    """
    import socket

    class NoNetwork(Exception):
        pass

    def refuse(*args, **kwargs):
        raise NoNetwork("a socket was opened")

    socket.socket = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    socket.socketpair = refuse

    import pandas as pd
    import graphistry_fp as graphistry
    from tests.core.golden_cases import CASES

    urls = []
    for case in CASES:
        g = case.build(graphistry).privacy(mode="organization").settings(url_params={"play": 0})
        plan = g.plan()
        client = graphistry.DryRunClient()
        result = client.run(plan)
        assert len(client.performed) == len(plan.steps)
        urls.append(result.url)
    with graphistry.using(graphistry.DryRunClient()):
        urls.append(graphistry.edges(pd.DataFrame({"s": ["a"], "d": ["b"]}), "s", "d").plot(render="url"))
    print(len(urls))
    """
)


def test_plan_and_dry_run_work_with_sockets_disabled() -> None:
    """With ``socket.socket``/``create_connection``/``getaddrinfo`` replaced by functions
    that raise, every golden chain still plans and dry-runs (and ``plot()`` through a
    dry-run client returns its URL)."""
    from tests.core.golden_cases import CASES

    done = subprocess.run(
        [sys.executable, "-c", NO_SOCKETS], cwd=REPO, capture_output=True, text=True
    )
    assert 0 == done.returncode, done.stderr
    assert str(len(CASES) + 1) == done.stdout.strip()


def test_plan_works_with_sockets_disabled_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, in this process, through monkeypatch (a fixture-level guard)."""
    import socket

    import graphistry_fp as graphistry
    from tests.core.golden_cases import CASES

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    client = graphistry.DryRunClient()
    for case in CASES:
        client.run(case.build(graphistry).plan())
    assert len(CASES) == len([e for e in client.performed if type(e).__name__ == "CreateDataset"])
