"""Processes on loopback, for the drill (scripts/cluster.py), the pooler (scripts/pooler.py) and the
tests that start servers of their own."""

import socket


def free_port() -> int:
    """A TCP port nothing on 127.0.0.1 listens on now (the caller starts its server on it at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
