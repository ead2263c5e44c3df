"""A Redis lock store whose waiting messages survive a replica that died holding a ticket.

Rasa's ticket lock serves tickets in order and lets expired ones go. When a replica is
killed mid-message, its ticket expires; if the next message's own ticket expires in the
same second (the waiter polls once a second), no live ticket is left and Rasa's waiter
loops until the HTTP request times out. Here a waiter that finds no live ticket at all
goes ahead: nobody else is serving that conversation.
"""
from __future__ import annotations

import asyncio
from typing import Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class ResilientRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket) or lock.now_serving == 0:
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)
