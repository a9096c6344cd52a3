"""Tests never leave this machine: every socket may reach only loopback or a Unix socket.

``install()`` wraps the Python-level ways a test could send a packet elsewhere:
``socket.connect`` and ``connect_ex`` (which ``socket.create_connection``, urllib,
smtplib and asyncio all go through), ``sendto`` (UDP needs no connect) and
``getaddrinfo`` (resolving a name asks a DNS server). Each wrapper checks the
address first and raises ``NetworkAccessBlocked`` before the real call, so a
refused address is never contacted.

Database drivers written in C (libpq) and other processes (Chromium, Playwright's
driver) are outside Python's socket module and unaffected: they only reach
127.0.0.1 or pipes here.
"""

import ipaddress
import socket

LOCAL_NAMES = {"localhost", "localhost."}


class NetworkAccessBlocked(RuntimeError):
    """A test tried to reach an address outside this machine."""


def is_local_host(host):
    """True for loopback addresses (127.0.0.0/8, ::1, IPv4-mapped loopback) and localhost."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.split("%", 1)[0]  # an IPv6 scope (::1%lo)
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # any other name would need a DNS lookup
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def is_local_address(family, address):
    if family == getattr(socket, "AF_UNIX", None):
        return True
    if family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) and address:
        return is_local_host(address[0])
    return False


def refuse(what, address):
    raise NetworkAccessBlocked(
        f"A test tried to reach {address!r} ({what}). Tests may only use loopback "
        "(127.0.0.0/8, ::1, localhost) and Unix sockets: see tests/network_guard.py."
    )


def guard_connect(real_connect, name):
    def connect(sock, address):
        if not is_local_address(sock.family, address):
            refuse(f"socket.{name}", address)
        return real_connect(sock, address)

    connect.__name__ = name
    connect.manabi_network_guard = True
    return connect


def guard_sendto(real_sendto):
    def sendto(sock, data, *flags_and_address):
        address = flags_and_address[-1] if flags_and_address else None
        if not is_local_address(sock.family, address):
            refuse("socket.sendto", address)
        return real_sendto(sock, data, *flags_and_address)

    sendto.manabi_network_guard = True
    return sendto


def guard_getaddrinfo(real_getaddrinfo):
    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not is_local_host(host):
            refuse("socket.getaddrinfo", host)
        return real_getaddrinfo(host, *args, **kwargs)

    getaddrinfo.manabi_network_guard = True
    return getaddrinfo


_originals = {}


def install():
    """Wrap the socket module (once); ``uninstall()`` restores it."""
    if _originals:
        return
    _originals.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        sendto=socket.socket.sendto,
        getaddrinfo=socket.getaddrinfo,
    )
    socket.socket.connect = guard_connect(_originals["connect"], "connect")
    socket.socket.connect_ex = guard_connect(_originals["connect_ex"], "connect_ex")
    socket.socket.sendto = guard_sendto(_originals["sendto"])
    socket.getaddrinfo = guard_getaddrinfo(_originals["getaddrinfo"])


def uninstall():
    if not _originals:
        return
    socket.socket.connect = _originals.pop("connect")
    socket.socket.connect_ex = _originals.pop("connect_ex")
    socket.socket.sendto = _originals.pop("sendto")
    socket.getaddrinfo = _originals.pop("getaddrinfo")


def is_installed():
    return all(
        getattr(function, "manabi_network_guard", False)
        for function in (
            socket.socket.connect,
            socket.socket.connect_ex,
            socket.socket.sendto,
            socket.getaddrinfo,
        )
    )
