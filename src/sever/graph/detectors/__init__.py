"""Detector plug-ins, listed explicitly in the order they run (later ones read earlier findings).

Each detector module has a stable `ID`, a docstring saying what it catches, the
benign look-alike it must not catch and why, and `detect(component) -> list[Finding]`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from sever.graph.context import Component, Finding
from sever.graph.detectors import (
    csam_consumer,
    identity_ring,
    mule,
    network_proximity,
    operator_cluster,
    sextortion_collector,
    victim,
)

Detect = Callable[[Component], list[Finding]]

_ORDER: tuple[ModuleType, ...] = (
    sextortion_collector,
    victim,
    mule,
    operator_cluster,
    identity_ring,
    csam_consumer,
    network_proximity,
)


def registry() -> dict[str, Detect]:
    out: dict[str, Detect] = {}
    for module in _ORDER:
        if module.ID in out:
            raise ValueError(f"duplicate detector id {module.ID!r}")
        out[module.ID] = module.detect
    return out
