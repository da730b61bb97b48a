"""The HTTP service: decisions, tokens, clear 4xx for bad requests, release, ack, metrics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from realtime_fixtures import HMAC_KEY, RECIPIENT, E, clients_file, write_release

from sever.blocklist.spec import ENTRIES_FILE
from sever.realtime.api import create_app
from sever.realtime.config import ServiceConfig

TOKEN, OTHER_TOKEN = "tok-acme-1", "tok-globex-1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PAYMENT = {
    "payment_id": "p-1",
    "sender": {"account_id": "A1", "identifiers": {"email": ["Alice.Smith@GoogleMail.com"]}},
    "receiver": {
        "account_id": "B1",
        "identifiers": {"payment_handle": ["cash.app/$Bobby"]},
        "country": "us",
        "attributes": {"kind": "individual", "account_age_days": 3},
    },
    "amount": 40,
    "currency": "USD",
    "amount_usd": 40.0,
    "channel": "p2p",
}


def config(tmp_path: Path, releases: Path, public_path: Path, **kw) -> ServiceConfig:
    (tmp_path / "hmac.key").write_text(HMAC_KEY.hex())
    clients = clients_file(
        tmp_path / "clients.yaml",
        {"acme-checkout": (TOKEN, RECIPIENT), "globex": (OTHER_TOKEN, "globex")},
    )
    return ServiceConfig(
        releases=releases,
        recipient=RECIPIENT,
        public_key=public_path,
        clients=clients,
        state_dir=tmp_path / "state",
        hmac_key=tmp_path / "hmac.key",
        **kw,
    )


@pytest.fixture
def cfg(tmp_path, releases, private, public_path) -> ServiceConfig:
    entries = [
        E("BE-h", "payment_handle", "$bobby", "block", "payee", reason_code="collector"),
        E("BE-m", "email", "alicesmith@gmail.com", "warn", "payer", reason_code="victim_warning"),
    ]
    write_release(releases, 1, entries, private)
    return config(tmp_path, releases, public_path)


@pytest.fixture
def client(cfg: ServiceConfig) -> Iterator[TestClient]:
    with TestClient(create_app(cfg)) as c:
        yield c


def test_screen_decides_and_logs_without_identifiers(client, cfg) -> None:
    r = client.post("/v1/screen", json=PAYMENT, headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["action"] == "block" and body["payment_id"] == "p-1"
    assert body["entry_ids"] == ["BE-h", "BE-m"] and body["release_no"] == 1
    client.app.state.decisions.flush()
    [line] = (cfg.state_dir).glob("decisions-*.jsonl")
    text = line.read_text()
    record = json.loads(text)
    assert record["decision_id"] == body["decision_id"] and record["client_id"] == "acme-checkout"
    for raw in ('"A1"', '"B1"', "alice", "bobby", "p-1", "googlemail", "cash.app"):
        assert raw.lower() not in text.lower(), raw


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({}, "missing bearer token"),
        ({"Authorization": "Bearer nope"}, "unknown"),
        ({"Authorization": f"Basic {TOKEN}"}, "unknown"),
    ],
)
def test_unknown_or_missing_token_is_401(client, headers, why) -> None:
    r = client.post("/v1/screen", json=PAYMENT, headers=headers)
    assert r.status_code == 401 and why in r.json()["detail"]
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/v1/release", headers=headers).status_code == 401


def test_a_client_of_another_recipient_is_403(client) -> None:
    r = client.post("/v1/screen", json=PAYMENT, headers={"Authorization": f"Bearer {OTHER_TOKEN}"})
    assert r.status_code == 403 and "globex" in r.json()["detail"]


def _fields(r) -> set[str]:
    assert r.status_code == 422, r.text
    return {p["field"] for p in r.json()["detail"]}


def test_missing_fields_and_wrong_types_are_422_with_field_paths(client) -> None:
    bad = json.loads(json.dumps(PAYMENT))
    del bad["receiver"]["account_id"], bad["currency"]
    bad["amount"] = "40"
    bad["sender"]["identifiers"] = {"email": ["ok@x.com", 7], "fax": ["1"]}
    bad["receiver"]["attributes"]["kind"] = "robot"
    r = client.post("/v1/screen", json=bad, headers=AUTH)
    assert _fields(r) == {
        "receiver.account_id",
        "currency",
        "amount",
        "sender.identifiers.email[1]",
        "sender.identifiers.fax.[key]",
        "receiver.attributes.kind",
    }
    assert _fields(client.post("/v1/screen", json=[1], headers=AUTH)) == {"(body)"}
    assert _fields(client.post("/v1/ack", json={"release_no": 0}, headers=AUTH)) == {"release_no"}


def test_malformed_json_is_400(client) -> None:
    for body in (b'{"sender": ', b"", b"\xff\xfe"):
        r = client.post("/v1/screen", content=body, headers=AUTH)
        assert r.status_code == 400 and r.json()["error"] == "malformed_json", body


def test_oversized_bodies_are_413_without_being_read(client, cfg) -> None:
    big = b"{" + b" " * (cfg.max_body + 10) + b"}"
    r = client.post("/v1/screen", content=big, headers=AUTH)
    assert r.status_code == 413 and r.json()["error"] == "body_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"pad": "'
        for _ in range(cfg.max_body // 1024 + 2):
            yield b"x" * 1024
        yield b'"}'

    r = client.post("/v1/screen", content=chunks(), headers=AUTH)
    assert r.status_code == 413


def test_the_service_keeps_serving_after_bad_requests(client) -> None:
    client.post("/v1/screen", content=b"{", headers=AUTH)
    client.post("/v1/screen", json={}, headers=AUTH)
    client.post("/v1/screen", json=PAYMENT, headers={"Authorization": "Bearer x"})
    client.post("/v1/screen", content=b"[" * 70_000, headers=AUTH)
    assert client.post("/v1/screen", json=PAYMENT, headers=AUTH).json()["action"] == "block"
    metrics = client.get("/metrics").text
    for status in (200, 400, 401, 413, 422):
        assert f'route="/v1/screen",status="{status}"' in metrics


def test_release_health_and_metrics(client) -> None:
    info = client.get("/v1/release", headers=AUTH).json()
    assert (info["release_no"], info["recipient"], info["entries"]) == (1, RECIPIENT, 2)
    assert info["hmac_key_matches"] is True and info["refused"] == []
    assert client.get("/healthz").json() == {"status": "ok", "release_no": 1}
    client.post("/v1/screen", json=PAYMENT, headers=AUTH)
    text = client.get("/metrics").text
    assert "sever_decisions_total{" in text and 'action="block"} 1' in text
    assert "sever_release_number{" in text and "sever_screen_seconds_count" in text


def test_ack_is_recorded(client, cfg) -> None:
    r = client.post(
        "/v1/ack", json={"release_no": 1, "loaded_at": "2026-11-01T10:00:00+01:00"}, headers=AUTH
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "client_id": "acme-checkout",
        "recipient": RECIPIENT,
        "release_no": 1,
        "serving_release_no": 1,
    }
    [path] = cfg.state_dir.glob("acks-*.jsonl")
    record = json.loads(path.read_text())
    assert record["loaded_at"] == "2026-11-01T09:00:00" and record["via"] == "http"


def test_openapi_documents_bodies_and_the_token(client) -> None:
    doc = client.get("/openapi.json").json()
    assert {"/v1/screen", "/v1/release", "/v1/ack", "/healthz", "/metrics"} <= set(doc["paths"])
    screen = doc["paths"]["/v1/screen"]["post"]
    assert screen["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ScreenRequest"
    )
    assert {"ScreenRequest", "PartyIn", "Attributes", "ScreenResponse"} <= set(
        doc["components"]["schemas"]
    )
    assert screen["security"] == [{"bearer": []}]


def test_a_tampered_new_release_is_refused_and_the_old_one_stays(client, releases, private) -> None:
    path = write_release(releases, 2, [E("BE-2", "account_id", "B1", "allow")], private)
    (path / ENTRIES_FILE).write_text((path / ENTRIES_FILE).read_text().replace("allow", "block"))
    holder = client.app.state.holder
    assert holder.check() == "refused release 2"
    assert holder.check() is None  # not retried until its manifest changes
    assert client.post("/v1/screen", json=PAYMENT, headers=AUTH).json()["release_no"] == 1
    info = client.get("/v1/release", headers=AUTH).json()
    assert info["refused"][0]["release_no"] == 2 and "checksum" in info["refused"][0]["why"]
    assert "sever_release_refusals_total{" in client.get("/metrics").text
    write_release(releases, 3, [E("BE-3", "account_id", "B1", "review")], private)
    assert holder.check() == "loaded release 3"
    assert client.post("/v1/screen", json=PAYMENT, headers=AUTH).json()["action"] == "review"


def test_the_service_refuses_to_start_on_a_tampered_release(cfg, releases) -> None:
    entries = releases / "R000001" / RECIPIENT / ENTRIES_FILE
    entries.write_text(entries.read_text().replace("block", "allow"))
    with pytest.raises(Exception, match="checksum"):
        create_app(cfg)
