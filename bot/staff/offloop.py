"""Staff work runs beside the event loop that relays the residents' chat, never on it.

Two small pools of their own: argon2 (about 0.2 s of CPU and 64 MiB per check) and the
dashboard's queries and chart. Not the loop's default executor, which aiohttp's resolver
shares: a login flood must not take the threads the chat relay needs, nor more than a core.
"""
from __future__ import annotations

import asyncio
import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

Result = TypeVar("Result")
BACKGROUND_NICENESS = 10


def _yield_the_cpu() -> None:
    # On Linux a thread has its own nice value, inherited by the threads argon2 starts for its
    # lanes: when the two compete for a core, the loop answering residents goes first.
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError):
        pass


def _pool(variable: str, default: int, name: str) -> ThreadPoolExecutor:
    size = max(1, int(os.environ.get(variable, str(default))))
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix=name, initializer=_yield_the_cpu)


HASHING = _pool("STAFF_HASH_THREADS", 1, "staff-argon2")
QUERIES = _pool("STAFF_QUERY_THREADS", 2, "staff-query")
# Checks waiting for the argon2 pool beyond this are refused at once: a flood then costs a
# queue of bounded length, and a real login still gets its turn within a few seconds.
MAX_WAITING_CHECKS = int(os.environ.get("STAFF_MAX_WAITING_LOGINS", "8"))


async def in_pool(pool: ThreadPoolExecutor, function: Callable[..., Result], *args, **kwargs) -> Result:
    return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(function, *args, **kwargs))


async def hashing(function: Callable[..., Result], *args, **kwargs) -> Result:
    return await in_pool(HASHING, function, *args, **kwargs)


async def querying(function: Callable[..., Result], *args, **kwargs) -> Result:
    return await in_pool(QUERIES, function, *args, **kwargs)
