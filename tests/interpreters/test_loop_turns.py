"""Fair turns: runs on one loop share a budget of loop time per turn (interpreters/loop_turns)."""

from __future__ import annotations

import asyncio
import time

from graphistry_fp.interpreters.loop_turns import TURN_BUDGET_S, fair_turn

STEP_S = 0.001


def _busy(seconds: float) -> None:
    ends = time.perf_counter() + seconds
    while time.perf_counter() < ends:
        pass


class _Turns:
    """Counts the running loop's turns (a callback that reschedules itself each turn)."""

    def __init__(self) -> None:
        self.turn = 0
        self._stop = False
        asyncio.get_running_loop().call_soon(self._tick)

    def _tick(self) -> None:
        self.turn += 1
        if not self._stop:
            asyncio.get_running_loop().call_soon(self._tick)

    def stop(self) -> None:
        self._stop = True


async def _wave(tasks: int) -> list[int]:
    """``tasks`` steps of 1 ms started together; the loop turn each one ran in."""
    turns = _Turns()
    ran: list[int] = []

    async def step() -> None:
        await fair_turn()
        ran.append(turns.turn)
        _busy(STEP_S)

    await asyncio.gather(*(step() for _ in range(tasks)))
    turns.stop()
    return ran


#: The most 1 ms steps one turn may hold: the budget's worth, plus the one that crosses it.
MOST_PER_TURN = round(TURN_BUDGET_S / STEP_S) + 1


def _check_spread(ran: list[int], steps: int) -> None:
    per_turn: dict[int, int] = {}
    for turn in ran:
        per_turn[turn] = per_turn.get(turn, 0) + 1
    assert len(ran) == steps
    assert max(per_turn.values()) <= MOST_PER_TURN
    assert len(per_turn) >= steps // MOST_PER_TURN


def test_a_wave_of_steps_is_spread_over_turns() -> None:
    """50 steps of 1 ms ready at once do not all run in one turn: once a turn's steps took
    the budget, the rest wait for later turns (every step still runs)."""
    _check_spread(asyncio.run(_wave(50)), 50)


def test_loops_keep_their_own_turns() -> None:
    """Two loops in two threads each spread their own wave: one loop's turn never makes the
    other's steps wait (the budget is per loop)."""
    import threading

    results: list[list[int]] = []

    def run() -> None:
        results.append(asyncio.run(_wave(20)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    for ran in results:
        _check_spread(ran, 20)


def test_a_lone_step_does_not_wait() -> None:
    """One step on a quiet loop runs in the turn it asked in (no extra turn per request):
    the turn counter's first tick and the step share the loop's first turn."""
    assert asyncio.run(_wave(1)) == [1]


def test_a_wave_of_aplot_calls_builds_its_plans_over_several_turns() -> None:
    """``aplot()`` awaits the interpreters' turn gate before building its plan, so 300 plots
    started together do not build all their plans (tens of milliseconds) in one turn."""
    import pandas as pd

    import graphistry_fp as graphistry
    from graphistry_fp.core.roots import installed_turn_gate

    assert fair_turn is installed_turn_gate()
    ran: list[int] = []

    async def main() -> None:
        turns = _Turns()

        class Recording(graphistry.DryRunClient):
            async def arun(self, plan: graphistry.PlotPlan) -> graphistry.PlotResult:
                ran.append(turns.turn)
                return await super().arun(plan)

        g = graphistry.client(Recording()).edges(
            pd.DataFrame({"s": [1, 2], "d": [2, 3]}), "s", "d"
        )
        await asyncio.gather(*(g.name(f"p{i}").aplot() for i in range(300)))
        turns.stop()

    asyncio.run(main())
    assert 300 == len(ran)
    assert len(set(ran)) > 1
