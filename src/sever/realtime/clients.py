"""Who may call the service: per-client bearer tokens, kept as sha256 digests.

Reads the clients file (YAML or JSON)::

    clients:
      acme-checkout:
        token_sha256: 9f86d081...   # sha256 hex of the token; the token itself is never stored
        recipient: acme             # the release recipient this client screens against

`Clients.authenticate` hashes the presented token and compares it with every client's
digest in constant time (no early exit), so timing reveals neither the token nor which
client it belongs to.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from sever.errors import UserError

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Client:
    client_id: str
    recipient: str
    digest: bytes


class Clients:
    def __init__(self, clients: list[Client]) -> None:
        self._clients = clients

    def __len__(self) -> int:
        return len(self._clients)

    def authenticate(self, token: str) -> Client | None:
        digest = hashlib.sha256(token.encode()).digest()
        found = None
        for client in self._clients:
            if hmac.compare_digest(digest, client.digest):
                found = client
        return found


def hash_token(token: str) -> str:
    """The `token_sha256` to put in the clients file for a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def load_clients(path: Path) -> Clients:
    """Read and check the clients file; every problem is reported at once."""
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: cannot read the clients file ({exc})") from None
    table = body.get("clients") if isinstance(body, dict) else None
    if not isinstance(table, dict) or not table:
        raise UserError(f"{path}: expected a mapping `clients: {{client_id: {{...}}}}`")
    clients, problems, seen = [], [], set()
    for cid, spec in table.items():
        digest = str((spec or {}).get("token_sha256", "")).lower()
        recipient = (spec or {}).get("recipient")
        if not _SHA256.fullmatch(digest):
            problems.append(f"{cid}: token_sha256 must be 64 hex digits (sha256 of the token)")
        elif digest in seen:
            problems.append(f"{cid}: shares its token with another client")
        if not isinstance(recipient, str) or not recipient:
            problems.append(f"{cid}: recipient is missing")
        if problems:
            continue
        seen.add(digest)
        clients.append(Client(str(cid), recipient, bytes.fromhex(digest)))
    if problems:
        raise UserError(f"{path}: " + "; ".join(problems))
    return Clients(clients)
