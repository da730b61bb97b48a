"""Find block-list releases on disk for the screener and its hot reload.

Reads the releases folder (`<releases>/R<no:06d>/<recipient>/manifest.json`); writes
nothing. Verification (signature, every checksum, number, recipient, entry count) is
`sever.blocklist.verify.load_verified`, the same check `sever blocklist verify` runs:
a release that fails it is never loaded.
"""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sever.blocklist.spec import MANIFEST_FILE, release_dir
from sever.blocklist.verify import VerifiedRelease, load_verified

__all__ = [
    "ReleaseError",
    "VerifiedRelease",
    "latest_release_no",
    "manifest_mtime",
    "verify_release",
]
from sever.errors import UserError

_RELEASE_DIR = re.compile(r"R(\d{6})")


class ReleaseError(UserError):
    """A release that cannot be loaded: missing, malformed or inconsistent."""


def latest_release_no(releases: Path, recipient: str) -> int | None:
    """The highest numbered release that has a manifest for `recipient`."""
    best = None
    try:
        children = list(releases.iterdir())
    except OSError:
        return None
    for child in children:
        m = _RELEASE_DIR.fullmatch(child.name)
        if m and (child / recipient / MANIFEST_FILE).is_file():
            best = max(best or 0, int(m[1]))
    return best


def manifest_mtime(releases: Path, release_no: int, recipient: str) -> int | None:
    """When the manifest last changed (ns), to notice a release rewritten after a refusal."""
    try:
        return (release_dir(releases, release_no, recipient) / MANIFEST_FILE).stat().st_mtime_ns
    except OSError:
        return None


def verify_release(
    releases: Path, release_no: int, recipient: str, public: Ed25519PublicKey
) -> VerifiedRelease:
    """Release `release_no` for `recipient`, verified; `SignatureError` if anything fails."""
    path = release_dir(releases, release_no, recipient)
    return load_verified(path, public, release_no=release_no, recipient=recipient)
