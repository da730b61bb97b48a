"""The service's front door (pure ASGI): client tokens, body size limit, request metrics.

Reads the request head only. `/v1/*` requests need `Authorization: Bearer <token>` of a
known client (401 otherwise, before any of the body is read; 403 for a client of another
recipient). A body larger than the limit is refused with 413 from its Content-Length, or
as soon as the bytes received pass the limit when it is sent chunked, so it is never
read whole. `POST /v1/screen` is answered here by `hotpath.ScreenEndpoint` (bytes in,
bytes out); everything else goes on to FastAPI. Every request is counted by route and
status; screen requests are timed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sever.realtime.clients import Client, Clients
from sever.realtime.metrics import Metrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ROUTES = frozenset({"/v1/screen", "/v1/release", "/v1/ack", "/healthz", "/metrics"})
SCREEN = "/v1/screen"
ScreenFn = Callable[[bytes, Client], tuple[int, bytes]]


class BodyTooLarge(Exception):
    pass


async def reply(send: Send, status: int, body: dict[str, Any] | bytes, headers=()) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*head, *headers]})
    await send({"type": "http.response.body", "body": data})


class FrontDoor:
    def __init__(
        self,
        app: ASGIApp,
        *,
        clients: Clients,
        recipient: str,
        metrics: Metrics,
        max_body: int,
        screen: ScreenFn,
    ) -> None:
        self.app = app
        self.screen = screen
        self.clients = clients
        self.recipient = recipient
        self.metrics = metrics
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        route = path if path in ROUTES else "other"
        started = time.perf_counter()
        status = 500
        try:
            status = await self._handle(scope, receive, send, path)
        finally:
            timed = time.perf_counter() - started if route == SCREEN else None
            self.metrics.request(route, status, timed)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, path: str) -> int:
        headers = dict(scope["headers"])
        client = None
        if path.startswith("/v1/"):
            client = self._authenticate(headers.get(b"authorization", b""))
            if not isinstance(client, Client):
                status, body = client
                extra = [(b"www-authenticate", b'Bearer realm="sever"')] if status == 401 else []
                await reply(send, status, body, extra)
                return status
            scope.setdefault("state", {})["client"] = client
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await reply(send, 413, self._too_large())
            return 413
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        try:
            if path == SCREEN and client is not None:
                if scope["method"] != "POST":
                    await reply(send, 405, {"error": "method_not_allowed", "detail": "use POST"})
                    return 405
                status, data = self.screen(await _read(receive_limited), client)
                await reply(send, status, data)
                return status
            return await _forward(self.app, scope, receive_limited, send)
        except BodyTooLarge:
            await reply(send, 413, self._too_large())
            return 413

    def _authenticate(self, header: bytes) -> Client | tuple[int, dict[str, Any]]:
        scheme, _, token = header.decode("latin-1").partition(" ")
        client = self.clients.authenticate(token.strip()) if scheme.lower() == "bearer" else None
        if client is None:
            why = "missing bearer token" if not header else "unknown or malformed bearer token"
            return 401, {"error": "unauthorized", "detail": why}
        if client.recipient != self.recipient:
            detail = (
                f"client {client.client_id} is configured for recipient {client.recipient!r};"
                f" this service screens for {self.recipient!r}"
            )
            return 403, {"error": "forbidden", "detail": detail}
        return client

    def _too_large(self) -> dict[str, Any]:
        detail = f"request bodies are limited to {self.max_body} bytes"
        return {"error": "body_too_large", "detail": detail}


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _forward(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> int:
    """Run the FastAPI app; return the status it answered with."""
    status = 500

    async def send_status(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    await app(scope, receive, send_status)
    return status
