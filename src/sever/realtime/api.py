"""The screening service (`sever serve`): FastAPI routes over a hot-swappable `Screener`.

Reads the release folder, the release public key, the HMAC key, the clients file and
optionally the rules (and, once, their approvals); writes decision and ack logs to the
state directory (`realtime.logs`). Never opens the warehouse for writing.

    POST /v1/screen   decide a payment            GET /v1/release  which release is loaded
    POST /v1/ack      report the release loaded   GET /healthz     GET /metrics

Every `/v1` request passes the front door first (`realtime.middleware`: token, body
limit, metrics), which also answers `POST /v1/screen` itself (`realtime.hotpath`); the
other routes are FastAPI's. Bodies are parsed with pydantic straight from the bytes:
malformed JSON is a 400, a body that does not fit the schema a 422 listing every field.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel

from sever import __version__
from sever.blocklist import signing
from sever.blocklist.keys import read_hmac_key
from sever.realtime.clients import Client, load_clients
from sever.realtime.config import ServiceConfig
from sever.realtime.hotpath import BadBody, ScreenEndpoint, parse
from sever.realtime.logs import JsonlLog, utc_now, worker_tag
from sever.realtime.metrics import Metrics
from sever.realtime.middleware import FrontDoor
from sever.realtime.release import ReleaseError
from sever.realtime.reload import Holder
from sever.realtime.rules import EMPTY, load_rule_set
from sever.realtime.schema import AckRequest, AckResponse, Problem, ScreenRequest, ScreenResponse

log = logging.getLogger("sever.realtime")

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "malformed JSON"},
    401: {"model": Problem, "description": "missing or unknown bearer token"},
    403: {"model": Problem, "description": "the client belongs to another recipient"},
    413: {"model": Problem, "description": "body over the size limit"},
    422: {"model": Problem, "description": "fields missing or of the wrong type"},
}
SECURED = {"security": [{"bearer": []}]}


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
        }
    }


# Served by the front door (`realtime.hotpath`), documented here from the same models.
SCREEN_DOC = {
    "summary": "Decide a payment against the loaded release and the real-time rules",
    "operationId": "screen",
    "requestBody": {"required": True, **_ref(ScreenRequest)},
    "responses": {
        "200": {"description": "the decision", **_ref(ScreenResponse)},
        **{str(k): {"description": v["description"], **_ref(Problem)} for k, v in ERRORS.items()},
    },
    **SECURED,
}


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status, media_type="application/json")


def _body_doc(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, **_ref(model)}, **SECURED}


def create_app(cfg: ServiceConfig) -> FastAPI:
    """Load and verify the release, the keys and the clients; return the app."""
    metrics = Metrics()
    clients = load_clients(cfg.clients)
    rules = load_rule_set(cfg.rules, cfg.warehouse) if cfg.rules else EMPTY
    holder = Holder(
        cfg.releases,
        cfg.recipient,
        signing.load_public(cfg.public_key),
        read_hmac_key(cfg.hmac_key) if cfg.hmac_key else None,
        metrics,
        rules,
    )
    holder.check()
    if holder.screener is None:
        refused = "; ".join(why for _, why in holder.refused.values())
        raise ReleaseError(refused or f"{cfg.releases}: no release for {cfg.recipient!r}")
    worker = worker_tag()
    decisions = JsonlLog(cfg.state_dir, "decisions", worker)
    acks = JsonlLog(cfg.state_dir, "acks", worker, buffered=False)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watcher = asyncio.create_task(holder.watch(cfg.poll_seconds))
        flusher = asyncio.create_task(_flush_every(decisions, 1.0))
        try:
            yield
        finally:
            for task in (watcher, flusher):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            decisions.close()
            acks.close()

    app = FastAPI(
        title="sever screening service",
        version=__version__,
        description=__doc__,
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.state.metrics = metrics
    app.state.decisions = decisions
    app.add_middleware(
        FrontDoor,
        clients=clients,
        recipient=cfg.recipient,
        metrics=metrics,
        max_body=cfg.max_body,
        screen=ScreenEndpoint(holder, decisions, metrics),
    )

    @app.exception_handler(BadBody)
    async def _bad_body(request: Request, exc: BadBody) -> Response:
        return _json(exc.body, exc.status)

    @app.get(
        "/v1/release", summary="Which release this service screens with", openapi_extra=SECURED
    )
    async def release() -> dict[str, Any]:
        screener = holder.screener
        assert screener is not None
        refused = [
            {"release_no": no, "why": why} for no, (_, why) in sorted(holder.refused.items())
        ]
        return {**screener.describe(), "refused": refused}

    @app.post(
        "/v1/ack",
        summary="A payment system reports the release it has loaded",
        responses={200: {"model": AckResponse}, **ERRORS},
        openapi_extra=_body_doc(AckRequest),
    )
    async def ack(request: Request) -> Response:
        req = parse(AckRequest, await request.body())
        client: Client = request.state.client
        now = utc_now()
        loaded = req.loaded_at
        if loaded is not None and loaded.tzinfo is not None:
            loaded = loaded.astimezone(UTC).replace(tzinfo=None)
        acks.write(
            {
                "client_id": client.client_id,
                "recipient": client.recipient,
                "release_no": req.release_no,
                "loaded_at": loaded.isoformat() if loaded else now,
                "reported_at": now,
                "via": "http",
            }
        )
        serving = holder.screener.release_no if holder.screener else None
        body = AckResponse(
            client_id=client.client_id,
            recipient=client.recipient,
            release_no=req.release_no,
            serving_release_no=serving,
        )
        return _json(body.model_dump())

    @app.get("/healthz", summary="Liveness: a verified release is loaded")
    async def healthz() -> Response:
        screener = holder.screener
        if screener is None:
            return _json({"status": "no release"}, 503)
        return _json({"status": "ok", "release_no": screener.release_no})

    @app.get(
        "/metrics", summary="Prometheus metrics of this worker", response_class=PlainTextResponse
    )
    async def metrics_text() -> PlainTextResponse:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {})
        components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        models = components.setdefault("schemas", {})
        for model in (ScreenRequest, ScreenResponse, AckRequest, Problem):
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            models.update(body.pop("$defs", {}))
            models[model.__name__] = body
        schema["paths"]["/v1/screen"] = {"post": SCREEN_DOC}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _flush_every(log_: JsonlLog, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        log_.flush()


def app_from_env() -> FastAPI:
    """uvicorn factory: each worker builds its app from `SEVER_SERVE_CONFIG`."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return create_app(ServiceConfig.from_env())
