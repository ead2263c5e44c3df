"""The staff side's settings, read once from the environment when the app is built, and who
the client is (its address, whether it came over TLS) as far as a trusted proxy vouches."""
from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional, Tuple

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(text: str) -> Tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


@dataclass(frozen=True)
class StaffSettings:
    trusted_proxies: Tuple[Network, ...] = _networks("127.0.0.1/32,::1/128")
    idle_timeout: timedelta = timedelta(minutes=30)
    small_cell_threshold: int = 10
    board_cache_seconds: float = 60.0
    # Addresses and typed names are kept for the throttle only as HMACs under this key, so the
    # database never holds a client's address, nor a password typed into the name field.
    throttle_key: bytes = b""

    @classmethod
    def from_environment(cls) -> "StaffSettings":
        env = os.environ
        return cls(
            trusted_proxies=_networks(env.get("STAFF_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")),
            idle_timeout=timedelta(seconds=int(env.get("STAFF_IDLE_TIMEOUT_SECONDS", "1800"))),
            small_cell_threshold=int(env.get("SMALL_CELL_THRESHOLD", "10")),
            board_cache_seconds=float(env.get("STAFF_BOARD_CACHE_SECONDS", "60")),
            # Without a shared key each process has its own, and replicas do not see each other's
            # counts (docs/DEPLOY.md).
            throttle_key=env.get("STAFF_THROTTLE_KEY", "").encode() or secrets.token_bytes(32),
        )

    def trusts(self, host: Optional[str]) -> bool:
        address = _address(host)
        return address is not None and any(address in network for network in self.trusted_proxies)


def _address(text: Optional[str]):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def _last_hop(request: web.Request, header: str) -> Optional[str]:
    values = ",".join(request.headers.getall(header, []))
    hops = [hop.strip() for hop in values.split(",") if hop.strip()]
    return hops[-1] if hops else None


def client_address(request: web.Request, settings: StaffSettings) -> str:
    """The TCP peer; behind the trusted proxy, the hop that proxy saw (X-Forwarded-For's last
    entry: the ones before it are whatever the client chose to send)."""
    peer = request.remote or ""
    if settings.trusts(peer):
        forwarded = _address(_last_hop(request, "X-Forwarded-For"))
        if forwarded is not None:
            return str(forwarded)
    return peer


def is_https(request: web.Request, settings: StaffSettings) -> bool:
    if request.secure:
        return True
    return settings.trusts(request.remote) and (_last_hop(request, "X-Forwarded-Proto") or "").lower() == "https"
