"""The suite-wide guard: a test that tries to leave this machine fails, and nothing is sent.

203.0.113.1 is in TEST-NET-3 (RFC 5737), which never routes. Even so, no test here
lets a real connect to it happen: the guard is checked to be in place first, and
the order (refuse, then never call the real function) is checked with a recorder.
"""

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.request import urlopen

import pytest

from tests import network_guard
from tests.network_guard import NetworkAccessBlocked

TEST_NET = "203.0.113.1"


def test_the_guard_is_installed_for_the_whole_suite():
    assert network_guard.is_installed()


@pytest.mark.parametrize(
    ("family", "address"),
    [
        (socket.AF_INET, (TEST_NET, 80)),
        (socket.AF_INET, ("10.0.0.1", 5432)),
        (socket.AF_INET, ("0.0.0.0", 80)),  # noqa: S104 (connected to, not bound)
        (socket.AF_INET, ("example.com", 443)),
        (socket.AF_INET, ("localhost.example.com", 80)),
        (socket.AF_INET6, ("2001:db8::1", 80, 0, 0)),
        (socket.AF_INET6, ("::ffff:203.0.113.1", 80, 0, 0)),
    ],
)
def test_a_refused_address_is_never_passed_to_the_real_connect(family, address):
    contacted = []
    for name in ("connect", "connect_ex"):
        guarded = network_guard.guard_connect(lambda sock, to: contacted.append(to), name)
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            with pytest.raises(NetworkAccessBlocked, match=re.escape(repr(address))):
                guarded(sock, address)
    assert contacted == []


@pytest.mark.parametrize(
    ("family", "address"),
    [
        (socket.AF_INET, ("127.0.0.1", 5432)),
        (socket.AF_INET, ("127.8.9.10", 80)),
        (socket.AF_INET, ("localhost", 8000)),
        (socket.AF_INET, ("LOCALHOST", 8000)),
        (socket.AF_INET6, ("::1", 80, 0, 0)),
        (socket.AF_INET6, ("::ffff:127.0.0.1", 80, 0, 0)),
        (socket.AF_UNIX, "/var/run/postgresql/.s.PGSQL.5432"),
    ],
)
def test_loopback_and_unix_sockets_reach_the_real_connect(family, address):
    contacted = []
    guarded = network_guard.guard_connect(lambda sock, to: contacted.append(to), "connect")
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        guarded(sock, address)
    assert contacted == [address]


def test_a_real_socket_to_a_test_net_address_fails_before_anything_is_sent():
    # The installed guard, not a copy: were it missing, stop before any connect.
    assert socket.socket.connect.manabi_network_guard
    with pytest.raises(NetworkAccessBlocked, match=TEST_NET):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.connect((TEST_NET, 80))
    assert socket.socket.connect_ex.manabi_network_guard
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(NetworkAccessBlocked, match=TEST_NET):
            sock.connect_ex((TEST_NET, 80))
    with pytest.raises(NetworkAccessBlocked, match=TEST_NET):
        socket.create_connection((TEST_NET, 80), timeout=0.01)


def test_udp_datagrams_and_name_lookups_are_refused_too():
    assert socket.socket.sendto.manabi_network_guard
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(NetworkAccessBlocked, match=TEST_NET):
            sock.sendto(b"x", (TEST_NET, 53))
        with pytest.raises(NetworkAccessBlocked, match=TEST_NET):
            sock.sendto(b"x", 0, (TEST_NET, 53))
    assert socket.getaddrinfo.manabi_network_guard
    with pytest.raises(NetworkAccessBlocked, match="example.com"):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises(NetworkAccessBlocked, match="example.com"):
        urlopen("http://example.com/", timeout=0.01)  # noqa: S310 (the guard refuses it)


def test_a_server_on_loopback_still_answers():
    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), Hello) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            port = server.server_address[1]
            with urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:  # noqa: S310
                assert answer.read() == b"hello"
            with urlopen(f"http://localhost:{port}/", timeout=5) as answer:  # noqa: S310
                assert answer.read() == b"hello"
        finally:
            server.shutdown()
