"""Impact report: what the engine achieved in a period, for management and examiners.

Reads the signal, alert, case, block-list and screening tables; writes report.md,
report.html and chart PNGs into an output folder. Internal: it counts SARs.
"""

from __future__ import annotations

from sever.impact.period import Period

__all__ = ["Period"]
