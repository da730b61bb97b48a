"""Evaluation: a scan's `alerts.jsonl` against a labelled dataset's `labels.csv`.

The only part of sever that reads ground truth. `metrics.evaluate` computes on frames,
`load.evaluate_paths` reads a dataset directory and an alerts file, `report` renders the result.
"""

from __future__ import annotations

from sever.evaluate.load import evaluate_paths
from sever.evaluate.metrics import evaluate

__all__ = ["evaluate", "evaluate_paths"]
