"""The in-process screener: one verified release in memory, a decision per payment.

Reads a release directory (through `release.verify_release`: signature, checksum) and
the recipient's HMAC key; writes nothing. Entries are indexed by their key (the 32-byte
HMAC digest, or `type:value` for raw releases); a payment's identifiers are normalised,
keyed and looked up, entries are kept when they apply to the side the identifier is on
(payer = sender, payee = receiver, either) and have not expired at screen time, and the
action is the first of `spec.PRECEDENCE` among them (`pass` when none). Applicable
analyst rules (`realtime.rules`) run after the lookups.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sever.blocklist import signing
from sever.blocklist.keys import hmac_key_id
from sever.blocklist.spec import PRECEDENCE, RANK
from sever.realtime.keys import entry_index_key, key_functions
from sever.realtime.payment import Decision, Party, Payment
from sever.realtime.release import (
    ReleaseError,
    VerifiedRelease,
    latest_release_no,
    verify_release,
)
from sever.realtime.rules import EMPTY, RuleSet, row_builder

log = logging.getLogger("sever.realtime")

PAYER, PAYEE = 1, 2
SIDES = {"payer": PAYER, "payee": PAYEE, "either": PAYER | PAYEE}
ACTIONS = tuple(a.value for a in PRECEDENCE)
PASS = "pass"

# One indexed entry: (precedence rank, sides bitmask, expires at (epoch s), id, reason code)
Compact = tuple[int, int, float, str, str]


def _epoch(at: datetime) -> float:
    # Release times are wall-clock UTC; naive ones are read as UTC.
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


class Screener:
    """Decides payments against one release. Immutable once built: swap, never mutate."""

    def __init__(
        self,
        release: VerifiedRelease,
        hmac_key: bytes | None,
        rules: RuleSet = EMPTY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        manifest = release.manifest
        hashed = manifest.identifiers == "hmac-sha256"
        if hashed and hmac_key is None:
            raise ReleaseError(
                f"{release.path}: entries are keyed hashes; the recipient's HMAC key is needed"
            )
        self.path: Path = release.path
        self.manifest = manifest
        self.release_no: int = manifest.release_no
        self.recipient: str = manifest.recipient
        self.hmac_key_matches: bool | None = (
            None if not hashed or manifest.hmac_key_id is None or hmac_key is None
            else hmac_key_id(hmac_key) == manifest.hmac_key_id
        )  # fmt: skip
        if self.hmac_key_matches is False:
            log.warning(
                "%s: the manifest names HMAC key %s, the configured key is %s: nothing may match",
                release.path, manifest.hmac_key_id, hmac_key_id(hmac_key),  # type: ignore[arg-type]
            )  # fmt: skip
        index: dict[bytes | str, tuple[Compact, ...]] = {}
        for e in release.entries:
            k = entry_index_key(e.id_type, e.key, hashed)
            c = (RANK[e.action.value], SIDES[e.applies_to], _epoch(e.expires_at), e.entry_id,
                 e.reason_code)  # fmt: skip
            index[k] = (*index[k], c) if k in index else (c,)
        self._index = index
        self._keys = key_functions(hmac_key if hashed else None)
        self._account_key = self._keys["account_id"]
        self._clock = clock
        self.rules = rules
        self._rules = [(r, row_builder(r.rule)) for r in rules.applicable]
        self.entries = len(release.entries)

    @classmethod
    def load(
        cls,
        releases: Path,
        recipient: str,
        public_key: Ed25519PublicKey | Path,
        hmac_key: bytes | None = None,
        *,
        release_no: int | None = None,
        rules: RuleSet = EMPTY,
    ) -> Screener:
        """Verify and load a release (the latest for `recipient` unless `release_no`)."""
        if isinstance(public_key, Path):
            public_key = signing.load_public(public_key)
        if release_no is None:
            release_no = latest_release_no(releases, recipient)
            if release_no is None:
                raise ReleaseError(f"{releases}: no release for recipient {recipient!r}")
        release = verify_release(releases, release_no, recipient, public_key)
        return cls(release, hmac_key, rules)

    def _probe(self, party: Party, side: int, now: float, found: list[Compact]) -> None:
        get = self._index.get
        hits = get(self._account_key(party.account_id, None))
        if hits:
            found.extend(c for c in hits if c[1] & side and c[2] > now)
        keys = self._keys
        region = party.country
        for id_type, values in party.identifiers.items():
            key_of = keys.get(id_type)
            if key_of is None:
                continue  # a type no entry can carry
            for raw in values:
                hits = get(key_of(raw, region))
                if hits:
                    found.extend(c for c in hits if c[1] & side and c[2] > now)

    def screen(self, payment: Payment) -> Decision:
        """The decision for one payment; `pass` when no entry and no live rule applies."""
        now = self._clock()
        found: list[Compact] = []
        self._probe(payment.sender, PAYER, now, found)
        self._probe(payment.receiver, PAYEE, now, found)
        if not found and not self._rules:
            return Decision(PASS, (), (), self.release_no)
        found.sort()
        rank = found[0][0] if found else len(ACTIONS)
        reasons = list(dict.fromkeys(c[4] for c in found))
        live: list[str] = []
        shadow: list[str] = []
        for rule, build in self._rules:
            if rule.rule.compiled.evaluate(build(payment)):
                if rule.mode == "shadow":
                    shadow.append(rule.ref)
                    continue
                live.append(rule.ref)
                if rule.effect is not None:
                    rank = min(rank, RANK[rule.effect])
                    reasons.append(f"rule:{rule.ref}")
        return Decision(
            ACTIONS[rank] if rank < len(ACTIONS) else PASS,
            tuple(dict.fromkeys(c[3] for c in found)),
            tuple(reasons),
            self.release_no,
            tuple(live),
            tuple(shadow),
        )

    def describe(self) -> dict[str, Any]:
        """Which release is loaded, for `GET /v1/release` and logs."""
        m = self.manifest
        return {
            "release_no": self.release_no,
            "recipient": self.recipient,
            "created_at": m.created_at.isoformat(),
            "identifiers": m.identifiers,
            "entries": self.entries,
            "checksum": m.checksum,
            "signed_by": m.signature.key_id if m.signature else None,
            "hmac_key_matches": self.hmac_key_matches,
            "rules": self.rules.report(),
        }
