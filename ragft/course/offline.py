"""Keep the course offline: block every network connection except to this machine.

The test suite calls `block_network()` in its own process and, through `tests/offline_site/sitecustomize.py`,
in every notebook kernel it starts, so a notebook that tries to download something fails loudly.
"""

import ipaddress
import os
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_getaddrinfo = socket.getaddrinfo


class NetworkBlockedError(ConnectionError):
    """Raised when code tries to reach another machine while the course runs offline."""


def _is_local(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(host: object) -> NetworkBlockedError:
    return NetworkBlockedError(
        f"Network access to {host!r} is blocked: the course and its tests run offline. "
        "Everything they need ships in the repository or in an installed package."
    )


def _guarded_connect(self: socket.socket, address, *args, **kwargs):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise _refuse(address[0])
    return _original_connect(self, address, *args, **kwargs)


def _guarded_connect_ex(self: socket.socket, address, *args, **kwargs):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise _refuse(address[0])
    return _original_connect_ex(self, address, *args, **kwargs)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not _is_local(host):
        raise _refuse(host)
    return _original_getaddrinfo(host, *args, **kwargs)


_guarded_connect.blocks_network = True  # how `network_blocked` recognises the guard, whichever copy installed it


def block_network() -> None:
    """Refuse connections and name lookups for any host but this machine; set the hubs' offline flags."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo


def network_blocked() -> bool:
    """True when `block_network()` is in force in this process (also when the tests' sitecustomize, which loads
    this file on its own, installed it)."""
    return getattr(socket.socket.connect, "blocks_network", False)


def is_online(host: str = "huggingface.co", timeout: float = 1.5) -> bool:
    """True when `host` answers on port 443 within `timeout` seconds (False offline or when blocked)."""
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False
