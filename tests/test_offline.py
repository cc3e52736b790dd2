"""The offline guard itself: with it on, no socket of any kind can be created (with `unix`, none but a
Unix-domain socket, which cannot leave the machine)."""

import socket
import urllib.request

import pytest

from assistant.offline import NetworkAccessError


def test_socket_creation_raises_under_the_guard():
    with pytest.raises(NetworkAccessError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkAccessError):
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)


def test_a_library_fetch_is_refused_under_the_guard():
    with pytest.raises((NetworkAccessError, OSError)) as info:
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    assert "offline guard" in str(info.value)


def test_a_unix_socket_alone_may_be_allowed():
    from assistant.offline import no_network

    with no_network(unix=True):
        local = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        local.close()
        with pytest.raises(NetworkAccessError):
            socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with pytest.raises(NetworkAccessError):
            socket.socket()  # the default family is the internet's
        with pytest.raises(NetworkAccessError):
            socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkAccessError):  # the outer guard (the autouse fixture's) is back
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
