"""Check a release directory before anyone loads it: signature, checksum, every file.

Reads `<release>/manifest.json`, every file it lists, entries.jsonl and the signing
public key; writes nothing. Any problem raises `SignatureError` listing all of them
(a tampered entries file, manifest, delta or export; a missing or unlisted file; a bad
signature or a key that did not sign it), and the release must not be loaded.
`sever blocklist verify` and the real-time screener both load releases through here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from sever.blocklist import signing
from sever.blocklist.signing import SignatureError
from sever.blocklist.spec import ENTRIES_FILE, MANIFEST_FILE, Manifest, ReleaseEntry


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class VerifiedRelease:
    path: Path
    manifest: Manifest
    entries: list[ReleaseEntry]


def _check_entries(root: Path, manifest: Manifest, problems: list[str]) -> list[ReleaseEntry]:
    path = root / ENTRIES_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror})")
        return []
    digest = _sha256(data)
    if digest != manifest.checksum:
        problems.append(
            f"{path}: sha256 {digest[:16]}… does not match the signed checksum"
            f" {manifest.checksum[:16]}…: the entries were changed after signing"
        )
        return []
    entries = []
    for i, line in enumerate(data.splitlines(), 1):
        try:
            entries.append(ReleaseEntry.model_validate_json(line))
        except ValidationError as exc:
            problems.append(f"{path}:{i}: not a release entry ({exc.error_count()} error(s))")
    keys = [e.key for e in entries]
    if keys != sorted(keys):
        problems.append(f"{path}: entries are not sorted by key")
    if len(keys) != manifest.counts.get("total"):
        problems.append(
            f"{path}: {len(keys)} entries, the manifest says {manifest.counts.get('total')}"
        )
    return entries


def _check_files(root: Path, manifest: Manifest, problems: list[str]) -> None:
    for rel, info in sorted(manifest.files.items()):
        path = root / rel
        if not path.resolve().is_relative_to(root.resolve()):
            problems.append(f"{rel}: the manifest names a file outside the release")
            continue
        try:
            data = path.read_bytes()
        except OSError:
            problems.append(f"{path}: listed in the manifest but missing")
            continue
        if len(data) != info.bytes or _sha256(data) != info.sha256:
            problems.append(f"{path}: checksum or size differs from the manifest's")
    listed = {ENTRIES_FILE, MANIFEST_FILE, *manifest.files}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel not in listed:
            problems.append(f"{path}: not listed in the manifest")


def load_verified(
    root: Path,
    public: Ed25519PublicKey | Path,
    *,
    release_no: int | None = None,
    recipient: str | None = None,
) -> VerifiedRelease:
    """The release with its parsed entries when everything holds; `SignatureError` otherwise.

    `release_no` and `recipient`, when given, must be what the signed manifest says: a
    release copied into another's folder is refused.
    """
    where = str(root / MANIFEST_FILE)
    try:
        manifest = Manifest.model_validate_json((root / MANIFEST_FILE).read_bytes())
    except OSError as exc:
        raise SignatureError(f"{where}: cannot read the manifest ({exc.strerror})") from None
    except ValidationError as exc:
        raise SignatureError(
            f"{where}: not a valid manifest ({exc.error_count()} error(s))"
        ) from None
    problems: list[str] = []
    try:
        key = signing.load_public(public) if isinstance(public, Path) else public
        signing.verify(manifest, key, where)
    except SignatureError as exc:
        problems.append(str(exc))
    if release_no is not None and manifest.release_no != release_no:
        problems.append(f"{where}: the manifest is release {manifest.release_no}, not {release_no}")
    if recipient is not None and manifest.recipient != recipient:
        problems.append(f"{where}: the manifest is for {manifest.recipient!r}, not {recipient!r}")
    entries = _check_entries(root, manifest, problems)
    _check_files(root, manifest, problems)
    if problems:
        raise SignatureError(
            f"release {root} failed verification; do not load it:\n  - " + "\n  - ".join(problems)
        )
    return VerifiedRelease(root, manifest, entries)


def verify_release(root: Path, public_key: Path) -> Manifest:
    """The release's manifest when everything holds; `SignatureError` otherwise."""
    return load_verified(root, public_key).manifest
