"""The live server of the browser tests, one request at a time when its database is SQLite in memory.

That database is one connection, which pytest-django hands to every thread of Django's threaded live
server. A browser sends requests side by side (the page's records and its service worker's script,
say); two at once on that connection mix their transactions' savepoints, and the second request fails
with "no such savepoint" or "You can't execute queries until the end of the 'atomic' block". The
server here lets one request in at a time, from its first byte read to its response closed. On
PostgreSQL every thread has its own connection and the server stays as Django makes it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer


class _ClosedReleases:
    """A response's body that lets the next request in once the server has closed it."""

    def __init__(self, body: Iterable[bytes], lock: threading.Lock):
        self._body = body
        self._lock = lock

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._lock.release()


class OneRequestAtATimeServer(ThreadedWSGIServer):
    def set_app(self, application: Callable) -> None:
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            lock.acquire()
            try:
                body = application(environ, start_response)
            except BaseException:
                lock.release()
                raise
            return _ClosedReleases(body, lock)

        super().set_app(one_at_a_time)


class OneRequestAtATimeThread(LiveServerThread):
    server_class = OneRequestAtATimeServer


def live_server_started(address: str) -> LiveServer:
    """pytest-django's live server at ``address``, its requests in turn when they share one connection."""
    server = LiveServer(address, start=False)
    shared = server.thread
    if shared.connections_override:
        server.thread = OneRequestAtATimeThread(
            shared.host,
            shared.static_handler,
            connections_override=shared.connections_override,
            port=shared.port,
        )
        server.thread.daemon = True
    server.start()
    return server
