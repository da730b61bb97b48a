"""`POST /v1/screen` as a plain function of the body bytes: the service's hot path.

Reads the body and the current screener; appends one decision line (no raw
identifiers) to the decision log. Served straight from the ASGI front door
(`realtime.middleware`) rather than through FastAPI's routing, which costs more than
the screening itself; the OpenAPI entry is generated from the same pydantic models.
"""

from __future__ import annotations

import itertools
import json
import os
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sever.realtime.clients import Client
from sever.realtime.logs import JsonlLog, utc_now
from sever.realtime.metrics import Metrics
from sever.realtime.reload import Holder
from sever.realtime.schema import FieldProblem, ScreenRequest

M = TypeVar("M", bound=BaseModel)


class BadBody(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status, self.body = status, body


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(body)"


def parse(model: type[M], body: bytes) -> M:
    """The validated body, or BadBody: 400 for malformed JSON, 422 naming every field."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        if any(e["type"] == "json_invalid" for e in errors):
            raise BadBody(400, {"error": "malformed_json", "detail": errors[0]["msg"]}) from None
        detail = [
            FieldProblem(field=_field(e["loc"]), message=e["msg"], type=e["type"]).model_dump()
            for e in errors
        ]
        raise BadBody(422, {"error": "invalid_request", "detail": detail}) from None


class ScreenEndpoint:
    def __init__(self, holder: Holder, decisions: JsonlLog, metrics: Metrics) -> None:
        self.holder = holder
        self.decisions = decisions
        self.metrics = metrics
        self.prefix = f"SD-{os.urandom(5).hex()}-"  # unique per process; a counter after it
        self.sequence = itertools.count(1)

    def __call__(self, body: bytes, client: Client) -> tuple[int, bytes]:
        try:
            req = parse(ScreenRequest, body)
        except BadBody as exc:
            return exc.status, json.dumps(exc.body).encode()
        screener = self.holder.screener  # one reference: a swap mid-request cannot split it
        assert screener is not None
        d = screener.screen(req.to_payment())
        decision_id = f"{self.prefix}{next(self.sequence):x}"
        self.decisions.write(
            {
                "decision_id": decision_id,
                "client_id": client.client_id,
                "recipient": client.recipient,
                "release_no": d.release_no,
                "decided_at": utc_now(),
                "action": d.action,
                "amount_usd": req.usd,
                "channel": req.channel,
                "reason_codes": d.reason_codes,
                "entry_ids": d.entry_ids,
                "rule_hits": d.rule_hits,
                "shadow_hits": d.shadow_hits,
            }
        )
        self.metrics.decisions[d.action] += 1
        answer = {
            "decision_id": decision_id,
            "payment_id": req.payment_id,
            "action": d.action,
            "entry_ids": d.entry_ids,
            "reason_codes": d.reason_codes,
            "release_no": d.release_no,
            "rule_hits": d.rule_hits,
            "shadow_hits": d.shadow_hits,
        }
        return 200, json.dumps(answer).encode()
