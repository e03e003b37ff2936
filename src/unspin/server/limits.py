"""Request limits: body size (413), bounded concurrent analyses with a short queue (429), and a
per-request time limit (504)."""
from __future__ import annotations

import asyncio
import json


class BodyLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` (by Content-Length, and while streaming)."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await _too_large(send, self.max_bytes)
        seen = 0
        responded = False

        async def limited_receive():
            nonlocal seen, responded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    responded = True
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            if responded:
                await _too_large(send, self.max_bytes)


class _TooLarge(Exception):
    pass


async def _too_large(send, max_bytes: int) -> None:
    body = json.dumps({"error": "request_too_large",
                       "detail": f"request body is over the {max_bytes:,}-byte limit"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class Busy(Exception):
    """All analysis slots are taken and the queue is full."""


class AnalysisSlots:
    """At most ``running`` analyses at once and ``queue`` waiting; beyond that, Busy (-> 429)."""

    def __init__(self, running: int, queue: int):
        self.semaphore = asyncio.Semaphore(running)
        self.capacity = running + queue
        self.inside = 0

    async def acquire(self) -> None:
        if self.inside >= self.capacity:
            raise Busy()
        self.inside += 1
        try:
            await self.semaphore.acquire()
        except BaseException:
            self.inside -= 1
            raise

    def release(self) -> None:
        self.semaphore.release()
        self.inside -= 1
