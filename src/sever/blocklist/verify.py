"""Check a release directory before anyone loads it: signature, checksum, every file.

Reads `<release>/manifest.json`, every file it lists, entries.jsonl and the signing
public key; writes nothing. Any problem raises `SignatureError` listing all of them
(a tampered entries file, manifest, delta or export; a missing or unlisted file; a bad
signature or a key that did not sign it), and the release must not be loaded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import ValidationError

from sever.blocklist import signing
from sever.blocklist.signing import SignatureError
from sever.blocklist.spec import ENTRIES_FILE, MANIFEST_FILE, Manifest, ReleaseEntry


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_entries(root: Path, manifest: Manifest, problems: list[str]) -> None:
    path = root / ENTRIES_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror})")
        return
    if _sha256(data) != manifest.checksum:
        problems.append(f"{path}: checksum {_sha256(data)[:16]}… differs from the manifest's")
        return
    keys = []
    for i, line in enumerate(data.decode("utf-8").splitlines(), 1):
        try:
            keys.append(ReleaseEntry.model_validate_json(line).key)
        except ValidationError as exc:
            problems.append(f"{path}:{i}: not a release entry ({exc.error_count()} error(s))")
    if keys != sorted(keys):
        problems.append(f"{path}: entries are not sorted by key")
    if len(keys) != manifest.counts.get("total"):
        problems.append(
            f"{path}: {len(keys)} entries, the manifest says {manifest.counts.get('total')}"
        )


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


def verify_release(root: Path, public_key: Path) -> Manifest:
    """The release's manifest when everything holds; `SignatureError` otherwise."""
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
        signing.verify(manifest, signing.load_public(public_key), where)
    except SignatureError as exc:
        problems.append(str(exc))
    _check_entries(root, manifest, problems)
    _check_files(root, manifest, problems)
    if problems:
        raise SignatureError(
            f"release {root} failed verification; do not load it:\n  - " + "\n  - ".join(problems)
        )
    return manifest
