"""The suite runs offline: sockets to other machines fail, in this process and in the kernels it starts."""

import os
import socket
import subprocess
import sys

import pytest

from ragft.course.offline import NetworkBlockedError, is_online, network_blocked


def test_network_is_blocked_in_tests():
    assert network_blocked()
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_opening_a_socket_to_another_machine_fails():
    with pytest.raises(NetworkBlockedError, match="blocked"):
        socket.create_connection(("example.com", 80), timeout=1)
    with pytest.raises(NetworkBlockedError):
        socket.socket().connect(("93.184.216.34", 80))
    assert not is_online()


def test_loopback_stays_open():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=1):
        pass
    server.close()


def test_child_processes_are_offline_too():
    # Notebook kernels are child processes that inherit PYTHONPATH and so load tests/offline_site/sitecustomize.py.
    code = "import socket\ntry:\n    socket.create_connection(('example.com', 443), timeout=1)\nexcept ConnectionError as e:\n    print(type(e).__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=60)
    assert out.stdout.strip() == "NetworkBlockedError", out.stderr
