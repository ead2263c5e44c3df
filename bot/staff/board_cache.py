"""Dashboards kept for a minute, and computed once for everyone asking for the same view.

A page and its chart, or four staff on the same figures, then cost one set of queries. Safe
to keep: only finished weeks are shown, and those change only when a late event lands (the
spool after a database outage), which then shows within the minute.
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Callable, Dict, Hashable, Tuple

from bot.staff.offloop import querying
from bot.staff.statistics import Board

SIZE = 32


class BoardCache:
    def __init__(self, lifetime: float, size: int = SIZE) -> None:
        self.lifetime = lifetime
        self.size = size
        self._kept: "OrderedDict[Hashable, Tuple[float, Board]]" = OrderedDict()
        self._running: Dict[Hashable, asyncio.Future] = {}

    async def get(self, key: Hashable, compute: Callable[[], Board]) -> Board:
        kept = self._kept.get(key)
        if kept and time.monotonic() - kept[0] < self.lifetime:
            self._kept.move_to_end(key)
            return kept[1]
        running = self._running.get(key)
        if running is None:
            running = asyncio.ensure_future(querying(compute))
            self._running[key] = running
            running.add_done_callback(lambda future: self._finished(key, future))
        # Shielded: one staff member closing the page does not cancel it for the others.
        return await asyncio.shield(running)

    def _finished(self, key: Hashable, future: asyncio.Future) -> None:
        self._running.pop(key, None)
        if future.cancelled() or future.exception() is not None:
            return
        self._kept[key] = (time.monotonic(), future.result())
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
