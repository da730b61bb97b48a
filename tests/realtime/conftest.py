"""Fixtures for the real-time tests: a release signing key pair and a releases folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sever.blocklist import signing


@pytest.fixture(scope="session")
def keypair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ed25519PrivateKey, Path]:
    folder = tmp_path_factory.mktemp("keys")
    signing.generate(folder / "release.key", folder / "release.pub")
    return signing.load_private(folder / "release.key"), folder / "release.pub"


@pytest.fixture
def private(keypair: tuple[Ed25519PrivateKey, Path]) -> Ed25519PrivateKey:
    return keypair[0]


@pytest.fixture
def public_path(keypair: tuple[Ed25519PrivateKey, Path]) -> Path:
    return keypair[1]


@pytest.fixture
def releases(tmp_path: Path) -> Path:
    path = tmp_path / "releases"
    path.mkdir()
    return path
